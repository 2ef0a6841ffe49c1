"""Which column holds which field: header aliases, header-row detection, guess and apply.

Headers are compared by their *key*: lower-case ASCII letters and digits only, so "N I K",
"NIK", "nik." are one key, "No. KTP" is ``noktp``, "Tgl Lahir" ``tgllahir``, "L/P" ``lp``. A key
is looked up among the exact aliases of each field, then among prefixes ("Nama Lengkap Sesuai
KTP" starts with ``nama``), with exclusions for the columns that look alike but are not the
person's ("Nama Ibu Kandung", "Status Nikah").

The header row is the row, among the first :data:`HEADER_SEARCH_ROWS`, that names the most
distinct fields (at least two, NIK or name among them); title rows above it ("DAFTAR PEKERJA
RENTAN KELURAHAN …", blank lines, merged title cells) are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from jaring.registry.imports.problems import MappingError
from jaring.rules.messages import gettext_noop

#: Every field a column can be mapped to, in display order.
FIELDS: tuple[str, ...] = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "birth_place_date",
    "sex",
    "address",
    "rt_rw",
    "rt",
    "rw",
    "desa",
    "kecamatan",
    "phone",
    "occupation",
    "income",
)
REQUIRED_FIELDS: tuple[str, ...] = ("nik", "name")
#: Labels for pages (English msgids; the page shows them translated).
FIELD_LABELS: Mapping[str, str] = {
    "nik": gettext_noop("NIK"),
    "name": gettext_noop("Name"),
    "birth_place": gettext_noop("Place of birth"),
    "birth_date": gettext_noop("Date of birth"),
    "birth_place_date": gettext_noop("Place and date of birth"),
    "sex": gettext_noop("Sex"),
    "address": gettext_noop("Address"),
    "rt_rw": gettext_noop("RT/RW"),
    "rt": gettext_noop("RT"),
    "rw": gettext_noop("RW"),
    "desa": gettext_noop("Village"),
    "kecamatan": gettext_noop("District"),
    "phone": gettext_noop("Mobile number"),
    "occupation": gettext_noop("Occupation"),
    "income": gettext_noop("Income"),
}
HEADER_SEARCH_ROWS = 30

_EXACT: Mapping[str, tuple[str, ...]] = {
    "nik": (
        "nik", "noktp", "nomorktp", "nonik", "nomornik", "nikktp", "ktp", "nikpeserta",
        "nikpekerja", "nomorindukkependudukan", "noindukkependudukan", "noidentitas",
        "nomoridentitas", "nikkk", "noktpnik", "niknoktp",
    ),
    "name": (
        "nama", "namalengkap", "namapeserta", "namapekerja", "namasesuaiktp", "namaktp",
        "namaanggota", "namawarga", "namatenagakerja", "nm", "namapenerima", "namatk",
    ),
    "birth_place_date": (
        "ttl", "tempattanggallahir", "tempattgllahir", "tempattgllhr", "tmptgllahir",
        "tmptgllhr", "tptgllahir", "tempatdantanggallahir", "tempattanggallhr", "tmplahirtgllahir",
        "tempatlahirtanggallahir", "tempatlahirtgllahir",
    ),
    "birth_place": ("tempatlahir", "tmplahir", "tmptlahir", "tptlahir", "tempatlhr", "tmplhr",
                    "kotalahir", "tempat"),
    "birth_date": ("tanggallahir", "tgllahir", "tgllhr", "tanggallhr", "tgl", "lahir",
                   "tgllahirddmmyyyy", "tanggallahirddmmyyyy"),
    "sex": ("jk", "lp", "jeniskelamin", "kelamin", "sex", "gender", "jnskelamin", "jnskel",
            "jeniskel", "jkel", "kelaminlp", "jeniskelaminlp", "jklp", "lk"),
    "address": ("alamat", "alamatlengkap", "alamatrumah", "alamatktp", "alamatdomisili",
                "alamattinggal", "jalan", "alamatjalan", "domisili", "dusun", "dukuh"),
    "rt_rw": ("rtrw", "rtrwdusun"),
    "rt": ("rt", "nort", "nomorrt"),
    "rw": ("rw", "norw", "nomorrw"),
    "desa": ("desa", "kelurahan", "desakel", "desakelurahan", "keldesa", "kelurahandesa", "kel",
             "namadesa", "namakelurahan", "deskel", "desakelurahanasal"),
    "kecamatan": ("kecamatan", "kec", "namakecamatan"),
    "phone": ("nohp", "hp", "nomorhp", "notelp", "telp", "telepon", "notelepon", "nomortelepon",
              "notlp", "tlp", "nohandphone", "handphone", "nowa", "nomorwa", "nowhatsapp", "wa",
              "whatsapp", "kontak", "nokontak", "nohptelp", "notelphp", "nohpwa", "ponsel",
              "noponsel", "telpon", "notelpon", "nomorponsel"),
    "occupation": ("pekerjaan", "jenispekerjaan", "profesi", "pekerjaanutama", "jenispekerja",
                   "kategoripekerjaan", "matapencaharian", "jenisusaha", "bidangpekerjaan",
                   "kategori", "pekerjaanusaha"),
    "income": ("penghasilan", "pendapatan", "upah", "gaji", "dasarpenghasilan",
               "penghasilanperbulan", "pendapatanperbulan", "upahperbulan", "penghasilanrp",
               "pendapatanrp", "dasarupah"),
}  # fmt: skip
# Prefix rules, tried in order after the exact aliases.
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("nomorindukkependudukan", "nik"),
    ("noktp", "nik"),
    ("nomorktp", "nik"),
    ("nik", "nik"),
    ("tempattanggallahir", "birth_place_date"),
    ("tempattgllahir", "birth_place_date"),
    ("tempatlahir", "birth_place"),
    ("tanggallahir", "birth_date"),
    ("tgllahir", "birth_date"),
    ("jeniskelamin", "sex"),
    ("jnskelamin", "sex"),
    ("namadesa", "desa"),
    ("namakelurahan", "desa"),
    ("namakecamatan", "kecamatan"),
    ("nama", "name"),
    ("alamat", "address"),
    ("rtrw", "rt_rw"),
    ("desakel", "desa"),
    ("kelurahan", "desa"),
    ("desa", "desa"),
    ("kecamatan", "kecamatan"),
    ("nohp", "phone"),
    ("nomorhp", "phone"),
    ("notelp", "phone"),
    ("telp", "phone"),
    ("telepon", "phone"),
    ("pekerjaan", "occupation"),
    ("jenispekerjaan", "occupation"),
    ("profesi", "occupation"),
    ("penghasilan", "income"),
    ("pendapatan", "income"),
    ("upah", "income"),
)
# Keys that start like a field but are something else.
_NOT_PREFIXES: tuple[str, ...] = (
    "nikah",
    "namaibu",
    "namaayah",
    "namaorangtua",
    "namaortu",
    "namakepala",
    "namakk",
    "namausaha",
    "namaperusahaan",
    "namakab",
    "namakota",
    "namaprov",
    "namaahli",
    "namapasangan",
    "namasuami",
    "namaistri",
    "namajalan",
    "namakelompok",
    "namabank",
    "namarekening",
    "namapemilik",
    "namapetugas",
    "namapendamping",
    "namaoperator",
)
_EXACT_INDEX: dict[str, str] = {key: field for field, keys in _EXACT.items() for key in keys}
_NUMBERING_RE = re.compile(r"^\(?\d{1,2}\)?\.?$")
_WHITESPACE_RE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """'N I K' -> 'nik', 'No. KTP' -> 'noktp', 'Tgl.Lahir' -> 'tgllahir'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^0-9a-z]+", "", ascii_text.lower())


