"""Pages render in Indonesian first, in English on request, with a fixed number of queries."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import Person

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "jaring" / "locale" / "id" / "LC_MESSAGES"


def test_login_page_is_indonesian_and_anonymous_users_are_sent_there() -> None:
    client = Client()
    response = client.get(reverse("people-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(reverse("login")).content.decode()
    assert "Masuk ke Jaring" in page and "Kata sandi" in page


def test_english_is_one_choice_away(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    assert "Orang dalam registri" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "People in the registry" in client.get(reverse("home")).content.decode()


def test_every_message_is_translated_and_compiled() -> None:
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n") if "msgid" in e and not e.startswith("# ")]
    untranslated = [
        e
        for e in entries
        if re.search(r'^msgstr(\[0\])? ""\n?$', e.strip() + "\n", re.M)
        and 'msgid ""\nmsgstr ""\n"' not in e
    ]
    assert not [e for e in entries if "#, fuzzy" in e]
    assert untranslated == []
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.gettext("People in the registry") == "Orang dalam registri"
    assert compiled.gettext("Sign out") == "Keluar"


def test_home_counts_people_per_region(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    add_people(7, "35.71", seed=1)
    add_people(3, "36.72", seed=2)
    response = login(make_user("k", Role.PROVINCIAL_ADMIN, ("35", "36.72"))).get(reverse("home"))
    assert response.context["total"] == 10
    assert [(r.code, n) for r, n in response.context["region_rows"]] == [("35", 7), ("36.72", 3)]


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
    # occupation choices for the filter form
    with django_assert_num_queries(6):
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
    # into the person (their list rows are its history too), source rows, change history
    with django_assert_num_queries(7):
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
    counts = {child.code: n for child, n, _open in city.context["rows"]}
    assert counts[kecamatan] == people.filter(pl.col("kecamatan_code") == kecamatan).height
    village = client.get(reverse("region-detail", args=[people["village_code"][0]]))
    assert village.context["rows"] == [] and village.context["total"] >= 1
    assert client.get(reverse("region-detail", args=["99.99"])).status_code == 404


def test_api_schema_and_docs_are_served_without_a_cdn(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("k", Role.REGENCY_ADMIN, ("35.71",)))
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/people/", "/api/people/{id}/", "/api/regions/"} <= set(schema["paths"])
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_api_token_authentication(make_user: Callable[..., User]) -> None:
    make_user("k", Role.REGENCY_ADMIN, ("35.71",))
    client = Client()
    token = client.post("/api/token/", {"username": "k", "password": "s3cret-pass-for-tests"})
    assert token.status_code == 200
    key = token.json()["token"]
    assert client.get("/api/people/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get("/api/people/").status_code in {401, 403}


@pytest.mark.parametrize(
    "asset",
    [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
        "jaring/jaring.css",
    ],
)
def test_static_assets_are_served_by_the_app_itself(asset: str) -> None:
    response = Client().get(f"/static/{asset}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) if response.streaming else response.content
