"""The membership tally: "in a signed SK" per region and month, kept by signing in its own
transaction and equal to a recomputation from the memberships."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command

from jaring.programmes.models import Membership, Programme
from jaring.programmes.selectors import (
    membership_tally_children,
    membership_tally_months,
    membership_tally_totals,
)
from jaring.programmes.services import (
    decree_draft,
    decree_sign,
    entry_remove,
    programme_create,
    programme_update,
)
from jaring.programmes.tallies import membership_tally_differences, membership_tally_rebuild
from jaring.registry.models import Person, PersonStatus
from jaring.rules.months import Month
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db


def _programme(**fields: object) -> Programme:
    values: dict[str, object] = {
        "user": None,
        "region_code": "35.71",
        "name": "Jamsostek pekerja rentan DBHCHT",
        "year": 2023,
        "funder": "dbhcht",
        "first_month": date(2023, 9, 1),
        "months": 4,
        "legal_basis": "Perwali 34/2023",
    }
    values.update(fields)
    programme, _ = programme_create(**values)  # type: ignore[arg-type]
    return programme


def _sign(programme: Programme, number: str, **draft: object) -> None:
    decree = decree_draft(user=None, programme=programme, **draft)  # type: ignore[arg-type]
    decree_sign(user=None, decree=decree, number=number, signed_on=date(2023, 8, 28))


def _covering(month: Month, prefix: str = "") -> int:
    return Membership.objects.filter(region__code__startswith=prefix).covering(month).count()


def test_in_sk_per_month_follows_versions_and_matches_the_rows(
    register: Callable[..., pl.DataFrame],
) -> None:
    people = register(10, occupation_code="becak", birth_date=born(40))
    ids = people["id"].to_list()
    programme = _programme()
    _sign(programme, "1")
    # September to December 2023: ten; nothing before or after.
    assert membership_tally_totals(["", "35", "35.71"], upto=202309) == {
        "": 10,
        "35": 10,
        "35.71": 10,
    }
    assert membership_tally_totals([""], upto=202308) == {"": 0}
    assert membership_tally_totals([""], upto=202401) == {"": 0}
    # 2024: one died, one withdrew, four newcomers; the leavers still count for 2023.
    programme_update(user=None, programme=programme, months=12)
    Person.objects.filter(pk=ids[0]).update(status=PersonStatus.DECEASED)
    register(4, seed=7, occupation_code="kader", birth_date=born(30))
    draft = decree_draft(user=None, programme=programme)
    entry_remove(user=None, decree=draft, person_id=ids[2], reason="withdrew")
    decree_sign(user=None, decree=draft, number="2", signed_on=date(2023, 12, 20))
    for month in (Month(2023, 8), Month(2023, 12), Month(2024, 1), Month(2024, 8), Month(2024, 9)):
        expected = _covering(month)
        assert membership_tally_totals([""], upto=month.year * 100 + month.month) == {
            "": expected
        }, month
    assert membership_tally_totals([""], upto=202312) == {"": 10}
    assert membership_tally_totals([""], upto=202403) == {"": 12}
    # Children and months read the same flows.
    kecamatan = {code[:8] for code in Membership.objects.values_list("region_id", flat=True)}
    children = membership_tally_children("35.71", upto=202403)
    assert set(children) <= kecamatan
    assert sum(children.values()) == 12
    assert membership_tally_months("35.71") == {202309: 10, 202401: 2, 202409: -12}
    assert membership_tally_differences().is_empty()


def test_an_amendment_moves_only_the_end_and_a_rebuild_agrees(
    register: Callable[..., pl.DataFrame],
) -> None:
    people = register(4, occupation_code="becak", birth_date=born(40))
    programme = _programme(months=12, year=2024, first_month=date(2024, 1, 1))
    _sign(programme, "1")
    Person.objects.filter(pk=people["id"][0]).update(status=PersonStatus.DECEASED)
    _sign(programme, "2", first_month=Month(2024, 5))
    assert membership_tally_totals(["35.71"], upto=202404) == {"35.71": 4}
    assert membership_tally_totals(["35.71"], upto=202405) == {"35.71": 3}
    assert membership_tally_totals(["35.71"], upto=202501) == {"35.71": 0}
    assert membership_tally_differences().is_empty()
    # A rebuild from the rows gives the same table.
    membership_tally_rebuild()
    assert membership_tally_differences().is_empty()
    assert membership_tally_totals(["35.71"], upto=202405) == {"35.71": 3}


def test_monev_coverage_counts_the_signed_sk(register: Callable[..., pl.DataFrame]) -> None:
    register(10, occupation_code="becak", birth_date=born(40))
    _sign(_programme(), "1")
    out = StringIO()
    call_command(
        "monev", "coverage", "--region", "35.71", "--period", "2023-10", "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    assert result["in_sk"] == 10
    assert sum(child["in_sk"] for child in result["children"]) == 10
    out = StringIO()
    call_command(
        "monev", "coverage", "--region", "35.71", "--period", "2024-01", "--json", stdout=out
    )
    assert json.loads(out.getvalue())["in_sk"] == 0
