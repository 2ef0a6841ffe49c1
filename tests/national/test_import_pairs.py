"""``jaring national import-pairs``: a region's share of national pairs comes back as flags on
its own people; the other side is only a region to contact."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jaring.national.exports import write_parts
from jaring.national.matching import PAIR_SCHEMA
from jaring.national.models import CrossRegionFlag
from tests.finance.conftest import Signed


def import_pairs(*args: str) -> dict:
    out = StringIO()
    call_command("national", "import-pairs", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_each_region_gets_its_side(two_regions: dict[str, Signed], tmp_path: Path) -> None:
    kediri = two_regions["35.71"].people["id"].to_list()
    cilegon = two_regions["36.72"].people["id"].to_list()
    pairs = pl.DataFrame(
        [
            ("35.71", kediri[0], "36.72", cilegon[0], 0.99, 12.0),
            ("35.71", kediri[1], "36.72", cilegon[1], 0.97, 9.0),
            ("35.71", 999_999, "36.72", cilegon[2], 0.96, 8.0),
        ],
        schema=PAIR_SCHEMA,
        orient="row",
    )
    write_parts(
        tmp_path / "pairs",
        {"pairs": pairs},
        {"kind": "jaring-national-pairs", "regions": ["35.71", "36.72"]},
    )
    summary = import_pairs(str(tmp_path / "pairs"), "--region", "35.71")
    assert summary == {"flags": 2, "people": 2, "unknown": 1, "regions": ["35.71"]}
    flag = CrossRegionFlag.objects.get(person_id=kediri[0])
    assert flag.other_region == "36.72" and flag.region_id.startswith("35.71.")
    assert str(flag).endswith("(36.72)") and "Disnaker" in str(flag)
    # Both regions (a demo holding both): every side, and a second import replaces the first.
    summary = import_pairs(str(tmp_path / "pairs"))
    assert summary["flags"] == 5 and summary["regions"] == ["35.71", "36.72"]
    assert CrossRegionFlag.objects.count() == 5


def test_not_a_pairs_folder(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="bukan hasil"):
        import_pairs(str(tmp_path))
