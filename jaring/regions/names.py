"""How people write place names, reduced to something comparable.

Lists from kelurahan write the same village as "Kel. Bandar Lor", "KELURAHAN BANDAR LOR",
"bandar lor" or "Bandarlor"; Kemendagri writes "Bandar Lor". Comparing lower-case letters and
digits only, after dropping the administrative prefix, makes all of them equal.
"""

from __future__ import annotations

import re
import unicodedata

# Administrative words people put in front of a name. Longest first so "kelurahan" wins over
# "kel". "Gampong", "Nagari" and the like are left alone: in those provinces they are part of
# the official name.
_PREFIXES = (
    "kabupaten",
    "kelurahan",
    "kecamatan",
    "provinsi",
    "kodya",
    "kota",
    "desa",
    "prov",
    "kab",
    "kec",
    "kel",
    "ds",
)
_PREFIX_RE = re.compile(r"^(?:" + "|".join(_PREFIXES) + r")(?:\.\s*|\s+)", re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def name_key(text: str) -> str:
    """Lower-case ASCII letters and digits: 'Pasir Kraton-Kramat' -> 'pasirkratonkramat'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", ascii_text.lower())


def strip_prefix(text: str) -> str:
    """Drop one administrative prefix: 'Kel. Bandar Lor' -> 'Bandar Lor'."""
    return _PREFIX_RE.sub("", text.strip(), count=1)


def candidate_keys(text: str) -> tuple[str, ...]:
    """Keys to try for a written name: as written, then without its prefix.

    Both are needed because some official names begin with a prefix word: the kecamatan
    "Kota Baru" must still match "Kota Baru", while "Kota Kediri" must match "Kediri".
    """
    full = name_key(text)
    stripped = name_key(strip_prefix(text))
    return (full,) if stripped == full or not stripped else (full, stripped)


def written_kind(text: str) -> str | None:
    """The kind a written regency name announces: 'Kab. Tegal' -> 'kabupaten'."""
    head = text.strip().lower()
    if re.match(r"^(?:kabupaten|kab)(?:\.\s*|\s+)", head):
        return "kabupaten"
    if re.match(r"^(?:kota|kodya)(?:\.\s*|\s+)", head):
        return "kota"
    return None
