"""The place a list's title rows name: "DAFTAR RT/RW KELURAHAN BANDAR LOR KECAMATAN MOJOROTO".

A desa's or kelurahan's own list often has no desa column: its title says where it comes from.
:func:`title_place` reads the rows above the header (as text) and returns the desa/kelurahan
and kecamatan they name, as written; the checks resolve them within the kab/kota and use the
village for rows that have none (``VILLAGE_FROM_TITLE``, a warning: a hint, never a reason to
refuse). No Django here: the reading stage touches no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# What ends a name in a title: the next kind of place or another heading word, a number (a
# year, an RT), or punctuation.
_STOP = (
    r"(?=\s*(?:\b(?:KELURAHAN|KEL|DESA|DS|KECAMATAN|KEC|KABUPATEN|KAB|KOTA|PROVINSI|PROV|"
    r"TAHUN|TH|THN|PERIODE|BULAN|RT|RW|DUSUN|DSN|LINGKUNGAN|TGL|TANGGAL)\b|[,;:()/\\|–—]|\s-\s"
    r"|\d|$))"
)
_NAME = r"(?P<name>[A-Z][A-Z'.\- ]*?)"
_VILLAGE = re.compile(r"\b(?:KELURAHAN|KEL|DESA|DS)\b\.?\s*:?\s*" + _NAME + _STOP)
_KECAMATAN = re.compile(r"\b(?:KECAMATAN|KEC)\b\.?\s*:?\s*" + _NAME + _STOP)
_WORDS_NOT_NAMES = frozenset({"", "DAN", "ATAU", "SE", "SELURUH", "KELURAHAN", "DESA"})
_MAX_TITLE = 200


@dataclass(frozen=True)
class TitlePlace:
    """The place a title names, as written (title case), and the title itself."""

    title: str
    village: str | None = None
    kecamatan: str | None = None


def _name(pattern: re.Pattern[str], text: str) -> str | None:
    for match in pattern.finditer(text):
        name = re.sub(r"\s+", " ", match.group("name")).strip(" .-'")
        if name not in _WORDS_NOT_NAMES and len(name) >= 3:
            return name.title()
    return None


def title_place(lines: Iterable[str | None]) -> TitlePlace | None:
    """The desa/kelurahan and kecamatan named by the first title line that names one (the
    kecamatan may come from another line), or ``None``."""
    village = kecamatan = None
    title = ""
    for line in lines:
        if not line:
            continue
        text = re.sub(r"\s+", " ", line.upper()).strip()
        found = _name(_VILLAGE, text)
        if found and village is None:
            village, title = found, line.strip()
        kecamatan = kecamatan or _name(_KECAMATAN, text)
        if not title and kecamatan:
            title = line.strip()
    if village is None and kecamatan is None:
        return None
    return TitlePlace(re.sub(r"\s+", " ", title)[:_MAX_TITLE], village, kecamatan)
