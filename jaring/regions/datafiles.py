"""The reference data files packaged with Jaring, readable without Django or a database."""

from __future__ import annotations

from pathlib import Path

import polars as pl

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = "wilayah_kemendagri_2025.csv.gz"
BOUNDARY_FILES = (
    "batas_provinsi_2025.geojson.gz",
    "batas_kabkota_2025.geojson.gz",
    "batas_kecamatan_2025.geojson.gz",
)
SAKERNAS_KABKOTA_FILE = "sakernas_2025_08_pekerja_kabkota.csv.gz"
SAKERNAS_PROVINCE_FILE = "sakernas_2025_08_pekerja_provinsi.csv.gz"


class DataFileMissingError(Exception):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Berkas data {path} tidak ada. Pasang ulang Jaring (pip install -e .) atau salin "
            "berkas itu dari repositori ke folder jaring/regions/data/."
        )


def read_region_file(path: Path = DATA_DIR / REGIONS_FILE) -> pl.DataFrame:
    """The Kemendagri table: code, code_digits, name, level, level_name, kind, parent_code."""
    if not path.exists():
        raise DataFileMissingError(path)
    return pl.read_csv(
        path,
        schema_overrides={"code": pl.String, "code_digits": pl.String, "parent_code": pl.String},
    )
