"""Checking a response file's rows, column-wise: every row kept, each with what it says and
its problem codes (:mod:`jaring.finance.messages`).

- NIK: cleaned by the registry's own NIK column steps (apostrophes, spaces, numbers typed as
  numbers, scientific notation that lost digits…); a row without 16 readable digits cannot be a
  person and is *unreadable* — listed, not applied.
- KPJ: digits only (spaces, dots and dashes removed; a number cell read as its integer). Other
  than 11 digits is only a warning (the 11-digit shape is not confirmed, RULES.md §3); letters
  make it unusable (not stored). A registered row without KPJ is a warning.
- Status: the branch's words (terdaftar/aktif, ditolak/gagal, nonaktif/berakhir …) to
  ``registered``, ``rejected`` or ``inactive``; without a status column a KPJ means registered.
  Words not understood: the row is held as unreadable, never guessed.
- Reason: the free text kept, and a reason code read from its words.
- TMT: dates as the registry reads them (Excel serials, dd-mm-yyyy, "17 Agustus 2023" …).
- Repeats: the same NIK saying the same thing again counts once; saying something else holds
  every row of that NIK for a person to decide.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from jaring.core import crypto
from jaring.finance.exchange.reading import ResponseTable
from jaring.finance.models import BpjsStatus, ReasonCode, RowOutcome
from jaring.registry.imports.checking.nik_column import clean_nik_column
from jaring.registry.imports.checking.values import parse_dates
from jaring.registry.imports.reading.grid import ROW_COLUMN, SHEET_COLUMN

#: The usual length of a KPJ number (observed, not confirmed: RULES.md §3, open question Q8).
KPJ_DIGITS = 11

_STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("terdaftar", "aktif", "registered", "active", "sukses", "berhasil", "diterima", "ok",
         "valid", "terdaftaraktif", "aktifterdaftar", "daftar", "success", "peserta", "sah"),
        BpjsStatus.REGISTERED.value,
    ),
    **dict.fromkeys(
        ("ditolak", "tolak", "gagal", "rejected", "reject", "invalid", "tidakvalid",
         "tidakterdaftar", "gagaldaftar", "belumterdaftar", "failed", "error", "tidaksah"),
        BpjsStatus.REJECTED.value,
    ),
    **dict.fromkeys(
        ("nonaktif", "tidakaktif", "inactive", "nonactive", "berakhir", "keluar", "na",
         "nonaktifkan", "tidakaktiflagi", "mati", "dinonaktifkan", "lapse", "lapsed"),
        BpjsStatus.INACTIVE.value,
    ),
}  # fmt: skip

#: Reason codes and words that give them away, tried in order.
_REASONS: tuple[tuple[str, str], ...] = (
    (ReasonCode.DECEASED.value, r"meninggal|wafat|almarhum"),
    (ReasonCode.WAGE_EARNER.value, r"penerima upah|\bpu\b|pekerja formal|karyawan|perusahaan"),
    (
        ReasonCode.REGISTERED_ELSEWHERE.value,
        r"terdaftar (di|pada|oleh|melalui)|wadah lain|sudah terdaftar|ganda|double"
        r"|pemberi kerja lain|donatur lain",
    ),
    (ReasonCode.NIK_INVALID.value, r"nik|dukcapil|kependudukan|tidak ditemukan"),
    (
        ReasonCode.DATA_MISMATCH.value,
        r"nama|tanggal lahir|tgl lahir|tidak sesuai|beda|berbeda|mismatch",
    ),
    (ReasonCode.OVER_AGE.value, r"usia|umur|batas"),
    (ReasonCode.UNPAID.value, r"tunggak|belum bayar|iuran|menunggak"),
)  # fmt: skip


def _text(frame: pl.DataFrame, header: str | None) -> pl.Expr:
    if header is None:
        return pl.lit(None, pl.String)
    return pl.col(header).cast(pl.String).str.strip_chars()


def _number(response: ResponseTable, header: str | None) -> str | None:
    return response.table.number_column(header) if header else None


def _kpj(frame: pl.DataFrame, header: str | None, number: str | None) -> pl.DataFrame:
    text = _text(frame, header)
    from_number = (
        pl.col(number).cast(pl.Float64).round(0).cast(pl.Int64, strict=False).cast(pl.String)
        if number
        else pl.lit(None, pl.String)
    )
    cleaned = text.str.replace_all(r"^['`]+|[\s.\-/]", "")
    digits = pl.coalesce(from_number, cleaned)
    return frame.select(
        kpj_text=text.fill_null("").str.slice(0, 40),
        _kpj=digits,
    ).with_columns(
        kpj=pl.when(pl.col("_kpj").str.contains(r"^[0-9]+$"))
        .then(pl.col("_kpj"))
        .otherwise(pl.lit("")),
        kpj_not_digits=pl.col("_kpj").is_not_null()
        & (pl.col("_kpj") != "")
        & ~pl.col("_kpj").str.contains(r"^[0-9]+$").fill_null(False),
    )


def _status_code(text: pl.Expr) -> pl.Expr:
    key = text.str.to_lowercase().str.replace_all(r"[^a-z]", "")
    return key.replace_strict(_STATUS_WORDS, default=None, return_dtype=pl.String)


def _reason_code(text: pl.Expr) -> pl.Expr:
    lower = text.str.to_lowercase()
    code: pl.Expr = pl.lit(ReasonCode.OTHER.value)
    for reason, pattern in reversed(_REASONS):
        code = pl.when(lower.str.contains(pattern)).then(pl.lit(reason)).otherwise(code)
    empty = lower.is_null() | (lower == "")
    return pl.when(empty).then(pl.lit(ReasonCode.NONE.value)).otherwise(code)


def check_response(response: ResponseTable, *, today: date, first_month: date) -> pl.DataFrame:
    """One row per row of the file: where it is, what it says (cleaned), ``nik_index`` for a
    readable NIK (its cipher is made when the row is stored, bound to it), ``readable``, the
    problem codes so far (``problems``, a list) and, per NIK, whether it repeats or contradicts
    another row."""
    table = response.table
    frame = table.frame
    nik_header = response.column("nik")
    assert nik_header is not None
    niks = clean_nik_column(frame, raw=nik_header, number=table.number_column(nik_header))
    kpj = _kpj(frame, response.column("kpj"), _number(response, response.column("kpj")))
    tmt_header = response.column("tmt")
    if tmt_header:
        tmt = parse_dates(frame, tmt_header, table.number_column(tmt_header), reference_date=today)
    else:
        tmt = pl.DataFrame(
            {"date": [None] * frame.height, "invalid": [False] * frame.height},
            schema={"date": pl.Date, "invalid": pl.Boolean},
        )
    status_text = _text(frame, response.column("status"))
    reason_text = _text(frame, response.column("reason"))
    rows = frame.select(
        sheet=pl.col(SHEET_COLUMN).fill_null(""),
        row_number=pl.col(ROW_COLUMN),
        nik_text=_text(frame, nik_header).fill_null("").str.slice(0, 40),
        name=_text(frame, response.column("name")).fill_null("").str.slice(0, 150),
        status_text=status_text.fill_null("").str.slice(0, 60),
        reason=reason_text.fill_null("").str.slice(0, 300),
        tmt_text=_text(frame, tmt_header).fill_null("").str.slice(0, 40),
    ).hstack(
        [
            niks["nik"].alias("nik"),
            kpj["kpj"],
            kpj["kpj_text"],
            kpj["kpj_not_digits"],
            tmt["date"].alias("tmt"),
            tmt["invalid"].fill_null(False).alias("tmt_invalid"),
        ]
    )
    readable = pl.col("nik").str.contains(r"^[0-9]{16}$").fill_null(False)
    status = _status_code(pl.col("status_text"))
    has_status = response.column("status") is not None
    rows = rows.with_columns(
        readable=readable,
        status=(
            pl.when(pl.col("status_text") == "")
            .then(pl.when(pl.col("kpj") != "").then(pl.lit(BpjsStatus.REGISTERED.value)))
            .otherwise(status)
            if has_status
            else pl.when(pl.col("kpj") != "").then(pl.lit(BpjsStatus.REGISTERED.value))
        ),
        reason_code=_reason_code(pl.col("reason")),
    )
    problems = [
        ("NIK_UNREADABLE", ~pl.col("readable")),
        ("STATUS_UNKNOWN", pl.col("readable") & pl.col("status").is_null()),
        ("KPJ_NOT_DIGITS", pl.col("kpj_not_digits")),
        (
            "KPJ_LENGTH",
            (pl.col("kpj") != "") & (pl.col("kpj").str.len_chars() != KPJ_DIGITS),
        ),
        (
            "KPJ_MISSING",
            (pl.col("status") == BpjsStatus.REGISTERED.value) & (pl.col("kpj") == ""),
        ),
        ("TMT_INVALID", pl.col("tmt_invalid")),
        ("TMT_BEFORE_PROGRAMME", pl.col("tmt") < pl.lit(first_month)),
        (
            "REJECTED_WITHOUT_REASON",
            (pl.col("status") == BpjsStatus.REJECTED.value) & (pl.col("reason") == ""),
        ),
    ]
    rows = rows.with_columns(
        problems=pl.concat_list(
            [
                pl.when(cond.fill_null(False))
                .then(pl.lit([code]))
                .otherwise(pl.lit([], pl.List(pl.String)))
                for code, cond in problems
            ]
        )
    )
    readable_niks = rows.select(pl.when("readable").then("nik"))["nik"].to_list()
    rows = rows.with_columns(
        pl.Series("nik_index", crypto.blind_index_many(readable_niks, purpose="nik"), pl.String),
    )
    return _repeats(rows)


_SAYS = ["status", "kpj", "tmt", "reason_code"]


def _repeats(rows: pl.DataFrame) -> pl.DataFrame:
    """``repeat_of`` (the row this one repeats) and ``contradicted`` (rows of the NIK that
    disagree), per readable NIK with a known status."""
    usable = pl.col("readable") & pl.col("status").is_not_null()
    keyed = rows.with_row_index("_order").with_columns(
        _key=pl.when(usable).then(pl.col("nik_index"))
    )
    # Only NIKs on more than one row make a group worth describing (a file of a million
    # rows has a handful).
    groups = (
        keyed.filter(pl.col("_key").is_not_null() & pl.col("_key").is_duplicated())
        .group_by("_key")
        .agg(
            first_row=pl.col("row_number").first(),
            rows_text=pl.col("row_number").cast(pl.String).str.join(", "),
            distinct=pl.struct(_SAYS).n_unique(),
            n=pl.len(),
            first_order=pl.col("_order").min(),
        )
    )
    keyed = keyed.join(groups, on="_key", how="left")
    contradicted = pl.col("distinct").fill_null(1) > 1
    repeated = (
        ~contradicted & (pl.col("n").fill_null(1) > 1) & (pl.col("_order") != pl.col("first_order"))
    )
    extra = (
        pl.when(contradicted)
        .then(pl.lit(["DUPLICATE_CONFLICT"]))
        .when(repeated)
        .then(pl.lit(["DUPLICATE_ROW"]))
        .otherwise(pl.lit([], pl.List(pl.String)))
    )
    return keyed.with_columns(
        contradicted=contradicted,
        repeated=repeated,
        repeat_of=pl.when(repeated).then(pl.col("first_row")),
        conflict_rows=pl.when(contradicted).then(pl.col("rows_text")),
        problems=pl.concat_list([pl.col("problems"), extra]),
    ).drop("_order", "_key", "first_order", "distinct", "n", "first_row", "rows_text")


def outcome_before_matching() -> pl.Expr:
    """The outcome of a row that cannot be applied whoever it is (else null)."""
    return (
        pl.when(~pl.col("readable") | pl.col("status").is_null())
        .then(pl.lit(RowOutcome.UNREADABLE.value))
        .when(pl.col("contradicted"))
        .then(pl.lit(RowOutcome.HELD.value))
        .when(pl.col("repeated"))
        .then(pl.lit(RowOutcome.REPEATED.value))
    )
