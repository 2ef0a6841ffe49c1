"""Schemathesis against the OpenAPI schema (issue 14, item 4): no server errors.

The schema is read from ``/api/schema/`` of the application itself; every operation gets a
bounded number of generated requests (positive and negative: wrong types, missing fields,
odd strings), sent in-process through the WSGI application with a token, as the national
administrator and as a kab/kota administrator, over the two worlds of the permission matrix
(objects in and out of the user's regions, so generated ids hit real rows). Each request is
rolled back. The test fails on any answer ≥ 500 and prints how many calls it made
(docs/security.md quotes it). Bounded so that it runs in CI in well under two minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.generation import GenerationMode

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from tests.security.test_permission_matrix import IN, OUT, _world

pytestmark = pytest.mark.django_db

EXAMPLES = 6  # per operation, mode and user


@pytest.fixture
def wsgi() -> Any:
    """The application, called in-process: the test's database connection stays open (as
    Django's test client does, old connections are not closed around each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_generated_requests_to_every_operation_never_end_in_a_server_error(
    wsgi: Any,
    tmp_path: Path,
    register: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _world(IN, 51, tmp_path, register)
    _world(OUT, 52, tmp_path, register)
    users = [
        make_user("nasional", Role.NATIONAL_ADMIN),
        make_user("kediri", Role.REGENCY_ADMIN, (IN,)),
    ]
    tokens = {u.username: Token.objects.create(user=u).key for u in users}
    auth = {"Authorization": f"Token {tokens['nasional']}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi, headers=auth)
    calls: list[int] = []
    errors: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)
            for key in tokens.values():
                _run(strategy, {"Authorization": f"Token {key}"}, calls, errors)
    with capsys.disabled():
        print(
            f"\nschemathesis: {operations} operations, {len(calls)} calls, "
            f"{len(errors)} server errors"
        )
        for error in errors[:20]:
            print("  ", error)
    assert operations > 30
    assert errors == []


def _run(strategy: Any, headers: dict[str, str], calls: list[int], errors: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case: Any) -> None:
        try:
            with transaction.atomic():
                response = case.call(headers=headers)
                transaction.set_rollback(True)
        except Exception as exc:  # a server error that escaped as an exception
            errors.append(f"{case.method} {case.formatted_path} {case.query} -> {exc!r:.200}")
            return
        calls.append(response.status_code)
        if response.status_code >= 500:
            errors.append(
                f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200} -> "
                f"{response.status_code}"
            )

    call()
