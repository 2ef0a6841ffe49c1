"""The people tally equals a recomputation from the rows after every kind of write."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.utils import timezone

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.matching.services import people_merge
from jaring.registry.models import PeopleTally, Person, PersonStatus
from jaring.registry.selectors import people_tally_breakdown, people_tally_totals
from jaring.registry.services import PersonStatusError, person_status_change
from jaring.registry.tallies import people_tally_differences, people_tally_rebuild
from jaring.synthetic.people import generate_people, write_clean_list


def _total(region: str) -> int:
    return sum(PeopleTally.objects.filter(region=region, dim="all").values_list("n", flat=True))


def test_bulk_creates_merges_and_status_changes_keep_the_tally_equal_to_the_rows(
    add_people: Callable[..., pl.DataFrame], make_user: Callable[..., User]
) -> None:
    kediri = add_people(40, "35.71", seed=3)
    add_people(25, "36.72", seed=4)
    assert people_tally_differences().is_empty()
    assert _total("35.71") == 40 and _total("36") == 25 and _total("") == 65

    admin = make_user("admin", Role.NATIONAL_ADMIN)
    survivor, duplicate = (Person.objects.get(pk=i) for i in kediri["id"][:2])
    people_merge(survivor=survivor, duplicate=duplicate, user=admin)
    deceased = Person.objects.get(pk=kediri["id"][2])
    person_status_change(
        person=deceased, status=PersonStatus.DECEASED, user=admin, expected=PersonStatus.REGISTERED
    )
    assert people_tally_differences().is_empty()
    assert _total("35.71") == 38 and _total(deceased.region_id) >= 0
    # Back on the list: counted again.
    person_status_change(
        person=deceased, status=PersonStatus.REGISTERED, user=admin, expected=PersonStatus.DECEASED
    )
    assert _total("35.71") == 39
    assert people_tally_differences().is_empty()


def test_people_who_leave_still_count_for_the_months_before_they_left(
    add_people: Callable[..., pl.DataFrame], make_user: Callable[..., User]
) -> None:
    """ADR 0011: a death or a merge takes a person out of the months from the one they left,
    not out of history; the national total now is still the registered alone."""
    ids = add_people(4, "35.71", seed=8)["id"].to_list()
    # Registered in January 2025 (Asia/Jakarta), counted afresh from there.
    Person.objects.filter(pk__in=ids).update(created_at=datetime(2025, 1, 10, 3, tzinfo=UTC))
    people_tally_rebuild()
    admin = make_user("admin", Role.NATIONAL_ADMIN)
    dead, survivor, duplicate, _stays = (Person.objects.get(pk=i) for i in ids)
    person_status_change(
        person=dead,
        status=PersonStatus.DECEASED,
        user=admin,
        expected=PersonStatus.REGISTERED,
        on=date(2026, 3, 10),
    )
    people_merge(survivor=survivor, duplicate=duplicate, user=admin)
    merged_on = Person.objects.get(pk=duplicate.pk).status_date
    assert merged_on == timezone.localdate()
    merged_month = merged_on.year * 100 + merged_on.month

    assert people_tally_totals(["35.71"], upto=202412) == {"35.71": 0}
    assert people_tally_totals(["35.71", ""], upto=202602) == {"35.71": 4, "": 4}
    assert people_tally_totals(["35.71"], upto=202603) == {"35.71": 3}
    assert people_tally_totals(["35.71"], upto=merged_month - 1) == {"35.71": 3}
    assert people_tally_totals(["35.71"], upto=merged_month) == {"35.71": 2}
    assert people_tally_totals(["35.71", ""]) == {"35.71": 2, "": 2}
    # The dimensions leave with the person, so a breakdown sums to the total in every month.
    assert sum(people_tally_breakdown("35.71", upto=202602)["sex"].values()) == 4
    assert sum(people_tally_breakdown("35.71", upto=202603)["sex"].values()) == 3
    assert people_tally_differences().is_empty()
    # Back on the list: counted for every month again; what was kept equals a recomputation.
    person_status_change(
        person=dead, status=PersonStatus.REGISTERED, user=admin, expected=PersonStatus.DECEASED
    )
    assert people_tally_totals(["35.71"], upto=202603) == {"35.71": 4}
    assert people_tally_differences().is_empty()
    people_tally_rebuild()
    assert people_tally_totals(["35.71"], upto=202603) == {"35.71": 4}
    assert people_tally_totals(["35.71"]) == {"35.71": 3}


def test_a_stale_status_change_is_refused_and_changes_nothing(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    person = Person.objects.get(pk=add_people(1, "35.71", seed=5)["id"][0])
    with pytest.raises(PersonStatusError):
        person_status_change(
            person=person, status=PersonStatus.INACTIVE, user=None, expected=PersonStatus.DECEASED
        )
    assert Person.objects.get(pk=person.pk).status == PersonStatus.REGISTERED
    assert _total("35.71") == 1


def test_a_tally_changed_behind_its_back_is_found_and_rebuilt(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    add_people(10, "33.75", seed=6)
    PeopleTally.objects.filter(region="33.75", dim="all").update(n=3)
    differences = people_tally_differences()
    assert set(differences["region"]) == {"33.75"}
    assert people_tally_rebuild() > 0
    assert people_tally_differences().is_empty() and _total("33.75") == 10


@pytest.mark.django_db
def test_imports_that_create_and_update_keep_the_tally_equal_to_the_rows(tmp_path: Path) -> None:
    people = generate_people(60, regency="35.71", seed=8)
    first, second = tmp_path / "awal.csv", tmp_path / "ubah.csv"
    write_clean_list(people, first)
    out = io.StringIO()
    call_command("import", str(first), "--region", "35.71", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 60
    assert people_tally_differences().is_empty() and _total("35.71") == 60
    # The second list moves people to other desa, changes sexes and occupations, adds five.
    villages = people["village_code"].to_list()
    changed = people.with_columns(
        village_code=pl.Series(villages[7:] + villages[:7]),
        sex=pl.when(pl.int_range(pl.len()) % 3 == 0).then(pl.lit("P")).otherwise("sex"),
        occupation_text=pl.lit("Tukang Becak"),
    )
    write_clean_list(pl.concat([changed, generate_people(5, regency="35.71", seed=9)]), second)
    call_command("import", str(second), "--region", "35.71", "--on-existing", "update", "--json",
                 stdout=io.StringIO())  # fmt: skip
    assert people_tally_differences().is_empty() and _total("35.71") == 65
    becak = PeopleTally.objects.filter(region="35.71", dim="occupation", value="becak")
    assert sum(becak.values_list("n", flat=True)) >= 60
