"""``jaring national import-pairs``: a region's share of national pairs comes back as flags on
its own people; the other side is only a region to contact."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.national.exports import write_parts
from jaring.national.matching import PAIR_SCHEMA
from jaring.national.models import CrossRegionFlag
from tests.finance.conftest import Signed

Login = Callable[[User], Client]


def import_pairs(*args: str) -> dict:
    out = StringIO()
    call_command("national", "import-pairs", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def pairs_folder(two_regions: dict[str, Signed], folder: Path) -> Path:
    """Kediri's first two people found in Cilegon (Cilegon's first two), and a Kediri id not
    registered here with Cilegon's third."""
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
        folder, {"pairs": pairs}, {"kind": "jaring-national-pairs", "regions": ["35.71", "36.72"]}
    )
    return folder


def test_each_region_gets_its_side(two_regions: dict[str, Signed], tmp_path: Path) -> None:
    kediri = two_regions["35.71"].people["id"].to_list()
    pairs_folder(two_regions, tmp_path / "pairs")
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


def test_a_damaged_or_missing_pairs_part_flags_nobody(
    two_regions: dict[str, Signed], tmp_path: Path
) -> None:
    folder = pairs_folder(two_regions, tmp_path / "pairs")
    part = folder / "pairs.parquet"
    part.write_bytes(part.read_bytes()[:-20] + b"\0" * 20)
    with pytest.raises(CommandError, match="rusak"):
        import_pairs(str(folder))
    part.unlink()
    with pytest.raises(CommandError, match="hilang"):
        import_pairs(str(folder))
    assert not CrossRegionFlag.objects.exists()


def test_the_review_queue_shows_them_with_only_the_region_to_contact(
    two_regions: dict[str, Signed],
    tmp_path: Path,
    make_user: Callable[..., User],
    login: Login,
    django_assert_num_queries: Any,
) -> None:
    import_pairs(str(pairs_folder(two_regions, tmp_path / "pairs")))  # a demo holding both
    kediri = two_regions["35.71"].people
    cilegon = two_regions["36.72"].people
    url = reverse("duplicate-cross-region")

    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    with django_assert_num_queries(6):  # session, user, regions, count, page, region names
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert [flag.person_id for flag, _ in page.context["rows"]] == kediri["id"].to_list()[:2]
    assert html.count("terdaftar di wilayah lain — hubungi Disnaker wilayah itu") == 2
    assert "Kota Cilegon" in html and "36.72" in html
    # Nothing of the other side's person: no name, no NIK, no desa.
    for row in cilegon.iter_rows(named=True):
        assert row["name"] not in html and row["nik"] not in html
        assert row["village_name"] not in html
    # The queue's tabs lead here.
    queue = client.get(reverse("duplicate-queue")).content.decode()
    assert url in queue

    # Cilegon's Disnaker sees its own three, and Kediri only as the region to contact.
    html = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",))).get(url).content.decode()
    assert cilegon["name"][0] in html and "Kota Kediri" in html
    assert not any(name in html for name in kediri["name"].to_list())
    # Roles that do not review duplicates are refused; the national administrator sees all.
    for role in (Role.PROVINCIAL_ADMIN, Role.VILLAGE_OPERATOR, Role.BPJS_VIEWER, Role.AUDITOR):
        user = make_user(f"u-{role.value}", role, ("35.71",))
        assert login(user).get(url).status_code == 403
    national = login(make_user("pusat", Role.NATIONAL_ADMIN)).get(url)
    assert len(national.context["rows"]) == 5  # Kediri 2, Cilegon 3
