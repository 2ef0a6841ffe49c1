"""``jaring national export`` and the checks of ``read_exports``: what leaves a region (never a
plain NIK or phone), and bad input refused with nothing written."""

from __future__ import annotations

import json
from io import StringIO
from itertools import pairwise
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.audit.models import DataExport
from jaring.core import crypto
from jaring.national.errors import NationalError
from jaring.national.exports import PARTS, nik_index_columns
from jaring.national.parts import read_exports
from tests.finance.conftest import Signed
from tests.national.conftest import OTHER_KEY


def export(output: Path, *args: str) -> dict:
    out = StringIO()
    call_command("national", "export", "--output", str(output), *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_export_carries_national_indexes_never_a_plain_nik_or_phone(
    two_regions: dict[str, Signed], national_key: str, tmp_path: Path
) -> None:
    kediri = two_regions["35.71"].people
    summary = export(tmp_path / "kediri", "--region", "35.71")
    assert summary["region"] == "35.71" and summary["regencies"] == ["35.71"]
    assert summary["rows"] == {"people": 12, "memberships": 12, "paid": 12}
    assert summary["key_fingerprint"] == crypto.key_fingerprint(national_key)

    people = pl.read_parquet(tmp_path / "kediri" / "people.parquet").sort("person_id")
    assert people.schema == pl.Schema(PARTS["people"])
    niks = kediri.sort("id")["nik"].to_list()
    assert people["nik_index"].to_list() == crypto.national_index_many(
        niks, purpose="nik", secret=national_key
    )
    # Not the region's own index either: the national key makes other hashes.
    assert set(people["nik_index"]).isdisjoint(crypto.blind_index_many(niks, purpose="nik"))
    phones = [p for p in kediri["phone"].to_list() if p]
    raw = b"".join(p.read_bytes() for p in (tmp_path / "kediri").iterdir())
    for secret in [*niks, *phones, *(p.lstrip("+") for p in phones)]:
        assert secret.encode() not in raw
    assert people["registered_month"].n_unique() == 1
    assert set(people["region"].str.slice(0, 5)) == {"35.71"}

    memberships = pl.read_parquet(tmp_path / "kediri" / "memberships.parquet")
    assert set(memberships["first_month"]) == {202309} and set(memberships["last_month"]) == {
        202312
    }
    assert set(memberships["last_index"] - memberships["first_index"]) == {3}
    paid = pl.read_parquet(tmp_path / "kediri" / "paid.parquet")
    assert paid.group_by("month").len().sort("month").rows() == [(202309, 6), (202310, 6)]
    assert set(paid["month_index"]) == {2023 * 12 + 8, 2023 * 12 + 9}

    manifest = json.loads((tmp_path / "kediri" / "manifest.json").read_text())
    assert manifest["schema_version"] == 2
    assert {n: p["rows"] for n, p in manifest["parts"].items()} == summary["rows"]
    record = DataExport.objects.get(kind="national_export")
    assert record.row_count == 12 and record.region_code == "35.71"


def test_whole_registry_and_reading_two_exports(
    two_regions: dict[str, Signed], national_key: str, tmp_path: Path
) -> None:
    whole = export(tmp_path / "all")
    assert whole["region"] == "" and whole["regencies"] == ["35.71", "36.72"]
    export(tmp_path / "kediri", "--region", "35.71")
    export(tmp_path / "cilegon", "--region", "36.72")
    read = read_exports([tmp_path / "kediri", tmp_path / "cilegon"])
    assert read.frame("people").height == 20
    assert read.frame("paid").height == 6 * 2 + 8


def test_without_a_national_key_nothing_is_written(
    two_regions: dict[str, Signed], tmp_path: Path
) -> None:
    with override_settings(JARING_NATIONAL_KEY=""), pytest.raises(CommandError, match="belum"):
        export(tmp_path / "out")
    with (
        override_settings(JARING_NATIONAL_KEY="short"),
        pytest.raises(CommandError, match="pendek"),
    ):
        export(tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not DataExport.objects.exists()


def test_a_folder_in_use_is_refused(
    two_regions: dict[str, Signed], national_key: str, tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="tidak kosong"):
        export(tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["notes.txt"]
    with pytest.raises(CommandError, match="tidak dikenal"):
        export(tmp_path / "other", "--region", "99.99")


@pytest.fixture
def exported(two_regions: dict[str, Signed], national_key: str, tmp_path: Path) -> Path:
    export(tmp_path / "kediri", "--region", "35.71")
    export(tmp_path / "cilegon", "--region", "36.72")
    return tmp_path


def test_exports_under_different_keys_are_refused(exported: Path) -> None:
    with override_settings(JARING_NATIONAL_KEY=OTHER_KEY):
        export(exported / "cilegon-other", "--region", "36.72")
    with pytest.raises(NationalError, match="kunci nasional yang berbeda"):
        read_exports([exported / "kediri", exported / "cilegon-other"])


def test_a_region_exported_twice_is_refused(exported: Path) -> None:
    export(exported / "all")
    with pytest.raises(NationalError, match=r"35\.71 diekspor dua kali"):
        read_exports([exported / "kediri", exported / "all"])
    with pytest.raises(NationalError, match="dua kali"):
        read_exports([exported / "kediri", exported / "kediri"])


def test_a_missing_or_corrupt_part_is_refused(exported: Path) -> None:
    (exported / "cilegon" / "paid.parquet").unlink()
    with pytest.raises(NationalError, match=r"paid\.parquet hilang"):
        read_exports([exported / "kediri", exported / "cilegon"])
    people = exported / "kediri" / "people.parquet"
    people.write_bytes(people.read_bytes()[:-40] + b"\0" * 40)
    with pytest.raises(NationalError, match="rusak"):
        read_exports([exported / "kediri"])
    (exported / "kediri" / "manifest.json").write_text("{not json")
    with pytest.raises(NationalError, match="rusak"):
        read_exports([exported / "kediri"])
    with pytest.raises(NationalError, match="bukan ekspor nasional"):
        read_exports([exported])


def _close_on_hashes(a: dict[str, list], b: dict[str, list]) -> bool:
    """:data:`jaring.national.matching.HASHED_REGION_TYPO` in Python, on two NIKs' columns."""
    drops = [f"nik_drop{i}_index" for i in range(6)]
    same = any(a[d][0] == b[d][0] for d in drops)
    crossed = any(a[x][0] == b[y][0] and a[y][0] == b[x][0] for x, y in pairwise(drops))
    return same or crossed


@settings(max_examples=200, deadline=None)
@given(
    nik=st.from_regex(r"\A[0-9]{16}\Z"),
    position=st.integers(0, 5),
    shift=st.integers(1, 9),
    other=st.integers(0, 5),
)
def test_a_kecamatan_digit_slip_shares_a_hash_another_kecamatan_does_not(
    nik: str, position: int, shift: int, other: int
) -> None:
    """One kecamatan digit wrong, or two neighbouring ones swapped, leaves one hash of the NIK
    with a digit left out in common; two digits wrong (not a swap) leaves none."""
    key = OTHER_KEY
    columns = nik_index_columns([nik], key)
    slip = nik[:position] + str((int(nik[position]) + shift) % 10) + nik[position + 1 :]
    assert _close_on_hashes(columns, nik_index_columns([slip], key))
    swapped = nik[:position] + nik[position + 1] + nik[position] + nik[position + 2 :]
    if swapped != nik and position < 5:
        assert _close_on_hashes(columns, nik_index_columns([swapped], key))
    if other != position:
        two = slip[:other] + str((int(slip[other]) + shift) % 10) + slip[other + 1 :]
        is_swap = abs(other - position) == 1 and sorted(two[:6]) == sorted(nik[:6])
        if not is_swap:
            assert not _close_on_hashes(columns, nik_index_columns([two], key))
    # The plain digits are nowhere: each column is a keyed 64-bit hash.
    assert all(isinstance(columns[f"nik_drop{i}_index"][0], int) for i in range(6))