def clean_header(text: str | None) -> str:
    """A header as shown: whitespace (and line breaks inside the cell) collapsed."""
    return _WHITESPACE_RE.sub(" ", text or "").strip()


def field_of_header(text: str | None) -> str | None:
    """The field a header names, or ``None``."""
    if not text:
        return None
    key = header_key(text)
    if not key:
        return None
    if key in _EXACT_INDEX:
        return _EXACT_INDEX[key]
    if any(key.startswith(bad) for bad in _NOT_PREFIXES):
        return None
    for prefix, field in _PREFIXES:
        if key.startswith(prefix):
            return field
    return None


@dataclass(frozen=True)
class Vocabulary:
    """The fields a header row may name: how a header is read (``field_of``) and the fields a
    header row must name at least one of (``required``). Lists of people use
    :data:`PEOPLE`; another stage reading lists with the same tolerance (the BPJS branch's
    response file) passes its own, so header rows are found under title rows the same way."""

    field_of: Callable[[str | None], str | None]
    required: frozenset[str]


def header_score(
    cells: Sequence[str | None], vocabulary: Vocabulary | None = None
) -> tuple[int, bool]:
    """How many distinct fields a row names, and whether a required one (NIK or name for
    lists of people) is among them."""
    words = vocabulary or PEOPLE
    fields = {words.field_of(c) for c in cells if c}
    fields.discard(None)
    return len(fields), bool(fields & words.required)


