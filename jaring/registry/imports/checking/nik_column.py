"""The NIK rules of :mod:`jaring.rules.nik`, over a whole column at once.

:func:`check_nik_column` gives, for every row, exactly the codes :func:`jaring.rules.nik.check_nik`
gives for that value (a hypothesis test holds the two together). It reuses the rules' constants
and only re-expresses their steps as polars expressions:

1. clean-up (``normalize_nik``): a 16-digit text takes a fast path; other printable ASCII text
   and numbers from numeric cells go through the same regular expressions column-wise; anything
   else (full-width digits, zero-width spaces, numbers beyond 2**63) is rare, and
   ``normalize_nik`` itself runs on its *distinct* values;
2. structure (province, 00 codes, day, month, serial, calendar date) on the recovered digits;
3. comparison with the stated birth date and sex, and the region table.

The result has one Boolean column per code (named by the code) plus the parts of the NIK.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import polars as pl

from jaring.registry.imports.checking.values import valid_date
from jaring.rules.nik import (
    FEMALE_DAY_OFFSET,
    FEMALE_DAYS,
    FLOAT_EXACT_LIMIT,
    MALE_DAYS,
    MONTHS,
    NIK_LENGTH,
    NIK_SLICES,
    PROVINCE_CODES,
    SERIALS,
    normalize_nik,
)

CLEANUP_CODES: tuple[str, ...] = (
    "NIK_EMPTY",
    "NIK_SCIENTIFIC_NOTATION",
    "NIK_FROM_NUMBER",
    "NIK_FROM_NUMBER_ZERO_END",
    "NIK_FROM_NUMBER_BEYOND_FLOAT",
    "NIK_DIGITS_LOST",
    "NIK_NOT_DIGITS",
    "NIK_LENGTH",
)
STRUCTURE_CODES: tuple[str, ...] = (
    "NIK_PROVINCE_UNKNOWN",
    "NIK_KABKOTA_ZERO",
    "NIK_KECAMATAN_ZERO",
    "NIK_DAY_INVALID",
    "NIK_MONTH_INVALID",
    "NIK_SERIAL_ZERO",
    "NIK_DATE_IMPOSSIBLE",
)
COMPARISON_CODES: tuple[str, ...] = (
    "NIK_BIRTH_DATE_MISMATCH",
    "NIK_SEX_MISMATCH",
    "NIK_KABKOTA_UNKNOWN",
    "NIK_KECAMATAN_UNKNOWN",
)
NIK_CODES: tuple[str, ...] = CLEANUP_CODES + STRUCTURE_CODES + COMPARISON_CODES
_CLEANUP_ERRORS = (
    "NIK_EMPTY",
    "NIK_SCIENTIFIC_NOTATION",
    "NIK_DIGITS_LOST",
    "NIK_NOT_DIGITS",
    "NIK_LENGTH",
)

# The rules' regular expressions, restricted to ASCII (the fast path only sees ASCII) and
# without the back-reference Rust's regex engine lacks (two alternatives instead).
_SIXTEEN_DIGITS = r"^[0-9]{16}$"
_FAST_CHARS = r"^[\x20-\x7e\t\x{a0}]*$"  # printable ASCII; tab and NBSP act as spaces
_SCIENTIFIC = r"^[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+$"
_GROUPED = r"^[0-9]{1,3}(?:\.[0-9]{3}){2,}$|^[0-9]{1,3}(?:,[0-9]{3}){2,}$"
_FLOAT_TEXT = r"^([0-9]+)[.,]0+$"
_LEADING_QUOTES = "'`"
_INT64_LIMIT = 2.0**63
_FLOAT_LIMIT_TEXT = str(FLOAT_EXACT_LIMIT)

_OUT_SCHEMA: dict[str, pl.DataType] = {
    "_i": pl.UInt32(),
    "nik": pl.String(),
    "nik_from_number": pl.Boolean(),
    "nik_cleaned": pl.String(),
    "nik_p_value": pl.String(),
    "nik_p_length": pl.Int64(),
    "nik_p_characters": pl.String(),
    **{code: pl.Boolean() for code in CLEANUP_CODES},
}


def _range_expr(expr: pl.Expr, values: range) -> pl.Expr:
    return expr.is_between(values.start, values.stop - 1)


def _characters(cleaned: str) -> str:
    # The parameter of NIK_NOT_DIGITS, exactly as the rules engine writes it.
    return " ".join(repr(ch) for ch in sorted({ch for ch in cleaned if ch not in "0123456789"}))


def _cleanup_fast(rest: pl.DataFrame) -> pl.DataFrame:
    """Clean-up of printable-ASCII text and of numbers below 2**63, column-wise.

    Written as successive steps that each materialise their columns, so no sub-expression is
    evaluated twice (eager polars does not share them)."""
    raw, num = pl.col("_raw"), pl.col("_num")
    out = rest.with_columns(
        _is_number=num.is_not_null(),
        _text=raw.str.replace_all(r"[\t\x{a0}]", " ")
        .str.strip_chars(" ")
        .str.strip_chars_start(_LEADING_QUOTES)
        .str.strip_chars(" ")
        .str.strip_chars('"')
        .str.strip_chars(" "),
    )
    is_number, text = pl.col("_is_number"), pl.col("_text")
    out = out.with_columns(
        _bad_float=is_number
        & (~num.is_finite() | (num != num.floor()) | (num < 0)).fill_null(True),
        _empty=~is_number & (raw.is_null() | (text == "")).fill_null(True),
        _sci=text.str.contains(_SCIENTIFIC).fill_null(False),
        _grp=text.str.contains(_GROUPED).fill_null(False),
        _float_digits=text.str.extract(_FLOAT_TEXT, 1),
    )
    out = out.with_columns(_scientific=~is_number & ~pl.col("_empty") & pl.col("_sci"))
    out = out.with_columns(
        _grouped=~is_number & ~pl.col("_empty") & ~pl.col("_sci") & pl.col("_grp")
    )
    out = out.with_columns(
        _float_text=~is_number
        & ~pl.col("_empty")
        & ~pl.col("_sci")
        & ~pl.col("_grp")
        & pl.col("_float_digits").is_not_null()
    )
    out = out.with_columns(
        _typed=~is_number
        & ~pl.col("_empty")
        & ~pl.col("_sci")
        & ~pl.col("_grp")
        & ~pl.col("_float_text"),
        _number_path=(is_number & ~pl.col("_bad_float"))
        | pl.col("_grouped")
        | pl.col("_float_text"),
        _from_number=is_number | pl.col("_scientific") | pl.col("_grouped") | pl.col("_float_text"),
        _digits=pl.when(pl.col("_grouped"))
        .then(text.str.replace_all(r"[.,]", ""))
        .when(pl.col("_float_text"))
        .then(pl.col("_float_digits"))
        .when(is_number & ~pl.col("_bad_float"))
        .then(num.cast(pl.Int64, strict=False).cast(pl.String)),
    )
    out = out.with_columns(
        _cleaned=pl.when(pl.col("_number_path"))
        .then(pl.col("_digits"))
        .when(pl.col("_typed"))
        .then(text.str.replace_all(r"[ .\-]+", ""))
        .when(pl.col("_scientific"))
        .then(text)
        .when(pl.col("_bad_float"))
        .then(num.cast(pl.String))
        .otherwise(pl.lit("")),
        _digits_len=pl.col("_digits").str.len_bytes(),
    )
    lost = (pl.col("_number_path") & (pl.col("_digits_len") < NIK_LENGTH)).fill_null(False)
    out = out.with_columns(_lost=lost, _cleaned_len=pl.col("_cleaned").str.len_chars())
    kept = pl.col("_number_path") & ~pl.col("_lost")
    # Like the rules: a longer number is a length error and gets no float/zero warnings.
    exact_length = kept & (pl.col("_digits_len") == NIK_LENGTH)
    prior_error = pl.col("_lost") | pl.col("_scientific") | pl.col("_empty") | pl.col("_bad_float")
    out = out.with_columns(
        NIK_EMPTY=pl.col("_empty"),
        NIK_SCIENTIFIC_NOTATION=pl.col("_scientific"),
        NIK_FROM_NUMBER=kept,
        NIK_FROM_NUMBER_ZERO_END=exact_length & pl.col("_digits").str.ends_with("0"),
        NIK_FROM_NUMBER_BEYOND_FLOAT=exact_length & (pl.col("_digits") > pl.lit(_FLOAT_LIMIT_TEXT)),
        NIK_DIGITS_LOST=pl.col("_lost"),
        _not_digits=~prior_error & pl.col("_cleaned").str.contains(r"[^0-9]"),
        NIK_LENGTH=~prior_error & (pl.col("_cleaned_len") != NIK_LENGTH),
    ).with_columns(
        NIK_NOT_DIGITS=pl.col("_not_digits") | pl.col("_bad_float"),
    )
    out = out.with_columns(pl.col(c).fill_null(False) for c in CLEANUP_CODES)
    out = out.with_columns(
        nik=pl.when(~pl.any_horizontal(*_CLEANUP_ERRORS)).then(pl.col("_cleaned")),
        nik_from_number=pl.col("_from_number"),
        nik_cleaned=pl.col("_cleaned"),
        nik_p_value=pl.when(pl.col("_scientific")).then(pl.col("_cleaned")),
        nik_p_length=pl.when(pl.col("_lost"))
        .then(pl.col("_digits_len"))
        .when(pl.col("NIK_LENGTH"))
        .then(pl.col("_cleaned_len"))
        .cast(pl.Int64),
        nik_p_characters=pl.when(pl.col("_bad_float")).then(num.cast(pl.String)),
    )
    # The characters parameter is only for the message: computed once per distinct value.
    bad = out.filter(pl.col("_not_digits").fill_null(False)).select(pl.col("_cleaned").unique())
    if bad.height:
        chars = bad.with_columns(
            _chars=pl.col("_cleaned").map_elements(_characters, return_dtype=pl.String)
        )
        out = out.join(chars, on="_cleaned", how="left", maintain_order="left").with_columns(
            nik_p_characters=pl.coalesce("nik_p_characters", "_chars")
        )
    return out.select(list(_OUT_SCHEMA))


def _cleanup_python(rest: pl.DataFrame) -> pl.DataFrame:
    """The rare values the fast path does not cover: ``normalize_nik`` once per distinct value."""
    keys = rest.select("_raw", "_num").unique()
    rows: list[dict[str, object]] = []
    for raw, num in keys.iter_rows():
        result = normalize_nik(num if num is not None else raw)
        codes = {p.code for p in result.problems}
        params = {k: v for p in result.problems for k, v in p.text_params().items()}
        row: dict[str, object] = {
            "_raw": raw,
            "_num": num,
            "nik": result.nik,
            "nik_from_number": result.from_number,
            "nik_cleaned": result.cleaned,
            "nik_p_value": params.get("value"),
            "nik_p_length": int(params["length"]) if "length" in params else None,
            "nik_p_characters": params.get("characters"),
        }
        row.update({code: code in codes for code in CLEANUP_CODES})
        rows.append(row)
    schema = {"_raw": pl.String(), "_num": pl.Float64(), **_OUT_SCHEMA}
    del schema["_i"]
    table = pl.DataFrame(rows, schema=schema, orient="row")
    joined = rest.select("_i", "_raw", "_num").join(
        table, on=["_raw", "_num"], how="left", nulls_equal=True
    )
    return joined.select(list(_OUT_SCHEMA))


def _plain_columns() -> dict[str, pl.Expr]:
    """The result for a value of exactly 16 digits typed as text: the NIK as it is."""
    return {
        "nik": pl.col("_raw"),
        "nik_from_number": pl.lit(False),
        "nik_cleaned": pl.col("_raw"),
        "nik_p_value": pl.lit(None, pl.String),
        "nik_p_length": pl.lit(None, pl.Int64),
        "nik_p_characters": pl.lit(None, pl.String),
        **{code: pl.lit(False) for code in CLEANUP_CODES},
    }


def _cleanup(frame: pl.DataFrame) -> pl.DataFrame:
    raw, num = pl.col("_raw"), pl.col("_num")
    plain_mask = num.is_null() & raw.str.contains(_SIXTEEN_DIGITS).fill_null(False)
    rest = frame.filter(~plain_mask)
    python_mask = (
        pl.when(num.is_not_null())
        .then(num.abs() >= _INT64_LIMIT)
        .otherwise(~raw.str.contains(_FAST_CHARS))
        .fill_null(False)
    )
    schema = pl.Schema(_OUT_SCHEMA)
    parts = [
        _cleanup_fast(rest.filter(~python_mask)).cast(schema),
        _cleanup_python(rest.filter(python_mask)).cast(schema),
    ]
    # Start from the plain reading of every row, then put the other rows' results in place
    # (no sort of the whole column set).
    plain = frame.select(_i="_i", **_plain_columns()).cast(schema)
    columns = []
    for name in schema:
        column = plain[name]
        for part in parts:
            if part.height:
                column = column.scatter(part["_i"], part[name])
        columns.append(column)
    return pl.DataFrame(columns)


def _part(number: pl.Expr, name: str) -> pl.Expr:
    """A part of the NIK by integer arithmetic on its 16 digits (no string slicing)."""
    piece = NIK_SLICES[name]
    return (number // 10 ** (NIK_LENGTH - piece.stop)) % 10 ** (piece.stop - piece.start)


def _structure(
    frame: pl.DataFrame,
    *,
    stated_date: pl.Expr,
    stated_sex: pl.Expr,
    reference_date: date,
    known_regions: Collection[str] | None,
) -> pl.DataFrame:
    nik = pl.col("nik")
    number = pl.col("_n")
    day_digits = _part(number, "day")
    month = _part(number, "month")
    two_digits = _part(number, "year")
    day_ok = _range_expr(day_digits, MALE_DAYS) | _range_expr(day_digits, FEMALE_DAYS)
    month_ok = _range_expr(month, MONTHS)
    day = (
        pl.when(day_digits > FEMALE_DAY_OFFSET)
        .then(day_digits - FEMALE_DAY_OFFSET)
        .otherwise(day_digits)
    )
    earlier, later = two_digits + 1900, two_digits + 2000
    stated_year = stated_date.dt.year().cast(pl.Int64)
    # resolve_birth_year: nearest century to a stated date, else the latest not in the future.
    by_stated = pl.when((later - stated_year).abs() < (earlier - stated_year).abs()).then(later)
    reference = reference_date.year * 10_000 + reference_date.month * 100 + reference_date.day
    by_reference = pl.when(later * 10_000 + month * 100 + day <= reference).then(later)
    year = (
        pl.when(stated_date.is_not_null())
        .then(by_stated.otherwise(earlier))
        .otherwise(by_reference.otherwise(earlier))
    )
    provinces = sorted(int(code) for code in PROVINCE_CODES)
    out = (
        frame.lazy()
        .with_columns(_n=nik.cast(pl.Int64, strict=False))
        .with_columns(
            _day=day,
            _month=month,
            _year=year,
            _day_ok=day_ok,
            _month_ok=month_ok,
            _stated_date=stated_date,
            _stated_sex=stated_sex,
        )
        .with_columns(_date=valid_date(pl.col("_year"), pl.col("_month"), pl.col("_day")))
    )
    flags = {
        "NIK_PROVINCE_UNKNOWN": ~_part(number, "province").is_in(provinces),
        "NIK_KABKOTA_ZERO": _part(number, "kabkota") == 0,
        "NIK_KECAMATAN_ZERO": _part(number, "kecamatan") == 0,
        "NIK_DAY_INVALID": ~pl.col("_day_ok"),
        "NIK_MONTH_INVALID": ~pl.col("_month_ok"),
        "NIK_SERIAL_ZERO": ~_range_expr(_part(number, "serial"), SERIALS),
        "NIK_DATE_IMPOSSIBLE": pl.col("_day_ok") & pl.col("_month_ok") & pl.col("_date").is_null(),
    }
    out = out.with_columns(
        (nik.is_not_null() & expr).fill_null(False).alias(code) for code, expr in flags.items()
    )
    parsed = nik.is_not_null() & ~pl.any_horizontal(*STRUCTURE_CODES)
    nik_sex = pl.when(day_digits > FEMALE_DAY_OFFSET).then(pl.lit("P")).otherwise(pl.lit("L"))
    kabkota = pl.format("{}.{}", nik.str.slice(0, 2), nik.str.slice(2, 2))
    kecamatan = pl.format("{}.{}", kabkota, nik.str.slice(4, 2))
    regions = known_regions is not None
    out = out.with_columns(
        nik_parsed=parsed,
        nik_birth_date=pl.when(parsed).then(pl.col("_date")),
        nik_sex=pl.when(parsed).then(nik_sex),
        # Dotted region codes only matter for the region-table warnings.
        nik_kabkota_code=pl.when(parsed & regions).then(kabkota),
        nik_kecamatan_code=pl.when(parsed & regions).then(kecamatan),
    )
    compare = {
        "NIK_BIRTH_DATE_MISMATCH": pl.col("_stated_date") != pl.col("nik_birth_date"),
        "NIK_SEX_MISMATCH": pl.col("_stated_sex") != pl.col("nik_sex"),
    }
    if known_regions is not None:
        known = sorted(known_regions)
        kab_known = pl.col("nik_kabkota_code").is_in(known)
        compare["NIK_KABKOTA_UNKNOWN"] = ~kab_known
        compare["NIK_KECAMATAN_UNKNOWN"] = kab_known & ~pl.col("nik_kecamatan_code").is_in(known)
    else:
        compare["NIK_KABKOTA_UNKNOWN"] = pl.lit(False)
        compare["NIK_KECAMATAN_UNKNOWN"] = pl.lit(False)
    return out.with_columns(
        (parsed & expr).fill_null(False).alias(code) for code, expr in compare.items()
    ).collect()


def clean_nik_column(frame: pl.DataFrame, *, raw: str, number: str | None = None) -> pl.DataFrame:
    """Step 1 alone (needs nothing but the NIK): ``nik``, ``nik_from_number``, the clean-up
    codes and their parameters, one row per row of ``frame``."""
    # with_columns keeps the height when an input is a literal null.
    source = frame.with_columns(
        _i=pl.int_range(pl.len(), dtype=pl.UInt32),
        _raw=pl.col(raw).cast(pl.String),
        _num=pl.col(number).cast(pl.Float64) if number else pl.lit(None, pl.Float64),
    ).select("_i", "_raw", "_num")
    return _cleanup(source)


def finish_nik_column(
    cleaned: pl.DataFrame,
    *,
    birth_date: pl.Series | None,
    sex: pl.Series | None,
    reference_date: date,
    known_regions: Collection[str] | None = None,
) -> pl.DataFrame:
    """Steps 2 and 3 on the result of :func:`clean_nik_column`, with the stated birth dates
    (Date) and sexes ("L"/"P") of the same rows."""
    height = cleaned.height
    stated = pl.DataFrame(
        {
            "_sd": birth_date
            if birth_date is not None
            else pl.Series([None] * height, dtype=pl.Date),
            "_ss": sex if sex is not None else pl.Series([None] * height, dtype=pl.String),
        },
        schema={"_sd": pl.Date, "_ss": pl.String},
    )
    result = _structure(
        cleaned.hstack(stated),
        stated_date=pl.col("_sd"),
        stated_sex=pl.col("_ss"),
        reference_date=reference_date,
        known_regions=known_regions,
    )
    keep = [
        "nik",
        "_n",
        "nik_from_number",
        "nik_parsed",
        "nik_birth_date",
        "nik_sex",
        "nik_kabkota_code",
        "nik_kecamatan_code",
        "nik_cleaned",
        "nik_p_value",
        "nik_p_length",
        "nik_p_characters",
        "_day",
        "_month",
        "_year",
        "_date",
        "_stated_date",
        "_stated_sex",
        *NIK_CODES,
    ]
    renames = {
        "_n": "nik_number",
        "_day": "nik_p_day",
        "_month": "nik_p_month",
        "_year": "nik_p_year",
        "_date": "nik_p_date",
        "_stated_date": "nik_p_stated_date",
        "_stated_sex": "nik_p_stated_sex",
    }
    return result.select(keep).rename(renames)


def check_nik_column(
    frame: pl.DataFrame,
    *,
    raw: str,
    number: str | None = None,
    birth_date: str | None = None,
    sex: str | None = None,
    reference_date: date,
    known_regions: Collection[str] | None = None,
) -> pl.DataFrame:
    """Check the NIK column ``raw`` (String) of ``frame``, row for row like ``check_nik``.

    ``number`` names a Float64 column holding the value of numeric cells (null for text cells);
    ``birth_date`` (Date) and ``sex`` ("L"/"P") name the stated values. Returns a frame of the
    same height and order with ``nik``, ``nik_number`` (Int64), ``nik_from_number``,
    ``nik_parsed``, ``nik_birth_date``, ``nik_sex``, one Boolean column per code in
    :data:`NIK_CODES`, and the parameters the messages need (see :func:`nik_message_params`).
    """
    return finish_nik_column(
        clean_nik_column(frame, raw=raw, number=number),
        birth_date=frame[birth_date].cast(pl.Date) if birth_date else None,
        sex=frame[sex].cast(pl.String) if sex else None,
        reference_date=reference_date,
        known_regions=known_regions,
    )


def nik_message_params(code: str) -> dict[str, pl.Expr]:
    """Expressions (over :func:`check_nik_column`'s result) for the template of ``code``.

    A superset of what the templates need, so a renamed placeholder in the rules registry only
    needs a new entry here; :func:`~jaring.registry.imports.problems.message_expr` picks what it
    uses.
    """
    nik = pl.col("nik")
    region = {
        "NIK_KABKOTA_UNKNOWN": pl.col("nik_kabkota_code"),
        "NIK_KECAMATAN_UNKNOWN": pl.col("nik_kecamatan_code"),
    }.get(code, pl.lit(None, pl.String))
    date_impossible = code == "NIK_DATE_IMPOSSIBLE"
    return {
        "value": pl.col("nik_p_value"),
        "length": pl.col("nik_p_length"),
        "characters": pl.col("nik_p_characters"),
        "province": nik.str.slice(0, 2),
        "day": pl.col("nik_p_day").cast(pl.String).str.zfill(2)
        if date_impossible
        else nik.str.slice(6, 2),
        "month": pl.col("nik_p_month").cast(pl.String).str.zfill(2)
        if date_impossible
        else nik.str.slice(8, 2),
        "year": pl.col("nik_p_year").cast(pl.String),
        "nik_date": pl.col("nik_birth_date").dt.to_string("%Y-%m-%d"),
        "stated_date": pl.col("nik_p_stated_date").dt.to_string("%Y-%m-%d"),
        # Sex codes: the message shows their label (the spec's ``labels``).
        "nik_sex": pl.col("nik_sex"),
        "stated_sex": pl.col("nik_p_stated_sex"),
        "code": region,
        "region": region,
    }
