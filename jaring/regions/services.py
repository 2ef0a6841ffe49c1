"""Loading the packaged reference data: regions, boundaries, BPS working population.

Each file is loaded in one transaction and recorded with its SHA-256 in :class:`DatasetLoad`;
loading an unchanged file again is a no-op, and loading a changed one updates rows in place
(upsert on the code), so ``jaring regions load`` is safe to run at any time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction

from jaring.regions.datafiles import (
    BOUNDARY_FILES,
    DATA_DIR,
    REGIONS_FILE,
    SAKERNAS_KABKOTA_FILE,
    SAKERNAS_PROVINCE_FILE,
    DataFileMissingError,
    read_region_file,
)
from jaring.regions.models import (
    DatasetLoad,
    PopulationSource,
    Region,
    RegionBoundary,
    RegionLevel,
    WorkingPopulation,
)
from jaring.regions.names import name_key, strip_prefix

SAKERNAS_YEAR = 2025
_BATCH = 2000


@dataclass(frozen=True)
class LoadResult:
    dataset: str
    rows: int
    skipped: bool


def _sha256(path: Path) -> str:
    if not path.exists():
        raise DataFileMissingError(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_once(name: str, path: Path, loader: Callable[[Path], int], force: bool) -> LoadResult:
    digest = _sha256(path)
    previous = DatasetLoad.objects.filter(name=name).first()
    if previous and previous.sha256 == digest and not force:
        return LoadResult(name, previous.rows, skipped=True)
    with transaction.atomic():
        rows = loader(path)
        DatasetLoad.objects.update_or_create(name=name, defaults={"sha256": digest, "rows": rows})
    return LoadResult(name, rows, skipped=False)


def _load_regions(path: Path) -> int:
    frame = read_region_file(path)
    regions = [
        Region(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            kind=row["kind"],
            parent_id=row["parent_code"] or None,
            # Regency names carry "Kabupaten"/"Kota"; the written kind is checked separately.
            name_key=name_key(
                strip_prefix(row["name"]) if row["level"] == RegionLevel.REGENCY else row["name"]
            ),
        )
        for row in frame.sort("level").iter_rows(named=True)
    ]
    Region.objects.bulk_create(
        regions,
        batch_size=_BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "level", "kind", "parent", "name_key"],
    )
    return len(regions)


def _load_boundaries(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    boundaries = [
        RegionBoundary(
            region_id=f["properties"]["code"],
            geometry=json.dumps(f["geometry"], separators=(",", ":")),
            centroid_lat=f["properties"]["centroid_lat"],
            centroid_lng=f["properties"]["centroid_lng"],
        )
        for f in features
    ]
    RegionBoundary.objects.bulk_create(
        boundaries,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["region"],
        update_fields=["geometry", "centroid_lat", "centroid_lng"],
    )
    return len(boundaries)


def _upsert_population(rows: list[WorkingPopulation]) -> int:
    WorkingPopulation.objects.bulk_create(
        rows,
        batch_size=_BATCH,
        update_conflicts=True,
        unique_fields=["region", "year", "source"],
        update_fields=["employed_total", "employed_informal", "note"],
    )
    return len(rows)


def _load_sakernas_kabkota(path: Path) -> int:
    frame = pl.read_csv(path, schema_overrides={"code": pl.String})
    return _upsert_population(
        [
            WorkingPopulation(
                region_id=row["code"],
                year=SAKERNAS_YEAR,
                source=PopulationSource.SAKERNAS_AUGUST,
                employed_total=row["employed_total"],
                employed_informal=row["employed_informal"],
                note="BPS, Sakernas Agustus 2025",
            )
            for row in frame.iter_rows(named=True)
        ]
    )


def _load_sakernas_province(path: Path) -> int:
    frame = pl.read_csv(path, schema_overrides={"code": pl.String})
    return _upsert_population(
        [
            WorkingPopulation(
                region_id=row["code"],
                year=SAKERNAS_YEAR,
                source=PopulationSource.SAKERNAS_AUGUST,
                employed_total=row["employed_total_sum_kabkota"],
                employed_informal=row["employed_informal_sum_kabkota"],
                # BPS publishes no provincial count in this release (see data README).
                note="BPS, Sakernas Agustus 2025; jumlah perkiraan kab/kota",
            )
            for row in frame.iter_rows(named=True)
        ]
    )


def regions_load(*, data_dir: Path = DATA_DIR, force: bool = False) -> list[LoadResult]:
    """Load every packaged dataset; unchanged files are skipped unless ``force``."""
    steps: list[tuple[str, str, Callable[[Path], int]]] = [
        ("regions", REGIONS_FILE, _load_regions),
        *[(f"boundaries:{name}", name, _load_boundaries) for name in BOUNDARY_FILES],
        ("population:kabkota", SAKERNAS_KABKOTA_FILE, _load_sakernas_kabkota),
        ("population:provinsi", SAKERNAS_PROVINCE_FILE, _load_sakernas_province),
    ]
    for _name, file_name, _loader in steps:  # fail before writing anything
        if not (data_dir / file_name).exists():
            raise DataFileMissingError(data_dir / file_name)
    return [_load_once(name, data_dir / file, loader, force) for name, file, loader in steps]