def find_header_row(
    rows: Sequence[Sequence[str | None]], vocabulary: Vocabulary | None = None
) -> int | None:
    """Index (0-based) of the header row among ``rows``, or ``None`` when none qualifies."""
    best: tuple[int, int] | None = None  # (score, -index)
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score, required = header_score(cells, vocabulary)
        if score >= 2 and required and (best is None or score > best[0]):
            best = (score, -index)
    return None if best is None else -best[1]


#: The words of the registry's lists of people (:data:`FIELDS`).
PEOPLE = Vocabulary(field_of_header, frozenset(REQUIRED_FIELDS))

_DIGIT_RUN_RE = re.compile(r"\d{6}")
# A format hint under a header: "(Rp)", "(16 digit)", "(dd-mm-yyyy)", "dd/mm/yyyy".
_HINT_RE = re.compile(r"^\(.*\)$|^[dmy]{2,4}([-/.][dmy]{2,4}){2}$", re.IGNORECASE)


@dataclass(frozen=True)
class CombinedHeader:
    """A two-row header as one row of ``cells``. ``sex_ticks``: sex written as ticks under
    "L" and "P" — the group's header ("JENIS KELAMIN") and, per tick column, its sex."""

    cells: list[str | None]
    sex_ticks: tuple[str, dict[int, str]] | None = None


# Sub-headers of a sex group whose cells are ticks: the column means this sex.
_SEX_TICKS = {"l": "L", "lk": "L", "lakilaki": "L", "pria": "L",
              "p": "P", "pr": "P", "perempuan": "P", "wanita": "P"}  # fmt: skip


def combine_header_rows(
    parent: Sequence[str | None],
    sub: Sequence[str | None],
    spans: Mapping[int, int] | None = None,
) -> CombinedHeader | None:
    """The headers of a two-row header — ``parent`` above, ``sub`` below — or ``None`` when
    ``sub`` is not a row of sub-headers but data (or a numbering row).

    Government lists often group columns under one merged cell: "TEMPAT/TGL LAHIR" over
    "TEMPAT" and "TANGGAL", "ALAMAT" over "JALAN", "RT/RW" and "DESA/KEL", "JENIS KELAMIN" over
    tick columns "L" and "P", while "NO", "NIK" and "NAMA" span both rows. A parent cell's
    group runs to its merged range's last column (``spans``: first column -> last column) or,
    without one, up to the next filled parent cell. A format hint under a header of its own
    ("(Rp)" under "PENGHASILAN") is added to it. ``sub`` counts as sub-headers only if every
    filled cell of it sits under a group at least two columns wide or is such a hint, none
    holds a run of six digits (as a NIK, phone or date would), and the combined row names at
    least as many fields as the parent alone.
    """
    width = len(parent)
    if len(sub) != width or is_numbering_row(sub):
        return None
    if any(cell and _DIGIT_RUN_RE.search(cell) for cell in sub):
        return None
    owner: dict[int, int] = {}  # column -> column of the parent cell whose group covers it
    filled = [i for i, cell in enumerate(parent) if clean_header(cell)]
    for n, start in enumerate(filled):
        following = filled[n + 1] - 1 if n + 1 < len(filled) else width - 1
        end = min((spans or {}).get(start, following), width - 1)
        owner.update((col, start) for col in range(start, end + 1) if end > start)
    under = [i for i, cell in enumerate(sub) if clean_header(cell)]
    hints = {
        i
        for i in under
        if i not in owner and clean_header(parent[i]) and _HINT_RE.match(clean_header(sub[i]))
    }
    if not under or any(i not in owner and i not in hints for i in under):
        return None
    combined: list[str | None] = [
        f"{clean_header(parent[col])} {clean_header(sub[col])}"
        if col in hints
        else _sub_header(clean_header(parent[owner[col]]), clean_header(sub[col]))
        if clean_header(sub[col])
        else parent[col]
        for col in range(width)
    ]
    sex_ticks = _sex_ticks(parent, sub, owner)
    named = [*combined, sex_ticks[0]] if sex_ticks else combined
    if header_score(named)[0] < header_score(parent)[0]:
        return None
    return CombinedHeader(combined, sex_ticks)


