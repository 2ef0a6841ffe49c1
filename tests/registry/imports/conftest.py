"""Fixtures of the import front-end tests: region indexes from the packaged file (no database),
a checker with the demo classifier, and small files written on the fly."""

from __future__ import annotations

import struct
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jaring.regions.datafiles import read_region_file
from jaring.registry.imports.checking import CheckedTable, check_table
from jaring.registry.imports.reading import RawTable, read_table
from jaring.registry.imports.reading.mapping import guess_mapping
from jaring.registry.occupations import classify_occupations
from jaring.synthetic.messy import region_indexes

REFERENCE = date(2026, 1, 1)
KEDIRI = "35.71"  # Kota Kediri: 46 kelurahan, 3 kecamatan, every name unique
PEKALONGAN = "33.26"  # Kab. Pekalongan: village names shared across kecamatan
JAYAPURA = "91.03"  # Kab. Jayapura: NIKs above 2**53


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Today's kab/kota and kecamatan codes, as the pipeline passes them."""
    table = read_region_file()
    return frozenset(table.filter(pl.col("level").is_in([2, 3]))["code"].to_list())


def run_check(table: RawTable, regency: str = KEDIRI, **kwargs: Any) -> CheckedTable:
    villages, kecamatan = region_indexes(regency)
    mapping = kwargs.pop("mapping", None) or guess_mapping(table.headers)
    return check_table(
        table,
        mapping,
        villages=villages,
        kecamatan=kecamatan,
        classify=kwargs.pop("classify", classify_occupations),
        reference_date=kwargs.pop("reference_date", REFERENCE),
        **kwargs,
    )


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "daftar.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def check_csv(write_csv: Callable[..., Path]) -> Callable[..., CheckedTable]:
    def check(text: str, **kwargs: Any) -> CheckedTable:
        return run_check(read_table(write_csv(text)), **kwargs)

    return check


def codes_of(checked: CheckedTable, row: int) -> set[str]:
    return set(checked.problems.filter(checked.problems["_row"] == row)["code"].to_list())


def state_of(checked: CheckedTable, row: int) -> str:
    return str(checked.rows.filter(checked.rows["_row"] == row)["state"].item())


def encrypted_workbook_bytes() -> bytes:
    """A minimal OLE compound file holding the streams of an encrypted OOXML package
    (EncryptionInfo, EncryptedPackage): what Excel writes for a password-protected .xlsx."""
    sector = 512
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    stream_sectors = 8  # 4096 bytes each: regular sectors, no mini stream needed
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # directory starts at sector 1
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<III", header, 60, end, 0, end)
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0] = FAT at sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, free)
    fat = [fat_sector, end]
    for first in (2, 2 + stream_sectors):
        fat += [first + k + 1 for k in range(stream_sectors - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, free, right, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    directory = (
        entry("Root Entry", 5, 1, free, end, 0)
        + entry("EncryptionInfo", 2, free, 2, 2, sector * stream_sectors)
        + entry("EncryptedPackage", 2, free, free, 2 + stream_sectors, sector * stream_sectors)
        + bytes(128)
    )
    body = struct.pack(f"<{sector // 4}I", *fat) + directory
    return bytes(header) + body + bytes(sector * stream_sectors * 2)
