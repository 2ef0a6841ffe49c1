"""The per-field steps of :func:`~jaring.registry.imports.checking.check_table`.

Every step reads the working frame (``t_<field>`` text as written, ``n_<field>`` numeric cell
value, ``x_<field>`` cell issue, ``c_<field>`` cleaned text) and returns a frame of *new*
columns of the same height and order: values (``stated_date``, ``phone``, …) and one Boolean
mask per problem code (``m_<CODE>``). The steps do not depend on each other, so check_table runs
them side by side; only the NIK's comparison with the stated date and sex, the ages and the
duplicates come after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import polars as pl

from jaring.registry.imports.checking.places import PLACE_CODES, resolve_places
from jaring.registry.imports.checking.values import (
    PLACEHOLDER_RE,
    clean_text,
    map_distinct,
    parse_dates,
    parse_income,
    parse_phones,
    parse_rt_rw,
    parse_sex,
    split_place_date,
)
from jaring.registry.imports.reading import RawTable
from jaring.registry.imports.reading.grid import EXTRA_COLUMN, ROW_COLUMN, SHEET_COLUMN
from jaring.registry.names import normalize_names_expr

if TYPE_CHECKING:
    from jaring.regions.selectors import NameIndex
    from jaring.registry.imports.checking import Classifier
    from jaring.registry.imports.reading.titles import TitlePlace

CLEANED_FIELDS = ("name", "birth_place", "address", "desa", "kecamatan", "occupation")
# Fields with few distinct values in any list: cleaned once per distinct value.
_FEW_VALUES = frozenset({"birth_place", "desa", "kecamatan", "occupation"})


def source_frame(table: RawTable, mapping: Mapping[str, str]) -> pl.DataFrame:
    """``_i``, ``_sheet``, ``_row`` and the mapped columns as ``t_``/``n_``/``x_`` columns."""
    frame = table.frame
    columns: list[pl.Expr] = [pl.col(SHEET_COLUMN), pl.col(ROW_COLUMN)]
    for name, header in mapping.items():
        columns.append(pl.col(header).cast(pl.String).alias(f"t_{name}"))
        if (number := table.number_column(header)) is not None:
            columns.append(pl.col(number).alias(f"n_{name}"))
        if (issue := table.issue_column(header)) is not None:
            columns.append(pl.col(issue).alias(f"x_{name}"))
    if EXTRA_COLUMN in frame.columns:
        columns.append(pl.col(EXTRA_COLUMN))
    return frame.select(columns).with_row_index("_i")


def skip_rows(
    source: pl.DataFrame, mapping: Mapping[str, str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows to check, rows skipped with a reason): ``blank`` when every mapped cell is empty,
    ``footer`` for rows without NIK and name after the last person of their sheet."""

    def filled(name: str) -> pl.Expr:
        expr = ~pl.col(f"t_{name}").str.contains(PLACEHOLDER_RE).fill_null(True)
        extra = [pl.col(c).is_not_null() for c in (f"n_{name}", f"x_{name}") if c in source.columns]
        return pl.any_horizontal(expr, *extra)

    anything = [filled(name) for name in mapping]
    if EXTRA_COLUMN in source.columns:
        anything.append(pl.col(EXTRA_COLUMN).is_not_null())
    marked = source.with_columns(_person=pl.any_horizontal(filled("nik"), filled("name")))
    # Only rows without NIK and name can be blank: test every column on those alone.
    others = marked.filter(~pl.col("_person")).select("_i", _other=pl.any_horizontal(anything))
    marked = marked.join(others, on="_i", how="left", maintain_order="left").with_columns(
        _any=pl.col("_person") | pl.col("_other").fill_null(False),
        _last=pl.col("_i").filter(pl.col("_person")).max().over(SHEET_COLUMN),
    )
    after_last = pl.col("_last").is_null() | (pl.col("_i") > pl.col("_last"))
    reason = (
        pl.when(~pl.col("_any"))
        .then(pl.lit("blank"))
        .when(~pl.col("_person") & after_last)
        .then(pl.lit("footer"))
    )
    marked = marked.with_columns(_reason=reason)
    skipped = marked.filter(pl.col("_reason").is_not_null()).select(
        SHEET_COLUMN, ROW_COLUMN, reason="_reason"
    )
    kept = marked.filter(pl.col("_reason").is_null())
    return kept.drop("_any", "_person", "_other", "_last", "_reason"), skipped


