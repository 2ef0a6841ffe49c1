"""Reading the branch's response file with the registry import's reading stage.

Any format the registry reads (xlsx, xls, ods, csv in any separator and encoding, HTML saved as
.xls), title rows above the header skipped, the header row found by the fields it names —
here those of a response: NIK, KPJ, status, reason, TMT (and name, which is optional). Cells
come as text, with the value of numeric cells beside them (a NIK or KPJ typed as a number).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language

from jaring.finance.errors import FinanceError
from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.reading import RawTable, read_table
from jaring.registry.imports.reading.mapping import Vocabulary, field_of_header, header_key

#: The fields of a response, in display order.
RESPONSE_FIELDS = ("nik", "name", "kpj", "status", "reason", "tmt")

_EXACT: Mapping[str, tuple[str, ...]] = {
    "kpj": (
        "kpj", "nokpj", "nomorkpj", "kpjbaru", "nokartu", "nomorkartu", "nokepesertaan",
        "nomorkepesertaan", "nopeserta", "nomorpeserta", "nokartupeserta", "nokpjbpjs",
        "nomorkartupeserta", "nomorpesertabpjs", "kpjpeserta", "nokpjpeserta",
    ),
    "status": (
        "status", "statuskepesertaan", "statuspeserta", "statuspendaftaran", "hasil",
        "hasilverifikasi", "statusverifikasi", "statusbpjs", "keteranganstatus", "statusaktif",
        "statusdaftar", "hasilpendaftaran",
    ),
    "reason": (
        "keterangan", "ket", "alasan", "alasanpenolakan", "catatan", "keteranganpenolakan",
        "alasanditolak", "pesan", "keteranganbpjs", "keteranganhasil", "alasantolak",
    ),
    "tmt": (
        "tmt", "tmtkepesertaan", "tmtpeserta", "tanggalmulai", "tglmulai", "tanggalaktif",
        "tglaktif", "tanggalefektif", "tglefektif", "tglkepesertaan", "tanggalkepesertaan",
        "tanggaltmt", "tgltmt", "mulaiberlaku", "tanggalterdaftar", "tglterdaftar",
        "tanggaldaftar", "tgldaftar", "tmtbpjs",
    ),
}  # fmt: skip
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("nokpj", "kpj"),
    ("nomorkpj", "kpj"),
    ("kpj", "kpj"),
    ("statuskepesertaan", "status"),
    ("statuspeserta", "status"),
    ("tmt", "tmt"),
    ("alasan", "reason"),
    ("keterangan", "reason"),
)
_INDEX = {key: name for name, keys in _EXACT.items() for key in keys}


def field_of_response_header(text: str | None) -> str | None:
    """The response field a header names: KPJ, status, reason and TMT here; NIK and name as
    the registry reads them."""
    if not text:
        return None
    key = header_key(text)
    if not key:
        return None
    if key in _INDEX:
        return _INDEX[key]
    for prefix, name in _PREFIXES:
        if key.startswith(prefix):
            return name
    found = field_of_header(text)
    return found if found in ("nik", "name") else None


#: A header row of a response names the NIK and at least one other field.
RESPONSE = Vocabulary(field_of_response_header, frozenset({"nik"}))


@dataclass(frozen=True)
class ResponseTable:
    table: RawTable
    #: field -> header, for the fields the file has
    mapping: Mapping[str, str]

    def column(self, field: str) -> str | None:
        return self.mapping.get(field)


def read_response(path: str | Path, *, file_name: str) -> ResponseTable:
    """Read a response file; :class:`FinanceError` when it cannot be read, has no NIK column,
    or neither a status nor a KPJ column."""
    try:
        table = read_table(path, file_name=file_name, vocabulary=RESPONSE)
    except ImportFileError as exc:
        text = exc.message.render("en" if (get_language() or "id").startswith("en") else "id")
        raise FinanceError("RESPONSE_FILE", file=file_name, reason=text) from exc
    mapping: dict[str, str] = {}
    for header in table.headers:
        name = field_of_response_header(header)
        if name is not None and name not in mapping:
            mapping[name] = header
    shown = ", ".join(f"'{h}'" for h in table.headers) or "-"
    if "nik" not in mapping:
        raise FinanceError("RESPONSE_NO_NIK_COLUMN", file=file_name, columns=shown)
    if "status" not in mapping and "kpj" not in mapping:
        raise FinanceError("RESPONSE_NO_STATUS", file=file_name, columns=shown)
    return ResponseTable(table, mapping)
