"""Requests that used to end in a server error (issue 14): now a clear answer, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.matching.services import match_run
from jaring.registry.models import CandidateStatus, ImportBatch, MatchCandidate

pytestmark = pytest.mark.django_db


def test_a_survivor_that_is_not_a_number_is_a_message_not_a_server_error(
    duplicate_registry: dict[str, pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    match_run(region_code="35.71")
    candidate = MatchCandidate.objects.filter(status=CandidateStatus.OPEN).first()
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    client.raise_request_exception = False
    for survivor in ["abc", "", "1e3", "²", "9" * 5000, "-1"]:
        response = client.post(
            reverse("duplicate-decide", args=[candidate.pk]),
            {"decision": "merge", "survivor": survivor},
            follow=True,
        )
        assert response.status_code == 200, survivor
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.OPEN


def test_format_suffixes_on_custom_actions_are_not_routes(
    duplicate_registry: dict[str, pl.DataFrame], make_user: Callable[..., User]
) -> None:
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(make_user("nasional", Role.NATIONAL_ADMIN))
    batch = ImportBatch.objects.first()
    candidate = MatchCandidate.objects.first() or MatchCandidate(pk=1)
    answers = [
        api.get(f"/api/imports/{batch.pk}/problems.json"),
        api.get(f"/api/imports/{batch.pk}/workbook.json"),
        api.post(f"/api/imports/{batch.pk}/commit.json"),
        api.post(f"/api/duplicates/{candidate.pk}/merge.json"),
        api.post(f"/api/duplicates/{candidate.pk}/distinct.json"),
    ]
    assert [r.status_code for r in answers] == [404] * 5
    assert api.get(f"/api/imports/{batch.pk}/problems/", {"format": "json"}).status_code == 200
