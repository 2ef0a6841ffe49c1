"""The Kemendagri region table: complete, idempotent to load, and findable by written names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db.models import Sum

from jaring.regions.datafiles import DATA_DIR, REGIONS_FILE, DataFileMissingError
from jaring.regions.models import (
    DatasetLoad,
    PopulationSource,
    Region,
    RegionBoundary,
    RegionLevel,
    WorkingPopulation,
)
from jaring.regions.selectors import region_counts_by_level, region_lookup
from jaring.regions.services import regions_load

pytestmark = pytest.mark.django_db


def test_every_region_down_to_desa_is_loaded() -> None:
    assert region_counts_by_level() == {
        "provinsi": 38,
        "kabupaten_kota": 514,
        "kecamatan": 7285,
        "desa_kelurahan": 83762,
    }
    assert Region.objects.get(code="33.10.19.2018").name == "Wunut"
    assert Region.objects.get(code="33.10.19.2018").parent.parent.name == "Kabupaten Klaten"
    assert Region.objects.get(code="35.71").kind == "kota"


def test_boundaries_and_working_population_are_loaded() -> None:
    assert RegionBoundary.objects.count() == 38 + 514 + 7285
    kediri = WorkingPopulation.objects.get(
        region_id="35.71", year=2025, source=PopulationSource.SAKERNAS_AUGUST
    )
    assert (kediri.employed_total, kediri.employed_informal) == (161_496, 74_182)
    assert kediri.employed_formal == 161_496 - 74_182
    national = WorkingPopulation.objects.filter(region__level=RegionLevel.REGENCY).aggregate(
        total=Sum("employed_total")
    )
    assert national["total"] == 146_541_299  # BPS Sakernas Aug 2025, summed over 514 kab/kota


def test_loading_again_changes_nothing_and_is_skipped() -> None:
    before = list(DatasetLoad.objects.order_by("name").values_list("name", "sha256", "rows"))
    results = regions_load()
    assert all(r.skipped for r in results)
    assert (
        list(DatasetLoad.objects.order_by("name").values_list("name", "sha256", "rows")) == before
    )
    forced = regions_load(force=True)
    assert not any(r.skipped for r in forced)
    assert Region.objects.count() == 91_599


def test_a_missing_data_file_is_reported_before_anything_is_written(tmp_path: Path) -> None:
    shutil.copy(DATA_DIR / REGIONS_FILE, tmp_path / REGIONS_FILE)
    with pytest.raises(DataFileMissingError, match="batas_provinsi_2025"):
        regions_load(data_dir=tmp_path, force=True)


@pytest.mark.parametrize(
    ("written", "within", "level", "expected"),
    [
        ("Kel. Bandar Lor", "35.71", RegionLevel.VILLAGE, "35.71.01.1001"),
        ("KELURAHAN BANDAR LOR", "35.71", RegionLevel.VILLAGE, "35.71.01.1001"),
        ("bandarlor", "35.71", RegionLevel.VILLAGE, "35.71.01.1001"),
        ("DESA WUNUT", "33.10", RegionLevel.VILLAGE, "33.10.19.2018"),
        ("Ds. Wunut", "33.10.19", RegionLevel.VILLAGE, "33.10.19.2018"),
        ("Kec Tulung", "33.10", RegionLevel.DISTRICT, "33.10.19"),
        ("Kecamatan Tulung", "33.10", RegionLevel.DISTRICT, "33.10.19"),
        ("Pasir Kraton Kramat", "33.75", RegionLevel.VILLAGE, "33.75.01.1008"),
        ("Kota Kediri", "35", RegionLevel.REGENCY, "35.71"),
        ("Kab. Kediri", "35", RegionLevel.REGENCY, "35.06"),
        ("Kabupaten Mojokerto", "35", RegionLevel.REGENCY, "35.16"),
    ],
)
def test_written_names_resolve_exactly(
    written: str, within: str, level: RegionLevel, expected: str
) -> None:
    match = region_lookup(within=within, names=[written], level=level)[written]
    assert (match.status, match.code) == ("exact", expected)


def test_misspelt_names_resolve_fuzzily_and_unknown_names_do_not() -> None:
    found = region_lookup(
        within="35.71",
        names=["Bandar Lorr", "Kel Banjar melati", "Gotham"],
        level=RegionLevel.VILLAGE,
    )
    assert (found["Bandar Lorr"].status, found["Bandar Lorr"].code) == ("fuzzy", "35.71.01.1001")
    assert found["Kel Banjar melati"].code == "35.71.01.1003"  # Banjarmlati
    assert found["Gotham"].status == "not_found"


def test_a_name_shared_by_two_regions_is_ambiguous_not_guessed() -> None:
    match = region_lookup(within="35", names=["Kediri"], level=RegionLevel.REGENCY)["Kediri"]
    assert match.status == "ambiguous"
    assert set(match.candidates) == {"35.06", "35.71"}
    assert match.code is None
