"""The field-encryption key ring as a deployment gives it: read from the environment, checked.

NIKs, phones and heirs' bank accounts are encrypted under one *current* key; older keys stay
in the ring, only to read what they encrypted until ``jaring keys rotate`` has re-encrypted it
(:mod:`jaring.core.crypto`, :mod:`jaring.core.rotation`). Each key has a number, 1–255, that
every ciphertext carries. A deployment gives the ring in one of three ways:

- ``JARING_FIELD_KEYS=2:<key>,1:<key>`` — entries ``number:key`` separated by commas;
- ``JARING_FIELD_KEYS_FILE=/etc/jaring/field-keys`` — a file of such entries, one a line
  (``#`` starts a comment), readable by its owner only;
- ``JARING_FIELD_KEY=<key>`` — one key, number 1 (installations from before the ring).

``JARING_FIELD_KEY_CURRENT`` names the key new values are encrypted with; it may be left out
when the ring holds one key. The ring is refused (:class:`ImproperlyConfigured`, one line a
Pemda's IT officer can act on) when an entry cannot be read, a number repeats, the current key
is not in the ring, or two of these ways are used at once. Production also refuses keys that
are short, uniform or equal to another key (``jaring.settings``).

Plain Python and Django's exception only: the settings module reads the ring before Django is
set up.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_ID_MIN, KEY_ID_MAX = 1, 255
_ENTRY = re.compile(r"^\s*(\d{1,3})\s*:\s*(\S+)\s*$")


@dataclass(frozen=True)
class FieldKeys:
    """The ring (key number → secret) and the number of the key new values are written with."""

    ring: Mapping[int, str]
    current: int

    def named(self) -> dict[str, str]:
        """Each key under the name a message would give it (``JARING_FIELD_KEYS #2``)."""
        return {f"JARING_FIELD_KEYS #{number}": secret for number, secret in self.ring.items()}


def parse_ring(text: str, *, source: str) -> dict[int, str]:
    """``number:key`` entries separated by commas or lines (``#`` comments, blank lines
    ignored) as ``{number: key}``; :class:`ImproperlyConfigured` naming ``source`` otherwise."""
    ring: dict[int, str] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0]
        for entry in line.split(","):
            if not entry.strip():
                continue
            match = _ENTRY.match(entry)
            where = f"{source} baris {line_number}" if "\n" in text.strip() else source
            if match is None:
                raise ImproperlyConfigured(
                    f"{where}: isian kunci harus berbentuk NOMOR:KUNCI (misalnya 2:AbC…), "
                    "dipisah koma atau baris."
                )
            number, secret = int(match.group(1)), match.group(2)
            if not KEY_ID_MIN <= number <= KEY_ID_MAX:
                raise ImproperlyConfigured(
                    f"{where}: nomor kunci {number} di luar {KEY_ID_MIN}–{KEY_ID_MAX}."
                )
            if number in ring:
                raise ImproperlyConfigured(f"{where}: nomor kunci {number} dipakai dua kali.")
            ring[number] = secret
    if not ring:
        raise ImproperlyConfigured(f"{source} tidak berisi kunci.")
    return ring


def _read_key_file(path: Path, *, strict: bool) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"JARING_FIELD_KEYS_FILE={path} tidak dapat dibaca ({exc.strerror})."
        ) from exc
    if strict and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ImproperlyConfigured(
            f"JARING_FIELD_KEYS_FILE={path} dapat dibaca pengguna lain; jalankan: chmod 600 {path}"
        )
    return text


def field_keys(
    environ: Mapping[str, str], *, generated: Callable[[], str], strict: bool
) -> FieldKeys:
    """The ring the environment gives (see the module's text). ``generated`` gives the single
    key of an environment that names none (the demo's and the tests'; production's raises).
    ``strict`` (production): a key file must be readable by its owner only."""
    given = [
        name
        for name in ("JARING_FIELD_KEYS", "JARING_FIELD_KEYS_FILE", "JARING_FIELD_KEY")
        if environ.get(name)
    ]
    if len(given) > 1:
        raise ImproperlyConfigured(
            f"{' dan '.join(given)} diisi bersamaan; pakai salah satu saja (docs/deploy.md)."
        )
    current_text = environ.get("JARING_FIELD_KEY_CURRENT", "").strip()
    if given == ["JARING_FIELD_KEYS"]:
        ring = parse_ring(environ["JARING_FIELD_KEYS"], source="JARING_FIELD_KEYS")
    elif given == ["JARING_FIELD_KEYS_FILE"]:
        path = Path(environ["JARING_FIELD_KEYS_FILE"])
        ring = parse_ring(_read_key_file(path, strict=strict), source=str(path))
    else:
        ring = {1: environ.get("JARING_FIELD_KEY") or generated()}
    if not current_text:
        if len(ring) > 1:
            raise ImproperlyConfigured(
                "JARING_FIELD_KEY_CURRENT belum diisi: cincin kunci berisi "
                f"{len(ring)} kunci ({', '.join(map(str, sorted(ring)))}); sebutkan nomor "
                "kunci untuk data baru."
            )
        return FieldKeys(ring=ring, current=next(iter(ring)))
    if not current_text.isdigit() or int(current_text) not in ring:
        raise ImproperlyConfigured(
            f"JARING_FIELD_KEY_CURRENT={current_text} tidak ada di cincin kunci "
            f"({', '.join(map(str, sorted(ring)))})."
        )
    return FieldKeys(ring=ring, current=int(current_text))
