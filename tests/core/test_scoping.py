"""A user sees the people of their regions and nothing else, through every door; regions nest
by code prefix."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.core.scoping import within_q
from jaring.regions.models import Region, RegionLevel
from jaring.registry.models import Person

pytestmark = pytest.mark.django_db

People = tuple[pl.DataFrame, pl.DataFrame]


@pytest.fixture
def kediri_admin(make_user: Callable[..., User]) -> User:
    return make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))


def _names_on_page(client: Client, **params: str) -> str:
    response = client.get(reverse("people-list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_kediri_admin_lists_only_kediri(
    kediri_and_cilegon: People, kediri_admin: User, login: Callable[[User], Client]
) -> None:
    kediri, cilegon = kediri_and_cilegon
    client = login(kediri_admin)
    response = client.get(reverse("people-list"), {"page": 1})
    listed = {p.pk for p in response.context["page"].paginator.object_list}
    assert listed == set(kediri["id"].to_list())
    assert not listed & set(cilegon["id"].to_list())


def test_kediri_admin_cannot_open_a_cilegon_person(
    kediri_and_cilegon: People, kediri_admin: User, login: Callable[[User], Client]
) -> None:
    kediri, cilegon = kediri_and_cilegon
    client = login(kediri_admin)
    assert client.get(reverse("person-detail", args=[kediri["id"][0]])).status_code == 200
    for person_id in cilegon["id"].to_list()[:5]:
        assert client.get(reverse("person-detail", args=[person_id])).status_code == 404


def test_kediri_admin_cannot_find_cilegon_by_nik_or_name(
    kediri_and_cilegon: People, kediri_admin: User, login: Callable[[User], Client]
) -> None:
    kediri, cilegon = kediri_and_cilegon
    client = login(kediri_admin)
    own = client.get(reverse("people-list"), {"q": kediri["nik"][0]})
    assert own.context["page"].paginator.count == 1
    for nik, name in zip(cilegon["nik"].to_list()[:5], cilegon["name"].to_list()[:5], strict=True):
        assert client.get(reverse("people-list"), {"q": nik}).context["page"].paginator.count == 0
        found = (
            client.get(reverse("people-list"), {"q": name}).context["page"].paginator.object_list
        )
        assert all(p.region_id.startswith("35.71.") for p in found)


def test_kediri_admin_cannot_export_cilegon(
    kediri_and_cilegon: People, kediri_admin: User, login: Callable[[User], Client]
) -> None:
    kediri, cilegon = kediri_and_cilegon
    client = login(kediri_admin)
    refused = client.get(reverse("people-export"), {"region": "36.72", "format": "csv"})
    assert refused.status_code == 404
    # A region that contains Kota Kediri (the province) is refused too, not silently narrowed.
    assert client.get(reverse("people-export"), {"region": "35"}).status_code == 404

    response = client.get(reverse("people-export"), {"region": "35.71", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["NIK"] for r in rows} == set(kediri["nik"].to_list())
    assert not {r["NIK"] for r in rows} & set(cilegon["nik"].to_list())
    record = DataExport.objects.get()
    assert (record.actor, record.region_code, record.row_count) == (kediri_admin, "35.71", 30)


def test_kediri_admin_cannot_fetch_cilegon_through_the_api(
    kediri_and_cilegon: People, kediri_admin: User
) -> None:
    kediri, cilegon = kediri_and_cilegon
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=kediri_admin).key}")
    listed = api.get("/api/people/", {"page_size": 1000}).json()
    assert listed["count"] == 30
    assert {p["id"] for p in listed["results"]} <= set(kediri["id"].to_list())
    for person_id in cilegon["id"].to_list()[:5]:
        assert api.get(f"/api/people/{person_id}/").status_code == 404
    by_nik = api.get("/api/people/", {"q": cilegon["nik"][0]}).json()
    assert by_nik["count"] == 0
    by_region = api.get("/api/people/", {"region": "36.72"}).json()
    assert by_region["count"] == 0


def test_village_operator_sees_only_their_village(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    village = "35.71.01.1001"  # Kelurahan Bandar Lor, Kota Kediri
    own = add_people(12, "35.71", seed=3, within=village)
    neighbours = add_people(40, "35.71", seed=4)
    operator = make_user("op", Role.VILLAGE_OPERATOR, (village,))
    client = login(operator)

    listed = client.get(reverse("people-list")).context["page"].paginator.object_list
    expected = set(own["id"].to_list()) | set(
        neighbours.filter(pl.col("village_code") == village)["id"].to_list()
    )
    assert {p.pk for p in listed} == expected
    outside = neighbours.filter(pl.col("village_code") != village)["id"][0]
    assert client.get(reverse("person-detail", args=[outside])).status_code == 404
    # Operators collect data; they do not take the registry out.
    assert client.get(reverse("people-export"), {"region": village}).status_code == 403


def test_region_browser_counts_only_visible_people(
    kediri_and_cilegon: People,
    kediri_admin: User,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    client = login(kediri_admin)
    province = client.get(reverse("region-detail", args=["36"]))
    assert province.context["total"] == 0
    city = client.get(reverse("region-detail", args=["35.71"]))
    assert city.context["total"] == 30
    assert sum(count for _code, _name, _kind, count, _open in city.context["rows"]) == 30
    # Pages are kept per region *and* scope: Banten's page as Kediri's admin saw it (nobody)
    # is not what Cilegon's admin gets, nor the other way round.
    cilegon = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    assert cilegon.get(reverse("region-detail", args=["36"])).context["total"] == 30
    assert client.get(reverse("region-detail", args=["36"])).context["total"] == 0
    national = login(make_user("nasional", Role.NATIONAL_ADMIN))
    assert national.get(reverse("region-detail", args=["36"])).context["total"] == 30
    rows = {
        code: open_
        for code, _name, _kind, _n, open_ in client.get(reverse("region-browser")).context["rows"]
    }
    assert rows["35"] and not rows["36"]  # Banten is not Kediri's to browse


def test_user_without_regions_sees_nobody(
    kediri_and_cilegon: People, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("nobody", Role.REGENCY_ADMIN))
    assert client.get(reverse("people-list")).context["page"].paginator.count == 0
    assert Person.objects.restrict(User.objects.get(username="nobody")).count() == 0


def test_national_admin_sees_everyone(
    kediri_and_cilegon: People, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("nasional", Role.NATIONAL_ADMIN))
    assert client.get(reverse("people-list")).context["page"].paginator.count == 60


def test_within_q_uses_the_code_hierarchy() -> None:
    inside = Region.objects.filter(within_q("parent", ["35.71"]), level=RegionLevel.VILLAGE)
    assert inside.count() == 46  # the kelurahan of Kota Kediri
    assert not Region.objects.filter(within_q("parent", []), level=RegionLevel.VILLAGE).exists()