def _constant(value: object, height: int, dtype: pl.DataType) -> pl.Series:
    """A column of one value, typed even when empty (an empty list would be of type Null)."""
    return pl.Series([value] * height, dtype=dtype)


def _column(w: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
    return pl.col(name) if name in w.columns else pl.lit(None, dtype)


def cleaned_columns(w: pl.DataFrame) -> pl.DataFrame:
    """``c_<field>``: trimmed text, placeholders ("-") as null. Columns with few distinct
    values (village, kecamatan, occupation, birth place) are cleaned per distinct value."""
    out: dict[str, pl.Series] = {}
    for name in CLEANED_FIELDS:
        source = f"t_{name}"
        if source not in w.columns:
            out[f"c_{name}"] = _constant(None, w.height, pl.String()).alias(f"c_{name}")
            continue
        column = w[source]
        if name in _FEW_VALUES:
            mapping = pl.DataFrame({"_v": column.unique()}).with_columns(
                _c=clean_text(pl.col("_v"))
            )
            joined = pl.DataFrame({"_v": column}).join(
                mapping, on="_v", how="left", nulls_equal=True, maintain_order="left"
            )
            out[f"c_{name}"] = joined["_c"].alias(f"c_{name}")
        else:
            out[f"c_{name}"] = w.select(clean_text(pl.col(source)).alias(f"c_{name}")).to_series()
    return pl.DataFrame(list(out.values()))


def date_columns(w: pl.DataFrame, mapping: Mapping[str, str], reference_date: date) -> pl.DataFrame:
    """``birth_place``, ``stated_date``, ``_date_text`` (the date as written),
    ``_date_given`` and the month-first / invalid masks."""
    birth_place = w["c_birth_place"]
    if "birth_date" in mapping:
        text = w["t_birth_date"]
        number = w["n_birth_date"] if "n_birth_date" in w.columns else None
    elif "birth_place_date" in mapping:
        split = split_place_date(w, "t_birth_place_date")
        text = split["date_text"]
        birth_place = (
            pl.DataFrame([birth_place, split["place"]]).select(pl.coalesce(pl.all())).to_series()
        )
        number = w["n_birth_place_date"] if "n_birth_place_date" in w.columns else None
    else:
        text = _constant(None, w.height, pl.String())
        number = None
    source = pl.DataFrame({"t": text, "n": number}, schema={"t": pl.String, "n": pl.Float64})
    dates = parse_dates(
        source, "t", "n" if number is not None else None, reference_date=reference_date
    )
    return pl.DataFrame(
        {
            "birth_place": birth_place,
            "_date_text": text,
            "stated_date": dates["date"],
            "m_BIRTH_DATE_MONTH_FIRST": dates["month_first"],
            "m_BIRTH_DATE_INVALID": dates["invalid"],
            "_date_given": dates["given"],
        }
    )


def sex_columns(w: pl.DataFrame, mapping: Mapping[str, str]) -> pl.DataFrame:
    if "sex" not in mapping:
        return pl.DataFrame(
            {
                "stated_sex": _constant(None, w.height, pl.String()),
                "m_SEX_UNREADABLE": _constant(False, w.height, pl.Boolean()),
                "_sex_given": _constant(False, w.height, pl.Boolean()),
            }
        )
    sex = parse_sex(w, "t_sex")
    return sex.select(stated_sex="sex", m_SEX_UNREADABLE="unreadable", _sex_given="given")


def name_columns(w: pl.DataFrame) -> pl.DataFrame:
    # The normalisation lower-cases first, so distinct lower-cased names are enough.
    names = map_distinct(
        w.select(name=pl.col("c_name").str.to_lowercase()),
        ["name"],
        lambda d: d.with_columns(name_normalized=normalize_names_expr(pl.col("name"))),
    )
    return pl.DataFrame(
        {
            "name": w["c_name"],
            "name_normalized": names["name_normalized"],
            "m_NAME_MISSING": w["c_name"].is_null(),
        }
    )


def place_columns(
    w: pl.DataFrame,
    mapping: Mapping[str, str],
    *,
    villages: NameIndex,
    kecamatan: NameIndex | None,
    place: str | None,
    title: TitlePlace | None = None,
) -> pl.DataFrame:
    places = resolve_places(
        w,
        desa="c_desa" if "desa" in mapping else None,
        kecamatan="c_kecamatan" if "kecamatan" in mapping else None,
        villages=villages,
        kecamatan_index=kecamatan,
        place=place,
        title=title,
    )
    return places.rename({c: f"m_{c}" for c in PLACE_CODES})


def phone_columns(w: pl.DataFrame, mapping: Mapping[str, str]) -> pl.DataFrame:
    if "phone" not in mapping:
        return pl.DataFrame(
            {
                "phone": _constant(None, w.height, pl.String()),
                "m_PHONE_INVALID": _constant(False, w.height, pl.Boolean()),
            }
        )
    phones = parse_phones(w, "t_phone", "n_phone" if "n_phone" in w.columns else None)
    return phones.select("phone", m_PHONE_INVALID="invalid")


def occupation_columns(w: pl.DataFrame, classify: Classifier) -> pl.DataFrame:
    texts = w["c_occupation"].drop_nulls().unique().sort().to_list()
    results = classify(texts) if texts else {}
    table = pl.DataFrame(
        {
            "c_occupation": texts,
            "occupation_code": [results[t].code if t in results else None for t in texts],
            "occupation_match": [
                results[t].match if t in results else "unclassified" for t in texts
            ],
        },
        schema={
            "c_occupation": pl.String,
            "occupation_code": pl.String,
            "occupation_match": pl.String,
        },
    )
    joined = w.select("c_occupation").join(
        table, on="c_occupation", how="left", maintain_order="left"
    )
    match = pl.col("occupation_match")
    return joined.select(
        occupation_text="c_occupation",
        occupation_code="occupation_code",
        occupation_match="occupation_match",
        m_OCCUPATION_MISSING=pl.col("c_occupation").is_null(),
        m_OCCUPATION_FUZZY=(match == "fuzzy").fill_null(False),
        m_OCCUPATION_UNCLASSIFIED=(match == "unclassified").fill_null(False),
    )


def income_columns(w: pl.DataFrame, default_income: int) -> pl.DataFrame:
    """``declared_income`` (what the list says the person earns, as given: information, never
    a reason to refuse anyone), ``income_basis`` (the contribution basis: ``default_income``,
    the programme's, whatever the list declares) and the unreadable mask (a warning)."""
    basis = _constant(default_income, w.height, pl.Int64()).alias("income_basis")
    if "t_income" not in w.columns:
        return pl.DataFrame(
            [
                _constant(None, w.height, pl.Int64()).alias("declared_income"),
                basis,
                _constant(False, w.height, pl.Boolean()).alias("m_INCOME_UNREADABLE"),
            ]
        )
    income = parse_income(w, "t_income", "n_income" if "n_income" in w.columns else None)
    out = income.select(
        declared_income=pl.col("income").cast(pl.Int64),
        m_INCOME_UNREADABLE="unreadable",
    )
    return out.with_columns(basis)


def rt_rw_columns(w: pl.DataFrame, mapping: Mapping[str, str]) -> pl.DataFrame:
    if "rt_rw" in mapping:
        source = w.select(t="t_rt_rw")
    elif "rt" in mapping or "rw" in mapping:
        rt = clean_text(_column(w, "t_rt", pl.String()))
        rw = clean_text(_column(w, "t_rw", pl.String()))
        both_empty = rt.is_null() & rw.is_null()
        written = pl.format("RT {} RW {}", rt.fill_null("-"), rw.fill_null("-"))
        source = w.select(t=pl.when(both_empty).then(None).otherwise(written))
    else:
        return pl.DataFrame(
            {
                "rt_rw": _constant(None, w.height, pl.String()),
                "m_RT_RW_INVALID": _constant(False, w.height, pl.Boolean()),
                "_rt_rw_text": _constant(None, w.height, pl.String()),
            }
        )
    parsed = parse_rt_rw(source, "t")
    return pl.DataFrame(
        {"rt_rw": parsed["rt_rw"], "m_RT_RW_INVALID": parsed["invalid"], "_rt_rw_text": source["t"]}
    )


def cell_columns(w: pl.DataFrame, mapping: Mapping[str, str]) -> pl.DataFrame:
    """Masks for formulas without a value and error cells in mapped columns, and for CSV rows
    with more fields than headers."""
    masks: list[pl.Expr] = []
    for name in mapping:
        issue = pl.col(f"x_{name}")
        if f"x_{name}" in w.columns:
            masks.append(
                (issue == "formula").fill_null(False).alias(f"m_CELL_FORMULA_NO_VALUE__{name}")
            )
            masks.append(
                (issue.is_not_null() & (issue != "formula"))
                .fill_null(False)
                .alias(f"m_CELL_ERROR_VALUE__{name}")
            )
    masks.append(_column(w, EXTRA_COLUMN, pl.String()).is_not_null().alias("m_ROW_EXTRA_FIELDS"))
    # with_columns keeps the height when a mask is a literal.
    return w.with_columns(masks).select([m.meta.output_name() for m in masks])


def birth_and_age_columns(
    w: pl.DataFrame, reference_date: date, min_age: int, max_age: int
) -> pl.DataFrame:
    """The birth date and sex kept (stated, else from the NIK when not written), and the
    date/age masks."""
    # Not written, or written so that it cannot be read: the NIK's own date.
    unread = ~pl.col("_date_given") | pl.col("m_BIRTH_DATE_INVALID")
    from_nik = pl.when(unread).then(pl.col("nik_birth_date"))
    out = w.select(
        birth_date=pl.coalesce(pl.col("stated_date"), from_nik),
        sex=pl.coalesce(pl.col("stated_sex"), pl.col("nik_sex")),
        m_BIRTH_DATE_FROM_NIK=~pl.col("_date_given") & pl.col("nik_birth_date").is_not_null(),
        m_SEX_FROM_NIK=~pl.col("_sex_given") & pl.col("nik_sex").is_not_null(),
    )
    born = pl.col("birth_date")
    birthday_later = (born.dt.month().cast(pl.Int32) * 100 + born.dt.day().cast(pl.Int32)) > (
        reference_date.month * 100 + reference_date.day
    )
    out = out.with_columns(
        p_age=reference_date.year - born.dt.year() - birthday_later.cast(pl.Int32),
        _future=(born > pl.lit(reference_date)).fill_null(False),
    )
    return out.with_columns(
        p_min_age=pl.lit(min_age),
        p_max_age=pl.lit(max_age),
        m_BIRTH_DATE_FUTURE=pl.col("_future"),
        m_AGE_BELOW_MINIMUM=(~pl.col("_future") & (pl.col("p_age") < min_age)).fill_null(False),
        m_AGE_ABOVE_MAXIMUM=(pl.col("p_age") > max_age).fill_null(False),
    ).drop("_future")


def hstack(frame: pl.DataFrame, parts: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Add the columns of ``parts`` (same height and order) to ``frame``."""
    return frame.hstack([column for part in parts for column in part.get_columns()])
