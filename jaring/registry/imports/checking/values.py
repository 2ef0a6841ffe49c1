"""Column-wise parsers of the values Indonesian lists hold: dates, sex, phones, income, RT/RW.

Each parser takes a frame and column names and returns new columns of the same height. Parsers
whose input repeats a lot (dates, sex codes, income, RT/RW) work on the distinct values and
join the result back, so a million rows cost their few thousand distinct values.

Dates are read day first, always (Indonesian usage): ``12-05-1980``, ``12/05/1980``,
``12.05.1980``, ``12 Mei 1980``, ``12-Mei-80``, ``1980-05-12`` (ISO and date cells), Excel serial
numbers (numeric cells, or five-digit text from a CSV saved by Excel), ``12051980``. A date that
only exists read month first (``05/25/1980``) is taken so, with a warning. Two-digit years are
19xx unless 20xx is at least 15 years before the reference date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (after Excel's 1900 leap-year bug)
EXCEL_LAST_SERIAL = 2_958_465  # 9999-12-31
MONTH_NAMES: dict[str, int] = {
    **dict.fromkeys(["januari", "jan", "january", "janu"], 1),
    **dict.fromkeys(["februari", "pebruari", "feb", "peb", "february", "febr"], 2),
    **dict.fromkeys(["maret", "mar", "march", "mrt"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "jun", "june"], 6),
    **dict.fromkeys(["juli", "jul", "july"], 7),
    **dict.fromkeys(["agustus", "agu", "agt", "ags", "agust", "aug", "august", "agus"], 8),
    **dict.fromkeys(["september", "sep", "sept", "sepember"], 9),
    **dict.fromkeys(["oktober", "okt", "oct", "october", "oktb"], 10),
    **dict.fromkeys(["november", "nov", "nop", "nopember"], 11),
    **dict.fromkeys(["desember", "des", "dec", "december"], 12),
}
SEX_CODES: dict[str, str] = {
    **dict.fromkeys(["l", "lk", "laki", "lakilaki", "laki2", "pria", "lelaki", "male", "m"], "L"),
    **dict.fromkeys(["1"], "L"),  # BPS coding: 1 = laki-laki, 2 = perempuan
    **dict.fromkeys(["p", "pr", "prp", "perempuan", "wanita", "w", "female", "f", "pere"], "P"),
    **dict.fromkeys(["2"], "P"),
}
# What people write for "nothing": '-', '--', '.', '_', '/'.
PLACEHOLDER_RE = r"^[\s\-\u2010-\u2015._/]*$"

# The written forms of a date, one alternative each, so one regex pass reads them all.
# Groups: ISO 1-3 (y, m, d), day-first numbers 4-6 (d, m, y), month names 7-9 (d, month, y),
# compact 10-12 (d, m, y), serial text 13.
_DATE_FORMS = (
    r"^(?:"
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
    r"|(\d{1,2})\s*[-/. ]\s*(\d{1,2})\s*[-/. ]\s*(\d{4}|\d{2})"
    r"(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?"
    r"|(\d{1,2})\s*[-/. ]?\s*([a-z]+)\.?\s*[-/., ]?\s*(\d{4}|\d{2})"
    r"|(\d{2})(\d{2})(\d{4})"
    r"|(\d{5})(?:[.,]0+)?"
    r")$"
)
_PHONE = r"^(?:\+62|62|0)([1-9][0-9]{7,11})$|^(8[0-9]{7,11})$"


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Trimmed text with inner whitespace collapsed; empty and placeholder values become null.

    The placeholder test runs on the value as given (it allows any whitespace), so the
    clean-up chain is evaluated once even by eager polars."""
    # Only runs of whitespace and tabs/line breaks/NBSP change: cheap where there are none.
    text = expr.str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars()
    return pl.when(expr.str.contains(PLACEHOLDER_RE)).then(None).otherwise(text)


def map_distinct(
    frame: pl.DataFrame,
    inputs: list[str],
    parse: Callable[[pl.DataFrame], pl.DataFrame],
) -> pl.DataFrame:
    """Run ``parse`` on the distinct rows of ``inputs`` and join its columns back (same order)."""
    distinct = frame.select(inputs).unique()
    parsed = parse(distinct)
    added = [c for c in parsed.columns if c not in inputs]
    # A key column that is null throughout (no numeric cells) need not be joined on.
    keys = [c for c in inputs if frame[c].null_count() < frame.height] or inputs[:1]
    joined = frame.select(keys).join(
        parsed.select(*keys, *added), on=keys, how="left", nulls_equal=True, maintain_order="left"
    )
    return joined.select(added)


def _two_digit_year(year: pl.Expr, digits: pl.Expr, reference_date: date) -> pl.Expr:
    cutoff = reference_date.year - 15
    full = pl.when(year + 2000 <= cutoff).then(year + 2000).otherwise(year + 1900)
    return pl.when(digits.str.len_bytes() == 2).then(full).otherwise(year)


