"""Messy synthetic lists with ground truth, for tests, benchmarks and the demo.

:func:`write_messy_file` takes clean synthetic workers (:func:`jaring.synthetic.people.
generate_people`), writes them the way kelurahan lists look — title rows, Indonesian header
variants, every date format, NIKs typed in number cells, semicolon CSV in Windows-1252 — and
damages chosen shares of rows (:class:`DamageRates`). The :class:`GroundTruth` it returns says,
for every row, the state and problem codes the checker must give, worked out from the injected
damage (:mod:`.damage`), not by running the checker.

The expectations assume the occupation classifier (:func:`jaring.registry.occupations.
classify_occupations`, without local synonyms), the village and kecamatan
indexes of :func:`region_indexes` (the same regions the database holds), no default village,
the default rules configuration and ``check_table(reference_date=truth.reference_date)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import polars as pl

from jaring.regions.datafiles import read_region_file
from jaring.regions.names import name_key
from jaring.registry.imports.problems import severity_of
from jaring.synthetic.messy.damage import (
    DamageRates,
)
from jaring.synthetic.messy.rows import MessyRows, damage_rows
from jaring.synthetic.messy.write import write_csv, write_xlsx
from jaring.synthetic.people import generate_people

if TYPE_CHECKING:
    from jaring.regions.selectors import NameIndex

__all__ = [
    "DamageRates",
    "GroundTruth",
    "region_indexes",
    "write_messy_file",
]


@lru_cache(maxsize=8)
def region_indexes(regency: str) -> tuple[NameIndex, NameIndex]:
    """(villages, kecamatan) name indexes of kab/kota ``regency`` from the packaged region file
    (no database): what the lead builds from the Region table."""
    from jaring.regions.models import RegionLevel
    from jaring.regions.selectors import NamedRegion, NameIndex

    table = read_region_file().filter(pl.col("code").str.starts_with(f"{regency}."))

    def index(level: int, kind: RegionLevel) -> NameIndex:
        rows = table.filter(pl.col("level") == level).select("code", "name", "kind").iter_rows()
        return NameIndex((NamedRegion(c, n, name_key(n), k) for c, n, k in rows), level=kind)

    return index(4, RegionLevel.VILLAGE), index(3, RegionLevel.DISTRICT)


@dataclass(frozen=True)
class GroundTruth:
    """What the checker must find in the written file.

    ``summary`` has the keys of :meth:`CheckedTable.summary`; ``rows`` has, per data row,
    ``_sheet``, ``_row``, ``state``, ``codes`` (sorted list), ``kind`` (the damage injected),
    ``nik`` (the 16 digits the checker must recover, or null), ``duplicate_of`` and
    ``in_registry`` (the person came from ``existing``).
    """

    path: Path
    fmt: str
    regency: str
    reference_date: date
    summary: dict[str, Any]
    rows: pl.DataFrame
    headers: dict[str, str]
    sheets: tuple[str, ...]
    encoding: str | None = None
    separator: str | None = None


def _expected_summary(rows: pl.DataFrame) -> dict[str, Any]:
    codes = rows.select(pl.col("codes").explode().drop_nulls()).to_series()
    counts = codes.value_counts().sort(codes.name)
    states = rows["state"].value_counts()
    by_state = dict(zip(states["state"].to_list(), states["count"].to_list(), strict=True))
    problems = dict(zip(counts[codes.name].to_list(), counts["count"].to_list(), strict=True))
    return {
        "rows": rows.height,
        "accepted": by_state.get("accepted", 0),
        "warnings": by_state.get("warning", 0),
        "held": by_state.get("held", 0),
        "rejected": by_state.get("rejected", 0),
        "problems": problems,
        "duplicates_in_file": problems.get("NIK_DUPLICATE_IN_FILE", 0)
        + problems.get("NIK_DUPLICATE_SAME_PERSON", 0),
        "conflicting_rows": problems.get("NIK_DUPLICATE_CONFLICT", 0),
        "skipped_rows": 0,
    }


def _with_duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Duplicate codes from the expected NIKs. Rows of one NIK describing one person: every
    later row repeats the first — an identical repeat when it has the first row's origin (an
    exact copy), else a repeat of the same person written differently (another address).
    Rows of one NIK describing several people conflict, all of them. One person is who the
    checker sees: the same normalised name and birth date (two people the generator made may
    be one there); a row whose damage wrote another birth date is its own ``who``."""
    person = pl.struct(
        "name_normalized",
        "birth_date",
        pl.when(pl.col("birth_date").is_null()).then(pl.col("who")).alias("_who"),
    )
    grouped = rows.with_columns(
        _n=pl.when(pl.col("nik").is_not_null()).then(pl.len().over("nik")).otherwise(0),
        _people=person.n_unique().over("nik"),
        _first_origin=pl.col("origin").first().over("nik"),
        _rank=pl.int_range(pl.len()).over("nik"),
        _first_row=pl.col("_row").first().over("nik"),
        _first_sheet=pl.col("_sheet").first().over("nik"),
    )
    repeat = (pl.col("_n") > 1) & (pl.col("_rank") > 0) & (pl.col("_people") == 1)
    conflict = (pl.col("_n") > 1) & (pl.col("_people") > 1)
    extra = (
        pl.when(conflict)
        .then(pl.lit(["NIK_DUPLICATE_CONFLICT"]))
        .when(repeat & (pl.col("origin") == pl.col("_first_origin")))
        .then(pl.lit(["NIK_DUPLICATE_IN_FILE"]))
        .when(repeat)
        .then(pl.lit(["NIK_DUPLICATE_SAME_PERSON"]))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )
    return grouped.with_columns(
        codes=pl.concat_list("codes", extra).list.unique().list.sort(),
        duplicate_of=pl.when(repeat).then(pl.col("_first_row")),
        duplicate_of_sheet=pl.when(repeat).then(pl.col("_first_sheet")),
    ).drop("_n", "_people", "_first_origin", "_rank", "_first_row", "_first_sheet")


