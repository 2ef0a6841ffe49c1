"""The same NIK more than once in one file.

A NIK is one person (RULES.md §3), so the rows of one NIK are compared by who they describe:
the name after normalisation and the birth date.

* Every occurrence names the same person: the first occurrence stays as it is; each later one
  points at it (``duplicate_of`` = its row, ``duplicate_of_sheet`` its sheet), so the commit
  saves the person once, and gets ``NIK_DUPLICATE_IN_FILE`` (a warning) when everything else is
  equal too, else ``NIK_DUPLICATE_SAME_PERSON`` (a warning naming the columns, as the file heads
  them, that differ from the first occurrence: an address written differently, another phone).
  Both count in ``duplicates_in_file``.
* Occurrences name different people (another name or birth date under one NIK): a *conflict*.
  Every occurrence gets ``NIK_DUPLICATE_CONFLICT`` and is **held**: a person picks the right row
  or neither; none is refused and none is saved meanwhile.

Only rows whose NIK was recovered (16 digits) take part. The comparison hashes one struct per
row and counts distinct hashes per NIK, column-wise.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

#: Who a row describes: rows of one NIK agreeing on these are one person.
IDENTITY_FIELDS: tuple[str, ...] = ("name_normalized", "birth_date")
#: The other values compared with the first occurrence, with the field whose column the file
#: heads them with (the header names what differs, in the file's own words).
OTHER_FIELDS: dict[str, str] = {
    "sex": "sex",
    "birth_place": "birth_place",
    "address": "address",
    "rt_rw": "rt_rw",
    "village_code": "desa",
    "phone": "phone",
    "occupation": "occupation",
    "declared_income": "income",
}
#: Fields stored under another name, or read from one of several columns.
_HEADER_OF: dict[str, tuple[str, ...]] = {
    "birth_place": ("birth_place", "birth_place_date"),
    "rt_rw": ("rt_rw", "rt", "rw"),
}
_ROWS_SHOWN = 10


def _folded(column: str) -> pl.Expr:
    if column in ("birth_place", "address"):
        return pl.col(column).str.to_lowercase().str.replace_all(r"[\s.,]+", " ").str.strip_chars()
    if column == "occupation":
        # A classified occupation compares by category, an unclassified one by its text.
        return pl.coalesce(pl.col("occupation_code"), pl.col("occupation_text").str.to_lowercase())
    return pl.col(column)


def _header(field: str, headers: Mapping[str, str]) -> str | None:
    for name in _HEADER_OF.get(field, (field,)):
        if name in headers:
            return headers[name]
    return None


def flag_duplicates(frame: pl.DataFrame, headers: Mapping[str, str]) -> pl.DataFrame:
    """Add ``m_NIK_DUPLICATE_IN_FILE``, ``m_NIK_DUPLICATE_SAME_PERSON``,
    ``m_NIK_DUPLICATE_CONFLICT``, ``duplicate_of``, ``duplicate_of_sheet`` and message
    parameters ``p_dup_count``, ``p_dup_rows``, ``p_dup_differs``. ``frame`` is in file order
    (sheet by sheet, row by row); ``headers`` is the mapping (field → the file's header)."""
    compared = {
        column: header
        for column, field in OTHER_FIELDS.items()
        if (header := _header(field, headers)) is not None
    }
    repeated = (
        frame.lazy()
        # The NIK as a number (16 digits fit in Int64) makes the duplicate test cheap.
        .filter(pl.col("nik").is_not_null() & pl.col("nik_number").is_duplicated())
        .select(
            "_i",
            "nik",
            "_sheet",
            "_row",
            pl.struct(IDENTITY_FIELDS).hash(seed=0).alias("_who"),
            *[_folded(column).alias(f"_v{n}") for n, column in enumerate(compared)],
        )
        .with_columns(_count=pl.len().over("nik"))
        .collect()
    )
    differs = [
        pl.when(pl.col(f"_v{n}").ne_missing(pl.col(f"_v{n}").first().over("nik"))).then(
            pl.lit(header)
        )
        for n, header in enumerate(compared.values())
    ]
    grouped = repeated.with_columns(
        _people=pl.col("_who").n_unique().over("nik"),
        _rank=pl.int_range(pl.len()).over("nik"),
        duplicate_of=pl.col("_row").first().over("nik"),
        duplicate_of_sheet=pl.col("_sheet").first().over("nik"),
        p_dup_rows=pl.col("_row").head(_ROWS_SHOWN).cast(pl.String).str.join(", ").over("nik"),
        p_dup_differs=(
            pl.concat_list(differs).list.drop_nulls().list.join(", ") if differs else pl.lit("")
        ),
    )
    repeat = (pl.col("_people") == 1) & (pl.col("_rank") > 0)
    grouped = grouped.select(
        "_i",
        m_NIK_DUPLICATE_IN_FILE=repeat & (pl.col("p_dup_differs") == ""),
        m_NIK_DUPLICATE_SAME_PERSON=repeat & (pl.col("p_dup_differs") != ""),
        m_NIK_DUPLICATE_CONFLICT=pl.col("_people") > 1,
        duplicate_of=pl.when(repeat).then(pl.col("duplicate_of")),
        duplicate_of_sheet=pl.when(repeat).then(pl.col("duplicate_of_sheet")),
        p_dup_count=pl.col("_count").cast(pl.String),
        p_dup_rows=pl.when(pl.col("_count") > _ROWS_SHOWN)
        .then(pl.col("p_dup_rows") + ", …")
        .otherwise(pl.col("p_dup_rows")),
        p_dup_differs=pl.when(repeat).then(pl.col("p_dup_differs")),
    )
    # Join onto the row index only, then add the columns: the wide frame is never copied.
    added = (
        frame.select("_i")
        .join(grouped, on="_i", how="left", maintain_order="left")
        .drop("_i")
        .with_columns(
            pl.col("m_NIK_DUPLICATE_IN_FILE").fill_null(False),
            pl.col("m_NIK_DUPLICATE_SAME_PERSON").fill_null(False),
            pl.col("m_NIK_DUPLICATE_CONFLICT").fill_null(False),
        )
    )
    return frame.hstack(added.get_columns())
