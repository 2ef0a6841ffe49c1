"""The JKK assessment of an injury (issue 17: disability could not be entered): months unable
to work and the permanent disability, entered with the report or later by Disnaker (service,
command line, page, API), the entitlement lines with their legal basis, kept through later
recomputes; bad input refused with one message and nothing written. Hypothesis runs the
percentages through the claim flow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.claims.errors import ClaimError
from jaring.claims.models import Claim, ClaimStatus
from jaring.claims.services import (
    Assessment,
    HeirSpec,
    assessment_of,
    claim_advance,
    claim_assess,
    claim_heirs_set,
    claim_open,
)
from jaring.rules.months import Month
from tests.claims.conftest import Member, fails, run

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)
W = 1_000_000
JKK_BASIS = "PP 44/2015 jo. PP 82/2019"


def injury(
    m: Member, day: date = date(2024, 5, 2), user: User | None = None, **kwargs: Any
) -> Claim:
    return claim_open(
        user=user,
        person=m.person,
        event="work_injury",
        event_date=day,
        reported_on=day,
        today=TODAY,
        **kwargs,
    )


def half_up(value: Fraction) -> int:
    return int(
        (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
    )


# --- the command line ----------------------------------------------------------------------


def test_cli_partial_disability_with_incapacity(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=12)
    opened = run(
        "open",
        "--nik",
        m.nik,
        "--event",
        "work-injury",
        "--date",
        "2024-05-02",
        "--incapacity-months",
        "13",
        "--disability-percent",
        "35",
    )
    assert opened["entitled"] is True
    kinds = [line["kind"] for line in opened["lines"]]
    assert kinds == ["stmb", "stmb", "jkk-disability"]
    stmb = sum(line["amount"] for line in opened["lines"] if line["kind"] == "stmb")
    assert stmb == 12 * W + W // 2  # 12 months at 100 %, the 13th at 50 % (RULES.md §8)
    disability = opened["lines"][-1]
    assert disability["amount"] == 28_000_000  # 35 % × 80 × Rp 1.000.000
    assert disability["basis"].startswith(JKK_BASIS)
    assert opened["total"] == stmb + 28_000_000
    assert opened["assessment"] == {
        "incapacity_months": 13,
        "disability": "partial",
        "percent": 35,
        "function_loss": None,
        "assessed_on": opened["assessment"]["assessed_on"],
    }


def test_cli_functional_and_total_disability(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=12, n=2)
    functional = run(
        "open",
        "--nik",
        m.nik,
        "--event",
        "work-injury",
        "--date",
        "2024-05-02",
        "--disability-percent",
        "50",
        "--function-loss",
        "40",
    )
    assert [(x["kind"], x["amount"]) for x in functional["lines"]] == [
        ("jkk-disability", 16_000_000)  # 40 % × 50 % × 80 × Rp 1.000.000
    ]
    second = str(m.people["nik"][1])
    total = run(
        "open",
        "--nik",
        second,
        "--event",
        "occupational-disease",
        "--date",
        "2024-06-02",
        "--total-disability",
    )
    assert [(x["kind"], x["amount"]) for x in total["lines"]] == [
        ("jkk-disability", 56_000_000),  # 70 % × 80 × W
        ("jkk-disability", 12_000_000),  # the periodic benefit, paid at once
    ]
    assert all(x["basis"].startswith(JKK_BASIS) for x in total["lines"])
    assert total["assessment"]["disability"] == "total"


def test_cli_assess_later_and_the_old_options_stay(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=12)
    opened = run("open", "--nik", m.nik, "--event", "work-injury", "--date", "2024-05-02")
    assert opened["entitled"] is True and opened["lines"] == [] and opened["total"] == 0
    assert opened["assessment"] is None
    claim = str(opened["claim"])
    assessed = run("assess", claim, "--disability-percent", "2,5", "--date", "2024-05-20")
    assert assessed["lines"][0]["amount"] == 2_000_000  # 2.5 % × 80 × W
    assert assessed["assessment"]["percent"] == 2.5
    assert assessed["assessment"]["assessed_on"] == "2024-05-20"
    again = run("assess", claim, "--incapacity-months", "2")
    assert [x["kind"] for x in again["lines"]] == ["stmb"] and again["total"] == 2 * W


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--disability-percent", "0"), "bukan persentase"),
        (("--disability-percent", "101"), "bukan persentase"),
        (("--disability-percent", "tiga"), "bukan persentase"),
        (("--disability-percent", "2.555"), "bukan persentase"),
        (("--function-loss", "40"), "Lampiran III"),
        (("--total-disability", "--disability-percent", "20"), "cacat total tetap"),
        (("--incapacity-months", "0"), "1 sampai 240"),
    ],
)
def test_cli_bad_assessment_one_message_nothing_written(
    member: Callable[..., Member], extra: tuple[str, ...], words: str
) -> None:
    m = member(first=Month(2024, 1), paid=12)
    message = fails(
        "open", "--nik", m.nik, "--event", "work-injury", "--date", "2024-05-02", *extra
    )
    assert words in message
    assert not Claim.objects.exists()


def test_no_assessment_on_a_death(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=12)
    message = fails(
        "open", "--nik", m.nik, "--event", "death", "--date", "2024-05-02", "--total-disability"
    )
    assert "kematian" in message
    assert not Claim.objects.exists()
    death = run("open", "--nik", m.nik, "--event", "death", "--date", "2024-05-02")
    assert "kematian" in fails("assess", str(death["claim"]), "--disability-percent", "10")
    assert Claim.objects.get().disability == ""


# --- the service -----------------------------------------------------------------------------


def test_the_assessment_survives_the_heirs_and_stops_at_submission(
    member: Callable[..., Member],
) -> None:
    m = member(first=Month(2024, 1), paid=12)
    claim = injury(m, incapacity_months=6)
    assert claim.total == 6 * W
    claim = claim_assess(
        user=None,
        claim=claim,
        assessment=assessment_of(incapacity_months=6, disability="total"),
        today=TODAY,
    )
    assert claim.total == 6 * W + 56 * W + 12_000_000
    assert claim.documents.filter(code="npwp", required=True).exists()  # above Rp 50.000.000
    # Naming the payee and a child recomputes the entitlement: the assessment stays, and the
    # total disability brings the child's scholarship (no tenure needed after a work accident).
    claim_heirs_set(
        user=None,
        claim=claim,
        heirs=[
            HeirSpec("Pekerja", "spouse", payee=True, account="1234567890"),
            HeirSpec("Anak", "child", school_level="sd", school_year=1),
        ],
    )
    claim.refresh_from_db()
    assert claim.total == 6 * W + 68 * W
    assert list(claim.lines.order_by("position").values_list("kind", flat=True)) == [
        "stmb",
        "jkk-disability",
        "jkk-disability",
    ]
    assert claim.instalments.exists() and claim.scholarship_max > 0
    for step in (ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.SUBMITTED):
        claim_advance(user=None, claim=claim, to=step, confirm_documents=True, today=TODAY)
    with pytest.raises(ClaimError) as caught:
        claim_assess(user=None, claim=claim, assessment=Assessment(), today=TODAY)
    assert caught.value.code == "CLAIM_CLOSED"
    claim.refresh_from_db()
    assert claim.disability == "total" and claim.incapacity_months == 6


def test_only_disnaker_assesses(
    member: Callable[..., Member], make_user: Callable[..., User]
) -> None:
    m = member(first=Month(2024, 1), paid=12, regency="35.71")
    operator = make_user("op", Role.VILLAGE_OPERATOR, (str(m.person.region_id),))
    disnaker = make_user("dn", Role.REGENCY_ADMIN, ("35.71",))
    with pytest.raises(ClaimError) as caught:
        injury(m, user=operator, assessment=assessment_of(disability="total"))
    assert caught.value.code == "NOT_ALLOWED"
    assert not Claim.objects.exists()
    claim = injury(m, user=operator)  # the operator reports; Disnaker assesses
    with pytest.raises(ClaimError):
        claim_assess(user=operator, claim=claim, assessment=assessment_of(incapacity_months=1))
    assessed = claim_assess(
        user=disnaker, claim=claim, assessment=assessment_of(incapacity_months=1), today=TODAY
    )
    assert assessed.total == W and assessed.assessed_by_label == "dn"


# --- the page --------------------------------------------------------------------------------


def test_assessment_on_the_claim_page(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12, regency="35.71")
    claim = injury(m)
    disnaker = login(make_user("dn", Role.REGENCY_ADMIN, ("35.71",)))
    page = disnaker.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert 'data-testid="assessment-form"' in page
    disnaker.post(
        reverse("claim-assess", args=[claim.pk]),
        {
            "incapacity_months": "3",
            "disability": "functional",
            "disability_percent": "50",
            "function_loss": "40",
            "assessed_on": "2024-06-01",
        },
    )
    claim.refresh_from_db()
    assert claim.total == 3 * W + 16_000_000
    page = disnaker.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert "Rp 19.000.000" in page and "1 Jun 2024" in page
    # A bad percentage: a message, nothing changed.
    answer = disnaker.post(
        reverse("claim-assess", args=[claim.pk]),
        {"disability": "partial", "disability_percent": "150"},
        follow=True,
    )
    assert "150" in answer.content.decode()
    claim.refresh_from_db()
    assert claim.total == 3 * W + 16_000_000
    # The desa operator sees the assessment, without the form, and cannot post it.
    operator = login(make_user("op", Role.VILLAGE_OPERATOR, (str(m.person.region_id),)))
    page = operator.get(reverse("claim-detail", args=[claim.pk])).content.decode()
    assert 'data-testid="claim-assessment"' in page and "assessment-form" not in page
    refused = operator.post(reverse("claim-assess", args=[claim.pk]), {"incapacity_months": "1"})
    assert refused.status_code == 404


def test_report_with_assessment_on_the_new_claim_page(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12, regency="35.71")
    disnaker = login(make_user("dn", Role.REGENCY_ADMIN, ("35.71",)))
    answer = disnaker.post(
        reverse("claim-new"),
        {
            "nik": m.nik,
            "event": "work_injury",
            "event_date": "2024-05-02",
            "disability": "partial",
            "disability_percent": "10",
        },
    )
    assert answer.status_code == 302
    assert Claim.objects.get().total == 8_000_000


# --- hypothesis: the percentages through the claim flow -------------------------------------

percents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2, allow_nan=False)


@pytest.fixture
def injured(member: Callable[..., Member]) -> Claim:
    """One reported work injury, assessed again and again by the examples (a claim not yet
    submitted may be reassessed)."""
    return injury(member(first=Month(2024, 1), paid=1), day=date(2024, 1, 10))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    percent=percents,
    loss=st.none() | percents,
    months=st.none() | st.integers(min_value=1, max_value=240),
)
def test_any_assessment_gives_the_formula(
    injured: Claim, percent: Decimal, loss: Decimal | None, months: int | None
) -> None:
    """Table % × (function %) × 80 × W, rounded half up, plus STMB (W for 12 months, then
    W/2), each line with the JKK basis; the stored assessment reads back as entered."""
    assessed = claim_assess(
        user=None,
        claim=injured,
        assessment=assessment_of(
            incapacity_months=months,
            disability="functional" if loss is not None else "partial",
            percent=percent,
            function_loss=loss,
        ),
        today=TODAY,
    )
    share = Fraction(percent) / 100 * (Fraction(loss) / 100 if loss is not None else 1)
    disability = half_up(80 * W * share)
    stmb = min(months or 0, 12) * W + max((months or 0) - 12, 0) * (W // 2)
    assert assessed.total == disability + stmb
    lines = list(assessed.lines.order_by("position"))
    assert all(line.regulation.startswith("PP 44/2015") for line in lines)
    assert lines[-1].kind == "jkk-disability" and lines[-1].amount == disability
    stored = Claim.objects.get(pk=injured.pk)
    assert stored.disability_percent == percent and stored.function_loss == loss
    assert stored.total == assessed.total


@settings(max_examples=60, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=8),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
    )
)
def test_any_percentage_text_is_read_or_refused(text: str) -> None:
    """Whatever is typed as a percentage: a number in (0, 100] with two decimals at most, or
    one clear refusal — never a crash."""
    found: Assessment | ClaimError
    try:
        found = assessment_of(disability="partial", percent=text)
    except ClaimError as exc:
        found = exc
    if isinstance(found, ClaimError):
        assert found.code in {"PERCENT_INVALID", "DISABILITY_PERCENT_REQUIRED"}
        assert str(found)
    else:
        assert found.percent is not None
        assert Decimal(0) < found.percent <= 100
        assert found.percent == found.percent.quantize(Decimal("0.01"))


def test_assessment_through_the_api(
    member: Callable[..., Member], make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    m = member(first=Month(2024, 1), paid=12, regency="35.71")
    admin = login(make_user("dn", Role.REGENCY_ADMIN, ("35.71",)))
    operator = login(make_user("op", Role.VILLAGE_OPERATOR, (str(m.person.region_id),)))
    body = {
        "nik": m.nik,
        "event": "work-injury",
        "date": "2024-05-02",
        "disability": "partial",
        "disability_percent": "abc",
    }
    assert admin.post("/api/claims/open/", body).status_code == 400
    assert not Claim.objects.exists()
    opened = admin.post("/api/claims/open/", {**body, "disability_percent": "20"})
    assert opened.status_code == 201 and opened.json()["total"] == 16_000_000
    claim = opened.json()["claim"]
    url = f"/api/claims/{claim}/assess/"
    assert operator.post(url, {"incapacity_months": 2}).status_code == 400
    assessed = admin.post(url, {"incapacity_months": 2, "disability": "total"})
    assert assessed.status_code == 200
    assert assessed.json()["total"] == 2 * W + 56 * W + 12_000_000
    assert assessed.json()["assessment"]["disability"] == "total"