def _sex_ticks(
    parent: Sequence[str | None], sub: Sequence[str | None], owner: Mapping[int, int]
) -> tuple[str, dict[int, str]] | None:
    """The sex group written as "L" and "P" tick columns, if there is one."""
    for start in sorted(set(owner.values())):
        if field_of_header(parent[start]) != "sex":
            continue
        members = [col for col, group in owner.items() if group == start and clean_header(sub[col])]
        ticks = {col: _SEX_TICKS.get(header_key(sub[col] or "")) for col in members}
        if set(ticks.values()) == {"L", "P"}:
            return clean_header(parent[start]), {col: str(sex) for col, sex in ticks.items()}
    return None


def _sub_header(parent: str, sub: str) -> str:
    """ "TEMPAT" under "TEMPAT/TGL LAHIR" stays "TEMPAT"; "TANGGAL" becomes "TANGGAL LAHIR";
    what still names no field keeps its group in brackets, "L (JENIS KELAMIN)", so that it
    cannot be taken for the group's own field."""
    if field_of_header(sub):
        return sub
    words = parent.replace("/", " ").split()
    if words and field_of_header(f"{sub} {words[-1]}"):
        return f"{sub} {words[-1]}"
    return f"{sub} ({parent})"


def is_numbering_row(cells: Sequence[str | None]) -> bool:
    """The "(1) (2) (3) …" row many templates put under the header."""
    filled = [c.strip() for c in cells if c is not None and c.strip()]
    return len(filled) >= 3 and all(_NUMBERING_RE.match(c) for c in filled)


def guess_mapping(
    headers: Sequence[str], *, file_name: str = "berkas", required: bool = True
) -> dict[str, str]:
    """``{field: header}`` for the headers that name a field (first header wins).

    With ``required`` (default), raises :class:`MappingError` (``FILE_NO_NIK_COLUMN`` or
    ``FILE_NO_NAME_COLUMN``, listing the headers seen) when NIK or name is missing; the partial
    guess is on the error's ``guess`` for a page to offer for correction.
    """
    mapping: dict[str, str] = {}
    for header in headers:
        field = field_of_header(header)
        if field is not None and field not in mapping:
            mapping[field] = header
    if required:
        _require(mapping, list(headers), file_name)
    return mapping


def _require(mapping: Mapping[str, str], headers: list[str], file_name: str) -> None:
    shown = ", ".join(f"'{h}'" for h in headers) or "-"
    for field, code in (("nik", "FILE_NO_NIK_COLUMN"), ("name", "FILE_NO_NAME_COLUMN")):
        if field not in mapping:
            raise MappingError(
                code, file_name=file_name, headers=headers, guess=mapping, columns=shown
            )


def validate_mapping(
    mapping: Mapping[str, str], headers: Sequence[str], *, file_name: str = "berkas"
) -> dict[str, str]:
    """Check a (user-corrected) mapping against the headers of a file; returns a clean copy.

    Fields mapped to ``None``/"" are dropped. Raises :class:`MappingError` for an unknown field,
    a header the file does not have, a header used twice, or no NIK/name column.
    """
    header_list = list(headers)
    clean = {field: header for field, header in mapping.items() if header}
    shown = ", ".join(f"'{h}'" for h in header_list) or "-"
    used: dict[str, list[str]] = {}
    for field, header in clean.items():
        if field not in FIELDS:
            raise MappingError(
                "MAPPING_UNKNOWN_FIELD",
                file_name=file_name,
                headers=header_list,
                guess=clean,
                field=field,
                fields=", ".join(FIELDS),
            )
        if header not in header_list:
            raise MappingError(
                "MAPPING_HEADER_NOT_FOUND",
                file_name=file_name,
                headers=header_list,
                guess=clean,
                field=field,
                header=header,
                columns=shown,
            )
        used.setdefault(header, []).append(field)
    for header, fields in used.items():
        if len(fields) > 1:
            raise MappingError(
                "MAPPING_HEADER_TWICE",
                file_name=file_name,
                headers=header_list,
                guess=clean,
                header=header,
                fields=", ".join(fields),
            )
    _require(clean, header_list, file_name)
    return clean
