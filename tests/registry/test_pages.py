"""Registry pages: home and region browser counts, and a fixed number of queries per page."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import polars as pl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import Person, PersonStatus

pytestmark = pytest.mark.django_db


def test_home_counts_people_per_region(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    add_people(7, "35.71", seed=1)
    add_people(3, "36.72", seed=2)
    response = login(make_user("k", Role.PROVINCIAL_ADMIN, ("35", "36.72"))).get(reverse("home"))
    assert response.context["total"] == 10
    rows = response.context["region_rows"]
    assert [(code, n) for code, _name, _above, n in rows] == [("35", 7), ("36.72", 3)]
    assert rows[1][2] == "Banten"  # the province above a kab/kota, named on the page
    html = response.content.decode()
    assert "Kota Cilegon" in html and "· Banten" in html


def test_home_caches_plain_figures_only(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What the home page caches is read back in other processes (and in tests whose installed
    apps differ): pickled model instances there fail with "No installed app"."""
    add_people(4, "35.71", seed=1)
    stored: list[bytes] = []
    real_set = cache.set

    def spy(key: str, value: object, timeout: int | None = None) -> None:
        stored.append(pickle.dumps(value))
        real_set(key, value, timeout)

    monkeypatch.setattr(cache, "set", spy)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    first = client.get(reverse("home"))
    second = client.get(reverse("home"))  # read from the cache
    assert stored and all(b"model_unpickle" not in value for value in stored)
    assert [(code, n) for code, _name, _above, n in second.context["region_rows"]] == [("35.71", 4)]
    assert second.context["total"] == first.context["total"] == 4


@pytest.mark.parametrize("size", [5, 60])
def test_people_list_query_count_does_not_grow_with_rows(
    size: int,
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    add_people(size, "35.71", seed=3)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    # session, user, user's regions, count, page of people (with region and occupation),
    # occupation choices for the filter form; on SQLite, how many people the user's regions
    # hold (registry.selectors.people_scope_broad: which index reads the page)
    from django.db import connection

    with django_assert_num_queries(6 if connection.vendor == "postgresql" else 7):
        assert client.get(reverse("people-list")).status_code == 200


def test_person_detail_query_count(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    person_id = add_people(1, "35.71", seed=4)["id"][0]
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    ContentType.objects.get_for_model(Person)  # cached per process after the first request
    # session, user, user's regions, person (+region, kecamatan, occupation), duplicates merged
    # into the person (their list rows are its history too), source rows, change history,
    # the programmes that covered the person (a panel of the programmes app), the person's
    # claims (a panel of the claims app)
    with django_assert_num_queries(9):
        assert client.get(reverse("person-detail", args=[person_id])).status_code == 200


def test_region_browser_walks_down_to_desa(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    people = add_people(20, "35.71", seed=5)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    top = client.get(reverse("region-browser"))
    assert len(top.context["rows"]) == 38
    kecamatan = people["kecamatan_code"][0]
    city = client.get(reverse("region-detail", args=["35.71"]))
    counts = {code: n for code, _name, _kind, n, _open in city.context["rows"]}
    assert counts[kecamatan] == people.filter(pl.col("kecamatan_code") == kecamatan).height
    village = client.get(reverse("region-detail", args=[people["village_code"][0]]))
    assert village.context["rows"] == [] and village.context["total"] >= 1
    assert client.get(reverse("region-detail", args=["99.99"])).status_code == 404


@pytest.mark.parametrize(
    ("typed", "found", "hint"),
    [
        ("35.71.01", 4, "kode wilayah"),  # a kecamatan code: the people of that kecamatan
        ("357101170880", 0, "16 angka"),  # part of a NIK: nobody, and why
        ("3571**********01", 0, "disamarkan"),  # a masked NIK copied from a page
    ],
)
def test_the_search_box_says_how_it_read_a_code_or_part_of_a_nik(
    typed: str,
    found: int,
    hint: str,
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    add_people(4, "35.71", seed=3, within="35.71.01")
    add_people(3, "35.71", seed=4, within="35.71.02")
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    response = client.get(reverse("people-list"), {"q": typed})
    assert response.context["page"].paginator.count == found
    assert hint in response.content.decode()


def test_the_merged_filter_lists_the_merged_records(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    add_people(3, "35.71", seed=3)
    merged = Person.objects.order_by("id").first()
    assert merged is not None
    Person.objects.filter(pk=merged.pk).update(status=PersonStatus.MERGED)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    listed = client.get(reverse("people-list"), {"status": "merged"}).context["page"]
    assert [p.pk for p in listed] == [merged.pk]
    assert merged.pk not in [p.pk for p in client.get(reverse("people-list")).context["page"]]
    api = client.get("/api/people/", {"status": "merged"}).json()
    assert [p["id"] for p in api["results"]] == [merged.pk]


def test_home_and_region_page_query_counts_once_rendered(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    """The figures and their tables are rendered once per write and scope; a repeated view
    costs what says who is asking and what is new, whatever the number of rows or children."""
    add_people(12, "35.71", seed=6)
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("region-detail", args=["35.71"])).status_code == 200
    # session, user, user's regions, data versions, the finance panel's data versions (its
    # warnings are kept as well), latest imports, imports with held rows (a role that imports)
    with django_assert_num_queries(7):
        assert "Kota Kediri" in client.get(reverse("home")).content.decode()
    # session, user, user's regions, data versions
    with django_assert_num_queries(4):
        page = client.get(reverse("region-detail", args=["35.71"]))
    assert page.context["total"] == 12 and len(page.context["rows"]) == 3
