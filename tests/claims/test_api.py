"""The claims API: the CLI's JSON keys for open, advance and summary; writes need the claims
capability; every list is restricted to the user's regions; bad input changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.claims.models import Claim
from jaring.rules.months import Month
from tests.claims.conftest import Member

pytestmark = pytest.mark.django_db


def test_open_advance_summary_overdue(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12)
    admin = login(make_user("disnaker", Role.REGENCY_ADMIN, ("35.71",)))
    viewer = login(make_user("analis", Role.BPJS_VIEWER, ("35.71",)))
    outsider = login(make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",)))
    body = {"nik": m.nik, "event": "work-death", "date": "2024-05-10"}
    assert viewer.post("/api/claims/open/", body).status_code == 403
    assert outsider.post("/api/claims/open/", body).status_code == 400
    assert not Claim.objects.exists()
    opened = admin.post("/api/claims/open/", body)
    assert opened.status_code == 201
    result = opened.json()
    assert {"claim", "entitled", "total", "lines", "reasons"} <= result.keys()
    assert result["total"] == 70_000_000
    assert {line["kind"] for line in result["lines"]} == {"jkk-death"}
    claim = result["claim"]
    assert admin.post("/api/claims/open/", body).status_code == 400
    assert outsider.get(f"/api/claims/{claim}/").status_code == 404
    assert outsider.get("/api/claims/").json()["count"] == 0
    assert admin.get(f"/api/claims/{claim}/entitlement/").json()["total"] == 70_000_000
    bad = admin.post(f"/api/claims/{claim}/advance/", {"to": "paid", "amount": 1})
    assert bad.status_code == 400
    for step in ("documents-complete", "submitted", "approved"):
        moved = admin.post(f"/api/claims/{claim}/advance/", {"to": step})
        assert moved.status_code == 200, moved.json()
    later = timezone.localdate() + timedelta(days=30)
    assert admin.get(f"/api/claims/overdue/?on={later}").json()["count"] == 1
    paid = admin.post(f"/api/claims/{claim}/advance/", {"to": "paid", "amount": 70_000_000})
    assert paid.json()["status"] == "paid"
    summary = admin.get(f"/api/claims/summary/?year=2024&programme={m.programme.pk}").json()
    assert {"claims", "paid", "iuran", "ratio"} <= summary.keys()
    assert (summary["claims"], summary["paid"], summary["iuran"]) == (1, 70_000_000, 201_600)
    assert outsider.get("/api/claims/summary/?year=2024&region=35.71").status_code == 404
