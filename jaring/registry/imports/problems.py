"""What can go wrong in an import: the problem codes, in the style of :mod:`jaring.rules.problems`,
and the two errors that stop a file.

NIK codes and the income-basis codes live in the rules engine's registry and are reused as they
are; this module registers everything else an import can report: file-level failures (raised
as :class:`ImportFileError`, or :class:`MappingError` when the columns cannot be tied to fields)
and row-level problems (the rows of :attr:`~jaring.registry.imports.checking.CheckedTable.
problems`, found by :mod:`jaring.registry.imports.checking.findings`). Codes are stable: never
rename one, add a new one instead. Every stage uses this module; it imports none of them.

:func:`problem_spec` looks a code up in both registries, :func:`message_expr` turns a
template into a polars expression so a million rows get their messages column-wise.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Literal

import polars as pl

from jaring.rules.problems import PROBLEM_SPECS, ProblemSpec, Severity

Language = Literal["id", "en"]
_PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")


def _spec(
    code: str, severity: Severity, field: str | None, msg_id: str, msg_en: str
) -> ProblemSpec:
    return ProblemSpec(code, severity, field, msg_id, msg_en)


_FILE_SPECS: tuple[ProblemSpec, ...] = (
    _spec("FILE_EMPTY", "error", None, "Berkas {file} kosong.", "File {file} is empty."),
    _spec(
        "FILE_TOO_LARGE",
        "error",
        None,
        "Berkas {file} berukuran {size}, melebihi batas {limit}. Pecah data menjadi beberapa "
        "berkas yang lebih kecil.",
        "File {file} is {size}, above the limit of {limit}. Split the data into smaller files.",
    ),
    _spec(
        "FILE_ENCRYPTED",
        "error",
        None,
        "Berkas {file} dilindungi kata sandi. Buka di Excel, hapus kata sandinya (File > Info > "
        "Protect Workbook > Encrypt with Password, kosongkan), simpan, lalu unggah lagi.",
        "File {file} is password-protected. Open it in Excel, remove the password (File > Info "
        "> Protect Workbook > Encrypt with Password, clear it), save and upload again.",
    ),
    _spec(
        "FILE_UNPACKS_TOO_LARGE",
        "error",
        None,
        "Berkas {file} ({size}) terurai menjadi lebih dari {limit}; daftar biasa tidak sebesar "
        "itu. Buka di Excel, simpan ulang sebagai .xlsx, atau pecah menjadi beberapa berkas.",
        "File {file} ({size}) unpacks to more than {limit}; an ordinary list is not that large. "
        "Open it in Excel and save it again as .xlsx, or split it into several files.",
    ),
    _spec(
        "FILE_CORRUPT",
        "error",
        None,
        "Berkas {file} rusak atau bukan berkas {kind} yang sah ({reason}). Buka di Excel lalu "
        "simpan ulang sebagai .xlsx.",
        "File {file} is damaged or not a valid {kind} file ({reason}). Open it in Excel and "
        "save it again as .xlsx.",
    ),
    _spec(
        "FILE_UNSUPPORTED",
        "error",
        None,
        "Jenis berkas {file} tidak didukung ({kind}). Gunakan .xlsx, .xls atau .csv.",
        "The type of file {file} is not supported ({kind}). Use .xlsx, .xls or .csv.",
    ),
    _spec(
        "FILE_HTML_TABLE",
        "error",
        None,
        "Berkas {file} adalah halaman web (HTML) yang disimpan sebagai .xls dan tidak berisi "
        "tabel yang bisa dibaca. Buka di Excel lalu simpan sebagai .xlsx.",
        "File {file} is a web page (HTML) saved as .xls and holds no readable table. Open it "
        "in Excel and save it as .xlsx.",
    ),
    _spec(
        "FILE_ENCODING",
        "error",
        None,
        "Berkas {file} tidak dapat dibaca sebagai teks UTF-8, UTF-16 atau Windows-1252.",
        "File {file} cannot be read as UTF-8, UTF-16 or Windows-1252 text.",
    ),
    _spec(
        "FILE_NO_HEADER",
        "error",
        None,
        "Baris judul kolom tidak ditemukan di berkas {file} (lembar: {sheets}; {rows} baris "
        "pertama diperiksa). Pastikan ada satu baris berisi judul seperti NIK dan Nama.",
        "No header row found in file {file} (sheets: {sheets}; first {rows} rows searched). "
        "Make sure one row holds column titles such as NIK and Nama.",
    ),
    _spec(
        "FILE_NO_ROWS",
        "error",
        None,
        "Berkas {file} tidak berisi data di bawah judul kolom (lembar {sheet}, baris {row}).",
        "File {file} has no data below the header (sheet {sheet}, row {row}).",
    ),
    _spec(
        "FILE_NO_NIK_COLUMN",
        "error",
        "nik",
        "Kolom NIK tidak ditemukan di berkas {file}. Judul kolom yang terbaca: {columns}. Pilih "
        "kolom NIK secara manual atau beri judul 'NIK'.",
        "No NIK column found in file {file}. Headers read: {columns}. Choose the NIK column "
        "manually or title it 'NIK'.",
    ),
    _spec(
        "FILE_NO_NAME_COLUMN",
        "error",
        "name",
        "Kolom nama tidak ditemukan di berkas {file}. Judul kolom yang terbaca: {columns}. Pilih "
        "kolom nama secara manual atau beri judul 'Nama'.",
        "No name column found in file {file}. Headers read: {columns}. Choose the name column "
        "manually or title it 'Nama'.",
    ),
    _spec(
        "SHEET_NOT_FOUND",
        "error",
        None,
        "Lembar {sheet} tidak ada di berkas {file}. Lembar yang ada: {sheets}.",
        "Sheet {sheet} does not exist in file {file}. Sheets present: {sheets}.",
    ),
    _spec(
        "MAPPING_UNKNOWN_FIELD",
        "error",
        None,
        "Isian {field} tidak dikenal. Isian yang ada: {fields}.",
        "Unknown field {field}. Known fields: {fields}.",
    ),
    _spec(
        "MAPPING_HEADER_NOT_FOUND",
        "error",
        None,
        "Kolom {header} (untuk {field}) tidak ada di berkas {file}. Kolom yang ada: {columns}.",
        "Column {header} (for {field}) does not exist in file {file}. Columns: {columns}.",
    ),
    _spec(
        "MAPPING_HEADER_TWICE",
        "error",
        None,
        "Kolom {header} dipakai untuk lebih dari satu isian ({fields}).",
        "Column {header} is used for more than one field ({fields}).",
    ),
)

_ROW_SPECS: tuple[ProblemSpec, ...] = (
    # --- cells ------------------------------------------------------------------------------
    _spec(
        "CELL_FORMULA_NO_VALUE",
        "error",
        None,
        "Sel berisi rumus tanpa nilai tersimpan; buka berkas di Excel, simpan, lalu unggah lagi.",
        "The cell holds a formula with no stored value; open the file in Excel, save it and "
        "upload again.",
    ),
    _spec(
        "CELL_ERROR_VALUE",
        "error",
        None,
        "Sel berisi nilai galat Excel {value}.",
        "The cell holds the Excel error value {value}.",
    ),
    _spec(
        "ROW_EXTRA_FIELDS",
        "error",
        None,
        "Baris ini punya lebih banyak isian daripada judul kolom (mis. koma/titik koma di dalam "
        "alamat tanpa tanda kutip), jadi kolomnya bergeser: {value}.",
        "This row has more fields than there are headers (e.g. an unquoted comma/semicolon in "
        "the address), so its columns are shifted: {value}.",
    ),
    # --- name --------------------------------------------------------------------------------
    _spec("NAME_MISSING", "error", "name", "Nama kosong.", "The name is empty."),
    # --- birth date --------------------------------------------------------------------------
    _spec(
        "BIRTH_DATE_INVALID",
        "error",
        "birth_date",
        "Tanggal lahir {value} tidak terbaca atau tidak ada di kalender (tulis tgl-bln-thn, "
        "mis. 12-05-1980).",
        "Birth date {value} cannot be read or does not exist (write day-month-year, e.g. "
        "12-05-1980).",
    ),
    _spec(
        "BIRTH_DATE_MONTH_FIRST",
        "warning",
        "birth_date",
        "Tanggal lahir {value} hanya masuk akal bila dibaca bulan-tanggal-tahun; dibaca sebagai "
        "{date}. Periksa.",
        "Birth date {value} only makes sense read as month-day-year; read as {date}. Check it.",
    ),
    _spec(
        "BIRTH_DATE_FROM_NIK",
        "warning",
        "birth_date",
        "Tanggal lahir kosong; diambil dari NIK: {date}.",
        "Birth date is empty; taken from the NIK: {date}.",
    ),
    _spec(
        "BIRTH_DATE_FUTURE",
        "error",
        "birth_date",
        "Tanggal lahir {date} ada di masa depan.",
        "Birth date {date} is in the future.",
    ),
    _spec(
        "AGE_BELOW_MINIMUM",
        "error",
        "birth_date",
        "Umur {age} tahun (lahir {date}) di bawah usia kerja {minimum} tahun.",
        "Age {age} (born {date}) is below the working age of {minimum}.",
    ),
    _spec(
        "AGE_ABOVE_MAXIMUM",
        "warning",
        "birth_date",
        "Umur {age} tahun (lahir {date}) di atas {maximum} tahun; periksa tanggal lahir.",
        "Age {age} (born {date}) is above {maximum}; check the birth date.",
    ),
    # --- sex ---------------------------------------------------------------------------------
    _spec(
        "SEX_FROM_NIK",
        "warning",
        "sex",
        "Jenis kelamin kosong; diambil dari NIK: {sex}.",
        "Sex is empty; taken from the NIK: {sex}.",
    ),
    _spec(
        "SEX_UNREADABLE",
        "warning",
        "sex",
        "Jenis kelamin {value} tidak dikenal (pakai L atau P); diambil dari NIK.",
        "Sex {value} is not recognised (use L or P); taken from the NIK.",
    ),
    # --- region ------------------------------------------------------------------------------
    _spec(
        "VILLAGE_MISSING",
        "error",
        "desa",
        "Desa/kelurahan kosong.",
        "The desa/kelurahan is empty.",
    ),
    _spec(
        "VILLAGE_UNKNOWN",
        "error",
        "desa",
        "Desa/kelurahan {value} tidak ditemukan di kabupaten/kota ini.",
        "Desa/kelurahan {value} is not found in this kabupaten/kota.",
    ),
    _spec(
        "VILLAGE_AMBIGUOUS",
        "error",
        "desa",
        "Desa/kelurahan {value} bisa berarti beberapa desa ({candidates}); isi kolom kecamatan.",
        "Desa/kelurahan {value} could be several villages ({candidates}); fill in the "
        "kecamatan column.",
    ),
    _spec(
        "VILLAGE_FUZZY",
        "warning",
        "desa",
        "Desa/kelurahan {value} dibaca sebagai {village} (ejaan mirip). Periksa.",
        "Desa/kelurahan {value} was read as {village} (similar spelling). Check it.",
    ),
    _spec(
        "VILLAGE_OUTSIDE_IMPORT",
        "error",
        "desa",
        "Desa/kelurahan {value} bukan desa/kelurahan tujuan impor ini ({village}).",
        "Desa/kelurahan {value} is not the village this import is for ({village}).",
    ),
    _spec(
        "KECAMATAN_UNKNOWN",
        "warning",
        "kecamatan",
        "Kecamatan {value} tidak ditemukan di kabupaten/kota ini.",
        "Kecamatan {value} is not found in this kabupaten/kota.",
    ),
    _spec(
        "KECAMATAN_MISMATCH",
        "warning",
        "kecamatan",
        "Kecamatan {value} tidak sesuai dengan desa/kelurahan {village} (kode {code}).",
        "Kecamatan {value} does not match desa/kelurahan {village} (code {code}).",
    ),
    _spec(
        "RT_RW_INVALID",
        "warning",
        "rt_rw",
        "RT/RW {value} tidak terbaca (tulis mis. 003/002); disimpan apa adanya.",
        "RT/RW {value} cannot be read (write e.g. 003/002); kept as written.",
    ),
    # --- phone, occupation, income -----------------------------------------------------------
    _spec(
        "PHONE_INVALID",
        "warning",
        "phone",
        "Nomor HP {value} tidak sah (08… atau nomor rumah, 9-13 digit termasuk 0); tidak disimpan.",
        "Phone number {value} is not valid (08… or a landline, 9-13 digits with the 0); "
        "not stored.",
    ),
    _spec(
        "OCCUPATION_MISSING",
        "warning",
        "occupation",
        "Pekerjaan kosong; tentukan kategorinya saat peninjauan.",
        "The occupation is empty; choose its category in review.",
    ),
    _spec(
        "OCCUPATION_FUZZY",
        "warning",
        "occupation",
        "Pekerjaan {value} dibaca sebagai kategori {category} (ejaan mirip). Periksa.",
        "Occupation {value} was read as category {category} (similar spelling). Check it.",
    ),
    _spec(
        "OCCUPATION_UNCLASSIFIED",
        "warning",
        "occupation",
        "Pekerjaan {value} tidak cocok dengan kategori mana pun; tentukan saat peninjauan.",
        "Occupation {value} matches no category; choose one in review.",
    ),
    _spec(
        "INCOME_UNREADABLE",
        "error",
        "income",
        "Penghasilan {value} tidak terbaca (tulis mis. 1.000.000).",
        "Income {value} cannot be read (write e.g. 1.000.000).",
    ),
    # --- duplicates --------------------------------------------------------------------------
    _spec(
        "NIK_DUPLICATE_IN_FILE",
        "warning",
        "nik",
        "NIK ini sudah ada di {sheet} baris {row} dengan data yang sama; baris ini dilewati.",
        "This NIK already appears at {sheet} row {row} with the same data; this row is skipped.",
    ),
    _spec(
        "NIK_DUPLICATE_CONFLICT",
        "error",
        "nik",
        "NIK ini muncul {count} kali di berkas dengan data berbeda (baris {rows}); tidak bisa "
        "ditentukan mana yang benar.",
        "This NIK appears {count} times in the file with different data (rows {rows}); which "
        "one is right cannot be decided.",
    ),
)

#: Codes registered here (file- and row-level); NIK/income codes stay in the rules registry.
IMPORT_PROBLEM_SPECS: Mapping[str, ProblemSpec] = {s.code: s for s in (*_FILE_SPECS, *_ROW_SPECS)}
FILE_CODES: frozenset[str] = frozenset(s.code for s in _FILE_SPECS)

_clash = set(IMPORT_PROBLEM_SPECS) & set(PROBLEM_SPECS)
if _clash:  # a code must have one meaning
    raise RuntimeError(f"import problem codes clash with the rules registry: {sorted(_clash)}")


def problem_spec(code: str) -> ProblemSpec:
    """The spec of ``code`` from this registry or the rules engine's."""
    spec = IMPORT_PROBLEM_SPECS.get(code) or PROBLEM_SPECS.get(code)
    if spec is None:
        raise KeyError(f"unknown problem code {code!r}")
    return spec