def valid_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """The date, or null when it does not exist (integer checks, no string parsing)."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days = (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    ok = year.is_between(1, 9999) & month.is_between(1, 12) & day.is_between(1, days)
    return pl.date(pl.when(ok).then(year), pl.when(ok).then(month), pl.when(ok).then(day))


def _parse_dates(
    distinct: pl.DataFrame, text: str, number: str, reference_date: date
) -> pl.DataFrame:
    num = pl.col(number)
    frame = distinct.with_columns(_lower=clean_text(pl.col(text)).str.to_lowercase())
    groups = frame.select(pl.col("_lower").str.extract_groups(_DATE_FORMS)).to_series()
    parts = groups.struct.unnest()
    parts.columns = [f"g{i}" for i in range(1, parts.width + 1)]
    frame = frame.hstack(parts.get_columns())

    def g(index: int) -> pl.Expr:
        return pl.col(f"g{index}").cast(pl.Int32, strict=False)

    dmy_year = _two_digit_year(g(6), pl.col("g6"), reference_date)
    named_year = _two_digit_year(g(9), pl.col("g9"), reference_date)
    named_month = pl.col("g8").replace_strict(MONTH_NAMES, default=None, return_dtype=pl.Int32)
    serial_ok = num.is_between(1, EXCEL_LAST_SERIAL)
    frame = frame.with_columns(
        _cell=pl.when(num.is_not_null() & serial_ok).then(
            pl.lit(EXCEL_EPOCH) + pl.duration(days=num.floor().cast(pl.Int64))
        ),
        _iso=valid_date(g(1), g(2), g(3)),
        _day_first=pl.coalesce(valid_date(dmy_year, g(5), g(4)), valid_date(g(12), g(11), g(10))),
        _month_first=pl.coalesce(valid_date(dmy_year, g(4), g(5)), valid_date(g(12), g(10), g(11))),
        _named=valid_date(named_year, named_month, g(7)),
        _serial=pl.when(pl.col("g13").is_not_null()).then(
            pl.lit(EXCEL_EPOCH) + pl.duration(days=pl.col("g13").cast(pl.Int64))
        ),
        _given=pl.col("_lower").is_not_null() | num.is_not_null(),
    )
    # A numeric cell is read as a serial whatever its text shows.
    frame = frame.with_columns(
        _parsed=pl.when(num.is_not_null())
        .then(pl.col("_cell"))
        .otherwise(pl.coalesce("_iso", "_day_first", "_named", "_serial"))
    )
    only_month_first = pl.col("_parsed").is_null() & pl.col("_month_first").is_not_null()
    return frame.select(
        text,
        number,
        _date=pl.coalesce("_parsed", pl.when(only_month_first).then(pl.col("_month_first"))),
        _month_first=only_month_first,
        _invalid=pl.col("_given") & pl.col("_parsed").is_null() & ~only_month_first,
        _given="_given",
    )


def parse_dates(
    frame: pl.DataFrame, text: str, number: str | None, *, reference_date: date
) -> pl.DataFrame:
    """Columns ``date`` (Date), ``month_first``, ``invalid``, ``given`` (Boolean) for a column
    of written dates; ``number`` names the Float64 values of numeric cells (Excel serials)."""
    source = frame.select(
        pl.col(text).cast(pl.String).alias("_t"),
        (pl.col(number).cast(pl.Float64) if number else pl.lit(None, pl.Float64)).alias("_n"),
    )
    out = map_distinct(source, ["_t", "_n"], lambda d: _parse_dates(d, "_t", "_n", reference_date))
    return out.rename(
        {"_date": "date", "_month_first": "month_first", "_invalid": "invalid", "_given": "given"}
    )


def parse_sex(frame: pl.DataFrame, text: str) -> pl.DataFrame:
    """Columns ``sex`` ("L"/"P" or null), ``unreadable`` (written but not a known code) and
    ``given`` (something written)."""

    def parse(d: pl.DataFrame) -> pl.DataFrame:
        written = clean_text(pl.col("_t"))
        key = written.str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")
        sex = key.replace_strict(SEX_CODES, default=None, return_dtype=pl.String)
        return (
            d.lazy()
            .with_columns(
                sex=sex,
                unreadable=written.is_not_null() & sex.is_null(),
                given=written.is_not_null(),
            )
            .collect()
        )

    return map_distinct(frame.select(pl.col(text).cast(pl.String).alias("_t")), ["_t"], parse)


def parse_phones(frame: pl.DataFrame, text: str, number: str | None) -> pl.DataFrame:
    """Columns ``phone`` ("+62…" or null) and ``invalid`` (written but not a phone number).

    Accepts 08…, 8… (a number cell drops the 0), 62…, +62…, with spaces, dashes, dots and
    brackets; the national part must have 8–12 digits after the 0 (mobile and landline)."""
    num = pl.col(number).cast(pl.Float64) if number else pl.lit(None, pl.Float64)
    out = frame.select(
        _written=clean_text(pl.col(text).cast(pl.String)),
        _from_number=pl.when(num.is_not_null() & (num == num.floor()) & (num > 0)).then(
            num.cast(pl.Int64, strict=False).cast(pl.String)
        ),
    )
    out = out.with_columns(
        _digits=pl.coalesce("_from_number", pl.col("_written").str.replace_all(r"[\s\-.()/]", ""))
    )
    # +62… / 62… / 0… then 8-12 digits; or 8… (a number cell dropped the 0).
    out = out.with_columns(_groups=pl.col("_digits").str.extract_groups(_PHONE))
    out = out.with_columns(
        _national=pl.coalesce(pl.col("_groups").struct[0], pl.col("_groups").struct[1])
    )
    return out.select(
        phone=pl.when(pl.col("_national").is_not_null()).then(pl.lit("+62") + pl.col("_national")),
        invalid=pl.col("_written").is_not_null() & pl.col("_national").is_null(),
    )


def parse_income(frame: pl.DataFrame, text: str, number: str | None) -> pl.DataFrame:
    """Columns ``income`` (Int64 rupiah or null), ``given`` and ``unreadable``.

    "Rp 1.000.000", "1.000.000,00", "1,000,000", "1000000", "1 jt", "1,5 juta" and numeric
    cells are read; anything else written is unreadable."""

    def parse(d: pl.DataFrame) -> pl.DataFrame:
        written = clean_text(pl.col("_t"))
        t = written.str.to_lowercase().str.replace_all(r"rp\.?|idr|\s|,-|\.-", "")
        dots = t.str.extract(r"^([0-9]{1,3}(?:\.[0-9]{3})+)(?:,0{1,2})?$", 1)
        commas = t.str.extract(r"^([0-9]{1,3}(?:,[0-9]{3})+)(?:\.0{1,2})?$", 1)
        plain = t.str.extract(r"^([0-9]+)(?:[.,]0{1,2})?$", 1)
        millions = t.str.extract(r"^([0-9]+(?:[.,][0-9]+)?)(?:jt|juta)$", 1)
        num = pl.col("_n")
        value = pl.coalesce(
            pl.when(num.is_not_null() & (num == num.floor())).then(num.cast(pl.Int64)),
            dots.str.replace_all(r"\.", "").cast(pl.Int64, strict=False),
            commas.str.replace_all(",", "").cast(pl.Int64, strict=False),
            plain.cast(pl.Int64, strict=False),
            (millions.str.replace(",", ".").cast(pl.Float64, strict=False) * 1_000_000)
            .round(0)
            .cast(pl.Int64),
        )
        given = written.is_not_null() | num.is_not_null()
        return (
            d.lazy()
            .with_columns(income=value, given=given, unreadable=given & value.is_null())
            .collect()
        )

    source = frame.select(
        pl.col(text).cast(pl.String).alias("_t"),
        (pl.col(number).cast(pl.Float64) if number else pl.lit(None, pl.Float64)).alias("_n"),
    )
    return map_distinct(source, ["_t", "_n"], parse)


def parse_rt_rw(frame: pl.DataFrame, text: str) -> pl.DataFrame:
    """Columns ``rt_rw`` ("003/002", or the text as written when unreadable) and ``invalid``.

    "003/002", "3/2", "RT 03 RW 02", "RT.003/RW.002", "03-02" all read as "003/002"."""

    def parse(d: pl.DataFrame) -> pl.DataFrame:
        written = clean_text(pl.col("_t"))
        pattern = r"^\D*?(\d{1,3})\D+(\d{1,3})\D*$"
        rt = written.str.extract(pattern, 1)
        rw = written.str.extract(pattern, 2)
        ok = rt.is_not_null() & rw.is_not_null()
        value = pl.format("{}/{}", rt.str.zfill(3), rw.str.zfill(3))
        return (
            d.lazy()
            .with_columns(
                rt_rw=pl.when(ok).then(value).otherwise(written),
                invalid=written.is_not_null() & ~ok,
            )
            .collect()
        )

    return map_distinct(frame.select(pl.col(text).cast(pl.String).alias("_t")), ["_t"], parse)


def split_place_date(frame: pl.DataFrame, text: str) -> pl.DataFrame:
    """Columns ``place`` and ``date_text`` from "Kediri, 12-05-1980" / "KEDIRI 12 MEI 1980"."""
    written = clean_text(pl.col(text).cast(pl.String))
    date_part = (
        r"(\d{1,2}\s*[-/. ]\s*(?:\d{1,2}|[A-Za-z]+\.?)\s*[-/. ,]?\s*\d{2,4}"
        r"|\d{4}-\d{1,2}-\d{1,2}|\d{5})"
    )
    pattern = r"^(.*?)[\s,;/]*" + date_part + r"\s*$"
    place = written.str.extract(pattern, 1).str.strip_chars(" ,;/")
    when_date = written.str.extract(pattern, 2)
    has_digit = written.str.contains(r"\d").fill_null(False)
    return (
        frame.lazy()
        .select(
            place=pl.when(when_date.is_not_null())
            .then(pl.when(place != "").then(place))
            .when(~has_digit)
            .then(written),
            date_text=pl.when(when_date.is_not_null())
            .then(when_date)
            .when(has_digit)
            .then(written),
        )
        .collect()
    )
