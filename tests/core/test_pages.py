"""Pages render in Indonesian first, in English on request, with a fixed number of queries."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jaring.accounts.models import User
from jaring.accounts.roles import Role

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