def _states(rows: pl.DataFrame) -> pl.Series:
    """accepted / warning / held / rejected from the expected codes and the registries'
    severities."""
    distinct = rows["codes"].explode().drop_nulls().unique().to_list()
    errors = [c for c in distinct if severity_of(c) == "error"]
    holds = [c for c in distinct if severity_of(c) == "hold"]
    has_error = pl.col("codes").list.eval(pl.element().is_in(errors)).list.any()
    has_hold = pl.col("codes").list.eval(pl.element().is_in(holds)).list.any()
    return rows.select(
        pl.when(has_error)
        .then(pl.lit("rejected"))
        .when(has_hold)
        .then(pl.lit("held"))
        .when(pl.col("codes").list.len() > 0)
        .then(pl.lit("warning"))
        .otherwise(pl.lit("accepted"))
        .alias("state")
    ).to_series()


def write_messy_file(
    path: str | Path,
    *,
    rows: int,
    regency: str,
    seed: int,
    fmt: Literal["csv", "xlsx"],
    rates: DamageRates | None = None,
    existing: pl.DataFrame | None = None,
    title_rows: bool = True,
    header_style: Literal["random", "standard", "upper", "two-row"] = "random",
    sheets: int = 1,
    csv_style: Literal["random", "comma-utf8", "semicolon-cp1252"] = "random",
    merge_villages: bool = False,
    reference_date: date = date(2026, 1, 1),
) -> GroundTruth:
    """Write ``rows`` data rows (people plus in-file duplicates) of kab/kota ``regency`` to
    ``path`` as ``fmt``, damaged at ``rates`` (default :class:`DamageRates`), and return what
    the checker must find. ``existing`` (a frame like :func:`generate_people`'s) supplies people
    already in the registry for a share ``rates.existing`` of rows. ``sheets`` splits an xlsx
    over several sheets; ``merge_villages`` merges runs of equal village cells (xlsx);
    ``header_style="two-row"`` groups birth place and date, and the address columns, under
    merged parent cells with sub-headers below, and writes sex as a tick under "L" or "P"
    below "Jenis Kelamin" (both ticked when it was unreadable, neither when missing)."""
    rates = rates or DamageRates()
    rng = np.random.default_rng(seed)
    n_identical = int(rows * rates.identical_duplicates)
    n_conflicting = int(rows * rates.conflicting_duplicates)
    n_people = max(rows - n_identical - n_conflicting, 0)
    people = generate_people(n_people, regency=regency, seed=seed, reference_date=reference_date)
    villages, kecamatan = region_indexes(regency)
    messy: MessyRows = damage_rows(
        people,
        rng=rng,
        rates=rates,
        fmt=fmt,
        regency=regency,
        villages=villages,
        existing=existing,
        n_identical=n_identical,
        n_conflicting=n_conflicting,
        reference_date=reference_date,
        merge_villages=merge_villages and fmt == "xlsx",
    )
    del kecamatan  # the kecamatan column is written exactly; its index is the checker's
    path = Path(path)
    if fmt == "csv":
        layout = write_csv(
            path,
            messy,
            rng=rng,
            title_rows=title_rows,
            header_style=header_style,
            csv_style=csv_style,
            regency=regency,
        )
    elif fmt == "xlsx":
        layout = write_xlsx(
            path,
            messy,
            rng=rng,
            title_rows=title_rows,
            header_style=header_style,
            sheets=sheets,
            merge_villages=merge_villages,
            regency=regency,
        )
    else:
        raise ValueError(f"unknown format {fmt!r}")
    truth_rows = messy.expected.with_columns(
        _sheet=pl.Series(layout.sheet_of_row, dtype=pl.String),
        _row=pl.Series(layout.row_numbers, dtype=pl.Int64),
    )
    truth_rows = _with_duplicates(truth_rows)
    truth_rows = truth_rows.with_columns(state=_states(truth_rows)).select(
        "_sheet",
        "_row",
        "state",
        "codes",
        "kind",
        "nik",
        "duplicate_of",
        "duplicate_of_sheet",
        "in_registry",
    )
    return GroundTruth(
        path=path,
        fmt=fmt,
        regency=regency,
        reference_date=reference_date,
        summary=_expected_summary(truth_rows),
        rows=truth_rows,
        headers=layout.headers,
        sheets=layout.sheets,
        encoding=layout.encoding,
        separator=layout.separator,
    )
