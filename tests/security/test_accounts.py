"""Sign-in limits, expiring tokens, idle sessions, and the headers every answer carries."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_TIMES = 30


def _sign_in(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(
    make_user: Callable[..., User],
) -> None:
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    client = Client()
    answers = [_sign_in(client, user.username, "wrong") for _ in range(WRONG_TIMES)]
    # The form is shown again for the first failures, then the lockout answers.
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(answers[settings.AXES_FAILURE_LIMIT :]) == {429}
    assert _sign_in(client, user.username, PASSWORD) == 429
    assert "_auth_user_id" not in client.session
    # Another address cannot use the name either while it is locked.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert _sign_in(other, user.username, PASSWORD) == 429


def test_a_few_wrong_passwords_are_forgiven_by_a_right_one(
    make_user: Callable[..., User],
) -> None:
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, user.username, "wrong") == 200
    assert _sign_in(client, user.username, PASSWORD) == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_token_endpoint_locks_out_like_the_sign_in_page(
    make_user: Callable[..., User],
) -> None:
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    api = APIClient()
    answers = [
        api.post("/api/token/", {"username": user.username, "password": "wrong"}).status_code
        for _ in range(WRONG_TIMES)
    ]
    assert answers[0] == 400
    assert answers[-1] == 429
    right = api.post("/api/token/", {"username": user.username, "password": PASSWORD})
    assert right.status_code == 429
    assert not Token.objects.filter(user=user).exists()


def test_tokens_expire_and_a_new_one_is_issued(make_user: Callable[..., User]) -> None:
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    api = APIClient()
    issued = api.post("/api/token/", {"username": user.username, "password": PASSWORD}).json()
    assert set(issued) == {"token", "expires"}
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued['token']}")
    assert api.get("/api/people/").status_code == 200
    Token.objects.filter(key=issued["token"]).update(
        created=timezone.now() - timedelta(hours=settings.JARING_TOKEN_HOURS, minutes=1)
    )
    refused = api.get("/api/people/")
    assert refused.status_code == 401
    assert "kedaluwarsa" in refused.json()["detail"]  # Indonesian first
    api.credentials()
    again = api.post("/api/token/", {"username": user.username, "password": PASSWORD}).json()
    assert again["token"] != issued["token"]


def test_an_idle_session_ends_after_the_idle_time(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    assert client.get(reverse("people-list")).status_code == 200
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    session = client.session
    session["jaring_last_seen"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 60
    session.save()
    response = client.get(reverse("people-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_active_session_is_refreshed_at_most_every_few_minutes(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    first = client.session["jaring_last_seen"]
    client.get(reverse("people-list"))
    assert client.session["jaring_last_seen"] == first  # not written again
    session = client.session
    session["jaring_last_seen"] = first - 600
    session.save()
    client.get(reverse("people-list"))
    assert client.session["jaring_last_seen"] >= first


def test_every_answer_with_personal_data_says_no_store(
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    person = add_people(2, "35.71", seed=3)["id"][0]
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    client = login(user)
    api = APIClient()
    api.force_authenticate(user)
    answers = [
        client.get(reverse("people-list")),
        client.get(reverse("person-detail", args=[person])),
        client.get(reverse("people-export"), {"region": "35.71", "format": "csv"}),
        api.get("/api/people/"),
        api.get(f"/api/people/{person}/"),
        Client().get(reverse("login")),
    ]
    for response in answers:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_pages_carry_a_content_security_policy_without_inline_script(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


TEMPLATES = Path(settings.BASE_DIR) / "jaring" / "templates"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script_handlers_or_styles(template: Path) -> None:
    """The policy refuses them; a template that used one would break in the browser."""
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"


def test_the_api_schema_and_docs_need_a_sign_in(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    anonymous = Client()
    assert anonymous.get("/api/schema/").status_code in {401, 403}
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.content.decode())


@override_settings(JARING_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_the_lockout_counts_the_client_not_the_proxy(
    make_user: Callable[..., User],
) -> None:
    make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    user = make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",))
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    for _ in range(WRONG_TIMES):
        _sign_in(attacker, "kediri", "wrong")
    # Another client behind the same proxy still signs in.
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _sign_in(colleague, user.username, PASSWORD) == 302
    # A client reaching the server directly cannot pick its address.
    direct = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _sign_in(direct, user.username, PASSWORD) == 429
