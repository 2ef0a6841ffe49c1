"""Search and lists at province scale: keyset pages, search by spelling, the region scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import Person, Sex
from jaring.registry.paging import COUNT_CAP

pytestmark = pytest.mark.django_db


def _link(html: str, testid: str) -> str | None:
    found = re.search(rf'href="(\?[^"]*)" data-testid="{testid}"', html)
    return unescape(found.group(1)) if found else None


def _walk(client: Client, params: dict[str, str]) -> tuple[list[list[int]], list[int]]:
    """Every page from the first through the "next" links; then back through "previous"."""
    response = client.get(reverse("people-list"), params)
    pages = [[p.pk for p in response.context["page"]]]
    numbers = [response.context["page"].number]
    while link := _link(response.content.decode(), "page-next"):
        response = client.get(reverse("people-list") + link)
        pages.append([p.pk for p in response.context["page"]])
        numbers.append(response.context["page"].number)
    back = []
    while link := _link(response.content.decode(), "page-previous"):
        response = client.get(reverse("people-list") + link)
        page = response.context["page"]
        back.append(page.number)
        assert [p.pk for p in page] == pages[page.number - 1]
    return pages, numbers + back


@pytest.mark.parametrize("filters", [{}, {"sex": Sex.FEMALE}])
def test_keyset_pages_list_each_person_once_in_order(
    filters: dict[str, str],
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    add_people(125, "35.71", seed=5)
    add_people(20, "36.72", seed=6)  # outside the user's regions
    # Names shared by several people: the id breaks the tie, and no one is lost or repeated.
    Person.objects.filter(pk__in=Person.objects.order_by("id").values("pk")[:70]).update(
        name="Sri Lestari", name_normalized="sri lestari"
    )
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    pages, numbers = _walk(client, filters)
    expected = list(
        Person.objects.filter(region__code__startswith="35.71.", **filters)
        .order_by("name_normalized", "id")
        .values_list("pk", flat=True)
    )
    listed = [pk for page in pages for pk in page]
    assert listed == expected and len(set(listed)) == len(listed)
    assert all(len(page) == 50 for page in pages[:-1]) and len(pages) >= 2
    assert numbers == [*range(1, len(pages) + 1), *range(len(pages) - 1, 0, -1)]


def test_a_tampered_cursor_is_the_first_page(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    add_people(60, "35.71", seed=5)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    page = client.get(reverse("people-list"), {"after": '["a",1,1]:forged'}).context["page"]
    assert page.number == 1 and not page.has_previous()


def test_a_later_page_costs_the_queries_of_the_first(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    add_people(120, "35.71", seed=5)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    first = client.get(reverse("people-list"))
    link = _link(first.content.decode(), "page-next")
    assert link is not None
    # SQLite asks how many people the user's regions hold (up to BROAD_SCOPE) to choose the
    # index that reads the page (registry.paging.in_name_order).
    from django.db import connection

    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):
        second = client.get(reverse("people-list") + link)
    assert second.context["page"].number == 2
    assert "halaman 2" in second.content.decode()


def test_a_long_list_counts_to_the_cap(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("jaring.registry.paging.COUNT_CAP", 10)
    add_people(12, "35.71", seed=5)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    response = client.get(reverse("people-list"))
    assert response.context["page"].paginator.capped
    assert "lebih dari 10 orang" in response.content.decode()
    api = client.get("/api/people/").json()
    assert (api["count"], api["count_capped"], len(api["results"])) == (10, True, 12)
    assert COUNT_CAP == 10_000


def _name(pk: int, name: str) -> None:
    Person.objects.filter(pk=pk).update(name=name, name_normalized=name.lower())


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Abiasa", True),  # one letter changed
        ("abyasa", True),  # as written
        ("Abiyasa", True),  # one letter more
        ("Wibisono", False),  # another name
        ("Bima", False),
    ],
)
def test_name_search_tolerates_one_spelling(
    typed: str,
    found: bool,
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    people = add_people(5, "35.71", seed=7)
    _name(people["id"][0], "Abyasa Wibowo")
    for pk in people["id"][1:]:
        _name(pk, "Sutrisno Hadi")
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    listed = [p.pk for p in client.get(reverse("people-list"), {"q": typed}).context["page"]]
    assert listed == ([people["id"][0]] if found else [])
    api = [p["id"] for p in client.get("/api/people/", {"q": typed}).json()["results"]]
    assert api == listed


def test_search_by_spelling_stays_inside_the_users_regions(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    inside = add_people(2, "35.71", seed=7)
    outside = add_people(2, "36.72", seed=8)
    _name(inside["id"][0], "Sutrisno Hadi")
    _name(outside["id"][0], "Abyasa Wibowo")
    _name(outside["id"][1], "Abiasa Wibowo")
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    for typed in ("Abiasa", "Abyasa", "abiyasa wibowo"):
        assert list(client.get(reverse("people-list"), {"q": typed}).context["page"]) == []
        assert client.get("/api/people/", {"q": typed}).json()["count"] == 0
    other = login(make_user("c", Role.REGENCY_ADMIN, ("36.72",)))
    listed = {p.pk for p in other.get(reverse("people-list"), {"q": "Abiyasa"}).context["page"]}
    assert listed == {outside["id"][0], outside["id"][1]}


def test_name_search_queries_are_pinned(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    people = add_people(3, "35.71", seed=7)
    _name(people["id"][0], "Abyasa Wibowo")
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    client.get(reverse("people-list"))
    # Both ask once more whether the name is found as written before trying spellings
    # (PostgreSQL between turning off, then on again, the plans that would read every row for
    # a name nobody has); SQLite also asks how many people the user's regions hold
    # (registry.selectors.people_scope_broad) and which spellings are written at all.
    extra = 3
    with django_assert_num_queries(6 + extra):
        assert client.get(reverse("people-list"), {"q": "Abiasa"}).status_code == 200


def test_the_api_pages_by_cursor_through_the_door(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    from jaring.audit.models import DataExport

    add_people(23, "35.71", seed=5)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    first = client.get("/api/people/", {"page_size": 10, "sex": ""}).json()
    assert first["count"] == 23 and first["previous"] is None
    assert "after=" in first["next"] and "page=" not in first["next"]
    seen, answer, pages = [p["id"] for p in first["results"]], first, 1
    while answer["next"]:
        answer = client.get(answer["next"]).json()
        seen += [p["id"] for p in answer["results"]]
        pages += 1
    # The same people in the same order as the numbered pages (OFFSET), each once.
    numbered = [
        p["id"]
        for n in (1, 2, 3)
        for p in client.get("/api/people/", {"page_size": 10, "page": n}).json()["results"]
    ]
    assert seen == numbered and len(set(seen)) == 23 and pages == 3
    back = client.get(answer["previous"]).json()
    assert [p["id"] for p in back["results"]] == seen[10:20]
    # Every page beyond the first is an export, recorded as with ?page=: pages 2 and 3 of
    # each walk, and page 2 again on the way back.
    assert DataExport.objects.filter(kind="people-api").count() == 5
    auditor = login(make_user("a", Role.AUDITOR, ("35.71",)))
    refused = auditor.get(first["next"])
    assert refused.status_code == 403
