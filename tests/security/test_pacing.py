"""Reading people page after page or person after person, without the export right, is paced:
the first pages of a list are free, further pages and every person opened count, and past the
hour's budget the answer is 429 until the hour ends; a role with the export right is not paced
(what it takes in bulk it takes through the door, recorded)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.pacing import FREE_PAGES
from jaring.registry.models import Person
from jaring.registry.paging import _cursor
from jaring.registry.services import people_bulk_create
from jaring.synthetic.people import generate_people

pytestmark = pytest.mark.django_db

KEDIRI = "35.71"
BUDGET = 4


@pytest.fixture
def people(settings: Any) -> list[int]:
    settings.JARING_BROWSE_PER_HOUR = BUDGET
    listed = generate_people(8, regency=KEDIRI, seed=44).with_columns(
        occupation_match=pl.lit("synonym")
    )
    return people_bulk_create(listed).to_list()


def test_pages_beyond_the_first_are_paced_without_the_export_right(
    people: list[int], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    auditor = login(make_user("auditor", Role.AUDITOR, (KEDIRI,)))
    url = reverse("people-list")
    first = Person.objects.order_by("name_normalized", "id").first()
    assert first is not None

    def at(number: int) -> dict[str, str]:
        """The request of page ``number``: a signed cursor (the "next" link's) carries it."""
        return {"after": _cursor(first, number - 1)} if number > 1 else {}

    # Finding someone: the first pages, as often as needed.
    for _ in range(3):
        for page in range(1, FREE_PAGES + 1):
            assert auditor.get(url, at(page)).status_code == 200
    # Walking on: the budget, then 429 with the time to wait.
    for page in range(FREE_PAGES + 1, FREE_PAGES + 1 + BUDGET):
        assert auditor.get(url, at(page)).status_code == 200
    refused = auditor.get(url, at(FREE_PAGES + 1 + BUDGET))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Terlalu banyak orang dibaca dalam satu jam" in refused.content.decode()
    # The same budget covers a person's page.
    assert auditor.get(reverse("person-detail", args=[people[0]])).status_code == 429
    # Another user has a budget of their own; the export right is not paced.
    other = login(make_user("auditor2", Role.AUDITOR, (KEDIRI,)))
    assert other.get(reverse("person-detail", args=[people[0]])).status_code == 200
    admin = login(make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,)))
    for page in range(1, 3 * BUDGET):
        assert admin.get(url, at(page + FREE_PAGES)).status_code == 200


def test_the_api_paces_record_after_record(
    people: list[int], make_user: Callable[..., User]
) -> None:
    api = APIClient()
    api.force_authenticate(make_user("desa", Role.VILLAGE_OPERATOR, (KEDIRI,)))
    assert api.get("/api/people/").status_code == 200  # the first page is free
    answers = [api.get(f"/api/people/{pk}/").status_code for pk in people[: BUDGET + 1]]
    assert answers == [200] * BUDGET + [429]
    assert api.get("/api/people/").status_code == 200
    admin = APIClient()
    admin.force_authenticate(make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,)))
    assert {admin.get(f"/api/people/{pk}/").status_code for pk in people} == {200}
