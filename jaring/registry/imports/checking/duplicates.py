"""The same NIK more than once in one file.

* Every occurrence equal after normalisation (same normalised name, birth date, sex, birth
  place, address, RT/RW, village, phone, occupation, income): an *identical repeat*. The first
  occurrence stays as it is; each later one gets ``NIK_DUPLICATE_IN_FILE`` (warning) and
  ``duplicate_of`` = the first occurrence's row (``duplicate_of_sheet`` its sheet), so the
  commit saves the person once.
* Any difference between occurrences: a *conflict*. Every occurrence gets
  ``NIK_DUPLICATE_CONFLICT`` (error, all rejected): which one is right cannot be known.

Only rows whose NIK was recovered (16 digits) take part. The comparison hashes one struct of
the normalised fields per row and counts distinct hashes per NIK, column-wise.
"""

from __future__ import annotations

import polars as pl

SIGNATURE_FIELDS: tuple[str, ...] = (
    "name_normalized",
    "birth_date",
    "sex",
    "birth_place",
    "address",
    "rt_rw",
    "village_code",
    "phone",
    "occupation_code",
    "occupation_text",
    "income_basis",
)
_ROWS_SHOWN = 10


def _signature() -> pl.Expr:
    folded = [
        pl.col(c).str.to_lowercase()
        if c in ("birth_place", "address", "occupation_text")
        else pl.col(c)
        for c in SIGNATURE_FIELDS
    ]
    # A classified occupation compares by category, an unclassified one by its text.
    folded[SIGNATURE_FIELDS.index("occupation_text")] = pl.when(
        pl.col("occupation_code").is_null()
    ).then(folded[SIGNATURE_FIELDS.index("occupation_text")])
    return pl.struct(folded).hash(seed=0)


def flag_duplicates(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``m_NIK_DUPLICATE_IN_FILE``, ``m_NIK_DUPLICATE_CONFLICT``, ``duplicate_of``,
    ``duplicate_of_sheet`` and message parameters ``p_dup_count``, ``p_dup_rows``.
    ``frame`` is in file order (sheet by sheet, row by row)."""
    repeated = (
        frame.lazy()
        # The NIK as a number (16 digits fit in Int64) makes the duplicate test cheap.
        .filter(pl.col("nik").is_not_null() & pl.col("nik_number").is_duplicated())
        .select("_i", "nik", "_sheet", "_row", _signature().alias("_sig"))
        .with_columns(_count=pl.len().over("nik"))
        .collect()
    )
    grouped = repeated.with_columns(
        _variants=pl.col("_sig").n_unique().over("nik"),
        _rank=pl.int_range(pl.len()).over("nik"),
        duplicate_of=pl.col("_row").first().over("nik"),
        duplicate_of_sheet=pl.col("_sheet").first().over("nik"),
        p_dup_rows=pl.col("_row").head(_ROWS_SHOWN).cast(pl.String).str.join(", ").over("nik"),
    )
    grouped = grouped.select(
        "_i",
        m_NIK_DUPLICATE_IN_FILE=(pl.col("_variants") == 1) & (pl.col("_rank") > 0),
        m_NIK_DUPLICATE_CONFLICT=pl.col("_variants") > 1,
        duplicate_of=pl.when((pl.col("_variants") == 1) & (pl.col("_rank") > 0)).then(
            pl.col("duplicate_of")
        ),
        duplicate_of_sheet=pl.when((pl.col("_variants") == 1) & (pl.col("_rank") > 0)).then(
            pl.col("duplicate_of_sheet")
        ),
        p_dup_count=pl.col("_count").cast(pl.String),
        p_dup_rows=pl.when(pl.col("_count") > _ROWS_SHOWN)
        .then(pl.col("p_dup_rows") + ", …")
        .otherwise(pl.col("p_dup_rows")),
    )
    # Join onto the row index only, then add the columns: the wide frame is never copied.
    added = (
        frame.select("_i")
        .join(grouped, on="_i", how="left", maintain_order="left")
        .drop("_i")
        .with_columns(
            pl.col("m_NIK_DUPLICATE_IN_FILE").fill_null(False),
            pl.col("m_NIK_DUPLICATE_CONFLICT").fill_null(False),
        )
    )
    return frame.hstack(added.get_columns())