def severity_of(code: str) -> Severity:
    return problem_spec(code).severity


def render(code: str, language: Language = "id", /, **params: object) -> str:
    """One message, for file-level errors and tests."""
    spec = problem_spec(code)
    template = spec.template_id if language == "id" else spec.template_en
    return template.format(**{k: str(v) for k, v in params.items()})


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def message_expr(code: str, language: Language = "id", /, **params: pl.Expr) -> pl.Expr:
    """The message of ``code`` as a polars String expression, one per row.

    ``params`` give an expression per ``{placeholder}`` of the template; nulls show as "-".
    """
    spec = problem_spec(code)
    template = spec.template_id if language == "id" else spec.template_en
    names = _placeholders(template)
    missing = [n for n in names if n not in params]
    if missing:
        raise KeyError(f"problem {code} needs parameters {missing}")
    if not names:
        return pl.lit(template, dtype=pl.String)
    # Our templates hold no literal braces, so each {name} becomes pl.format's "{}".
    pattern = _PLACEHOLDER_RE.sub("{}", template)
    return pl.format(pattern, *[params[n].cast(pl.String).fill_null("-") for n in names])


class ImportFileError(Exception):
    """A file that cannot be imported at all; nothing of it may be stored.

    ``code`` is a stable code of :data:`IMPORT_PROBLEM_SPECS`
    (``FILE_EMPTY``, ``FILE_ENCRYPTED``, ...); ``message_id``/``message_en`` name the file and,
    where it applies, the sheet, row and column; ``params`` holds the values in the message.
    """

    def __init__(self, code: str, *, file_name: str, **params: object) -> None:
        if code not in FILE_CODES:
            raise KeyError(f"{code!r} is not a file-level import code")
        self.code = code
        self.file_name = file_name
        self.params: Mapping[str, str] = {
            "file": file_name,
            **{k: str(v) for k, v in params.items()},
        }
        self.message_id = render(code, "id", **self.params)
        self.message_en = render(code, "en", **self.params)
        super().__init__(f"{code}: {self.message_en}")

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message_id": self.message_id,
            "message_en": self.message_en,
            "params": dict(self.params),
        }


class MappingError(ImportFileError):
    """The columns cannot be tied to fields (no NIK or name column, a mapping naming a header
    the file does not have). ``guess`` keeps what was found, so a page can offer it for
    correction; ``headers`` are the headers read."""

    def __init__(
        self,
        code: str,
        *,
        file_name: str,
        headers: list[str],
        guess: Mapping[str, str] | None = None,
        **params: object,
    ) -> None:
        self.headers = headers
        self.guess = dict(guess or {})
        super().__init__(code, file_name=file_name, **params)
