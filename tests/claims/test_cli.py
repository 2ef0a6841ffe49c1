"""``jaring claims open|advance|summary --json``: the issue's keys, a whole flow, and one clear
message (non-zero exit, nothing changed) for each kind of bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from jaring.accounts.roles import Role
from jaring.claims.models import Claim, ClaimStep
from jaring.rules.months import Month
from tests.claims.conftest import Member, fails, run

pytestmark = pytest.mark.django_db


def test_open_advance_summary(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=12, n=2)
    opened = run("open", "--nik", m.nik, "--event", "death", "--date", "2024-05-10")
    assert set(opened) >= {"claim", "entitled", "total", "lines", "reasons"}
    assert opened["entitled"] is True and opened["total"] == 42_000_000
    assert opened["reasons"] == []
    assert opened["lines"][0] == {
        "kind": "jkm",
        "amount": 20_000_000,
        "basis": "PP 44/2015 jo. PP 82/2019 Pasal 34",
    }
    claim = str(opened["claim"])
    for step in ("documents-complete", "submitted", "approved"):
        assert run("advance", claim, "--to", step)["status"] == step.replace("-", "_")
    paid = run("advance", claim, "--to", "paid", "--amount", "Rp 42.000.000")
    assert paid["amount"] == 42_000_000
    assert run("advance", claim, "--to", "handed-over")["status"] == "handed_over"
    summary = run("summary", "--year", "2024", "--programme", str(m.programme.pk))
    assert set(summary) >= {"claims", "paid", "iuran", "ratio"}
    assert summary["claims"] == 1 and summary["paid"] == 42_000_000
    assert summary["iuran"] == 2 * 12 * 16_800
    assert summary["ratio"] == round(42_000_000 / (2 * 12 * 16_800), 4)
    region = run("summary", "--year", "2024", "--region", "35.71")
    assert region["claims"] == 1 and region["iuran"] == summary["iuran"]


def test_lapsed_membership_gives_the_reason(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=11)
    opened = run("open", "--nik", m.nik, "--event", "death", "--date", "2025-03-10")
    assert opened["entitled"] is False and opened["total"] == 0 and opened["lines"] == []
    assert opened["reasons"][0].startswith("Kepesertaan berakhir Maret 2025: 4 bulan tertunggak")


def test_bad_input_one_message_nothing_changed(
    member: Callable[..., Member], make_user: Callable[..., Any]
) -> None:
    m = member(first=Month(2024, 1), paid=12, born=date(1990, 1, 1))
    make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",))
    assert "NIK" in fails(
        "open", "--nik", "3571011111111111", "--event", "death", "--date", "2024-05-10"
    )
    outside = fails(
        "open", "--nik", m.nik, "--event", "death", "--date", "2024-05-10", "--user", "cilegon"
    )
    assert m.nik[:2] in outside and m.nik[4:] not in outside
    assert "16" in fails("open", "--nik", "123", "--event", "death", "--date", "2024-05-10")
    assert "2099" in fails("open", "--nik", m.nik, "--event", "death", "--date", "2099-01-01")
    assert "1989" in fails("open", "--nik", m.nik, "--event", "death", "--date", "1989-01-01")
    assert "fire" in fails("open", "--nik", m.nik, "--event", "fire", "--date", "2024-05-10")
    assert not Claim.objects.exists()
    claim = str(run("open", "--nik", m.nik, "--event", "death", "--date", "2024-05-10")["claim"])
    assert f"#{claim}" in fails(
        "open", "--nik", m.nik, "--event", "work-death", "--date", "2024-05-10"
    )
    assert "documents-complete" in fails("advance", claim, "--to", "paid", "--amount", "42000000")
    assert "flown" in fails("advance", claim, "--to", "flown")
    assert "999" in fails("advance", "999", "--to", "submitted")
    assert "cilegon" not in fails("advance", claim, "--to", "submitted", "--user", "cilegon")
    for step in ("documents-complete", "submitted", "approved"):
        run("advance", claim, "--to", step)
    message = fails("advance", claim, "--to", "paid", "--amount", "40000000")
    assert "Rp 42.000.000" in message
    assert Claim.objects.get().status == "approved"
    assert ClaimStep.objects.count() == 4
    assert "2099" in fails(
        "advance", claim, "--to", "paid", "--amount", "42000000", "--date", "2099-01-01"
    )
    assert "abc" in fails("summary", "--year", "abc")
    assert "99.99" in fails("summary", "--year", "2024", "--region", "99.99")
