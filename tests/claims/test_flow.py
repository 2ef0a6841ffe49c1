"""The RULES.md §8 benefit vectors through the claim flow: members of signed programmes whose
bills were paid, a reported event, the entitlement from their rows, the death's effects on the
registry and the decrees, and the steps to the handover."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.claims.errors import ClaimError
from jaring.claims.models import Claim, ClaimStatus, ClaimStep, Heir
from jaring.claims.services import HeirSpec, claim_advance, claim_heirs_set, claim_open
from jaring.core import crypto
from jaring.programmes.models import ChangeReason, DecreeEntry, EntryStatus, Membership
from jaring.programmes.selectors import decree_diff
from jaring.programmes.services import decree_draft, decree_sign
from jaring.programmes.tallies import membership_tally_differences
from jaring.registry.models import Person, PersonStatus
from jaring.rules.months import Month
from tests.claims.conftest import Member

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 3)


def open_claim(
    member: Member, event: str, day: date, incapacity_months: int | None = None
) -> Claim:
    return claim_open(
        user=None,
        person=member.person,
        event=event,
        event_date=day,
        today=TODAY,
        reported_on=min(day, TODAY),
        incapacity_months=incapacity_months,
    )


def test_death_in_membership_month_2_is_10_million(member: Callable[..., Member]) -> None:
    m = member(first=Month(2025, 7), paid=2)
    claim = open_claim(m, "death", date(2025, 8, 20))
    assert claim.entitled and claim.total == 10_000_000
    assert claim.tenure_months == 1
    (line,) = claim.lines.all()
    assert (line.kind, line.amount, line.regulation) == ("jkm", 10_000_000, "Permenaker 1/2025")
    assert claim.findings.filter(code="JKM_QUALIFYING_PERIOD").exists()


def test_death_in_membership_month_4_is_42_million(member: Callable[..., Member]) -> None:
    m = member(first=Month(2025, 7), paid=4)
    claim = open_claim(m, "death", date(2025, 10, 20))
    assert claim.total == 42_000_000
    assert [(line.amount, line.citation) for line in claim.lines.order_by("position")] == [
        (20_000_000, "PP 44/2015 jo. PP 82/2019 Pasal 34"),
        (12_000_000, "PP 44/2015 jo. PP 82/2019 Pasal 34"),
        (10_000_000, "PP 44/2015 jo. PP 82/2019 Pasal 34"),
    ]


def test_work_death_is_70_million_in_the_first_month(member: Callable[..., Member]) -> None:
    m = member(first=Month(2025, 7), paid=1)
    claim = open_claim(m, "work_death", date(2025, 7, 2))
    assert claim.total == 70_000_000
    assert [line.amount for line in claim.lines.order_by("position")] == [
        48_000_000,
        12_000_000,
        10_000_000,
    ]
    assert {line.kind for line in claim.lines.all()} == {"jkk-death"}
    claim_heirs_set(
        user=None,
        claim=claim,
        heirs=[
            HeirSpec("Anak Satu", "child", school_level="tk"),
            HeirSpec("Anak Dua", "child", school_level="tk"),
            HeirSpec("Istri", "spouse", payee=True, bank_name="BRI", account="0123456789"),
        ],
    )
    claim.refresh_from_db()
    assert claim.scholarship_max == 174_000_000  # JKK: no minimum tenure
    assert claim.instalments.exists()


@pytest.mark.parametrize(
    ("died", "paid", "eligible"), [(date(2025, 6, 10), 36, False), (date(2025, 7, 1), 37, True)]
)
def test_scholarship_at_35_and_36_months(
    member: Callable[..., Member], died: date, paid: int, eligible: bool
) -> None:
    m = member(first=Month(2022, 7), months=40, paid=paid)
    claim = open_claim(m, "death", died)
    assert claim.total == 42_000_000
    claim_heirs_set(
        user=None,
        claim=claim,
        heirs=[
            HeirSpec("Anak Dua", "child", school_level="sd", school_year=2),
            HeirSpec("Anak Satu", "child", school_level="smp"),
            HeirSpec("Istri", "spouse", payee=True, account="0123456789"),
        ],
    )
    claim.refresh_from_db()
    assert claim.contribution_months == (36 if eligible else 35)
    assert (claim.scholarship_max > 0) is eligible
    assert claim.instalments.exists() is eligible
    if eligible:
        # Yearly lines: SD year 2 onwards and SMP year 1 onwards, due a year apart.
        first = claim.instalments.filter(child=1).order_by("number")
        assert [i.due_on.year for i in first[:3]] == [2025, 2026, 2027]
        assert sum(i.amount for i in claim.instalments.all()) == claim.scholarship_max
    else:
        assert claim.findings.filter(code="SCHOLARSHIP_TENURE_SHORT").exists()


def test_lapsed_membership_is_not_entitled_with_the_reason(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=11)
    claim = open_claim(m, "death", date(2025, 3, 10))
    assert not claim.entitled and claim.total == 0
    assert not claim.lines.exists()
    (reason,) = claim.findings.filter(role="reason")
    assert reason.code == "CLAIM_MEMBERSHIP_ENDED"
    assert reason.params["lapse"] == "2025-03"


def test_death_marks_deceased_ends_memberships_and_leaves_the_next_draft(
    member: Callable[..., Member],
) -> None:
    m = member(first=Month(2025, 1), months=6, paid=3, n=3)
    programme = m.programme
    claim = open_claim(m, "death", date(2025, 3, 14))
    person = Person.objects.get(pk=claim.person_id)
    assert person.status == PersonStatus.DECEASED
    ended = Membership.objects.get(person_id=person.pk)
    assert ended.last_month == date(2025, 3, 1) and ended.end_reason == ChangeReason.DIED
    assert membership_tally_differences().is_empty()
    # The next version of the SK lists them as removed, "meninggal".
    programme.months = 12
    programme.save()
    draft = decree_draft(user=None, programme=programme, first_month=Month(2025, 7))
    entry = DecreeEntry.objects.get(decree=draft, person_id=person.pk)
    assert entry.status == EntryStatus.EXCLUDED
    signed = decree_sign(user=None, decree=draft, number="188/2", signed_on=date(2025, 6, 20))
    first = programme.decrees.get(version=1)
    diff = decree_diff(first, signed)
    assert diff.removed_by_reason == {"died": 1}


def test_death_after_an_open_draft_updates_the_draft(member: Callable[..., Member]) -> None:
    m = member(first=Month(2025, 1), months=6, paid=3, n=3)
    m.programme.months = 12
    m.programme.save()
    draft = decree_draft(user=None, programme=m.programme, first_month=Month(2025, 7))
    people = draft.people
    open_claim(m, "death", date(2025, 3, 14))
    entry = DecreeEntry.objects.get(decree=draft, person_id=m.person.pk)
    assert entry.status == EntryStatus.EXCLUDED and entry.reason == 1
    draft.refresh_from_db()
    assert draft.people == people - 1


def test_flow_from_report_to_handover_records_who_and_when(
    member: Callable[..., Member], make_user: Callable[..., User]
) -> None:
    officer = make_user("disnaker", Role.REGENCY_ADMIN, ("35.71",))
    m = member(first=Month(2025, 7), paid=4)
    claim = claim_open(
        user=officer,
        person=m.person,
        event="death",
        event_date=date(2025, 10, 20),
        today=TODAY,
        reported_on=date(2025, 10, 22),
        place="Kediri",
        cause="sakit",
    )
    claim_heirs_set(
        user=officer,
        claim=claim,
        heirs=[HeirSpec("Siti", "spouse", nik="3571015708850004", payee=True, account="12345678")],
    )
    heir = Heir.objects.get(claim=claim)
    assert heir.account_cipher is not None
    assert crypto.field_decrypt(heir, "account_cipher") == "12345678"
    assert b"12345678" not in bytes(heir.account_cipher)
    assert claim.documents.filter(code="marriage_book", required=True).exists()
    # Saved again from the page (which never shows the ciphers): NIK and account stay.
    claim_heirs_set(
        user=officer,
        claim=claim,
        heirs=[HeirSpec("Siti", "spouse", payee=True), HeirSpec("Anak", "child")],
    )
    heir = Heir.objects.get(claim=claim, relation="spouse")
    assert heir.account_cipher is not None and heir.nik_cipher is not None
    assert crypto.field_decrypt(heir, "account_cipher") == "12345678"
    with pytest.raises(ClaimError, match=r"belum lengkap|not complete"):
        claim_advance(user=officer, claim=claim, to="documents_complete", today=TODAY)
    for step, day in [
        ("documents_complete", date(2025, 11, 3)),
        ("submitted", date(2025, 11, 4)),
        ("approved", date(2025, 11, 6)),
    ]:
        claim_advance(
            user=officer,
            claim=claim,
            to=step,
            on=day,
            confirm_documents=True,
            today=TODAY,
        )
    with pytest.raises(ClaimError):
        claim_advance(user=officer, claim=claim, to="paid", amount=40_000_000, today=TODAY)
    claim_advance(
        user=officer, claim=claim, to="paid", amount=42_000_000, on=date(2025, 11, 7), today=TODAY
    )
    claim_advance(user=officer, claim=claim, to="handed_over", on=date(2025, 11, 10), today=TODAY)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.HANDED_OVER and claim.amount_received == 42_000_000
    steps = list(ClaimStep.objects.filter(claim=claim).values_list("to_status", "by_label"))
    assert [s for s, _ in steps] == [
        "reported",
        "documents_complete",
        "submitted",
        "approved",
        "paid",
        "handed_over",
    ]
    assert {by for _, by in steps} == {"disnaker"}


def test_bad_input_changes_nothing(member: Callable[..., Member]) -> None:
    m = member(first=Month(2025, 7), paid=4, born=date(1990, 1, 1))
    with pytest.raises(ClaimError, match="2027"):
        open_claim(m, "death", date(2027, 1, 1))
    with pytest.raises(ClaimError, match="1989"):
        open_claim(m, "death", date(1989, 12, 31))
    assert not Claim.objects.exists()
    assert Person.objects.get(pk=m.person.pk).status == PersonStatus.REGISTERED
    claim = open_claim(m, "death", date(2025, 10, 20))
    with pytest.raises(ClaimError, match=f"#{claim.pk}"):
        open_claim(m, "work_death", date(2025, 10, 20))
    with pytest.raises(ClaimError):
        claim_advance(user=None, claim=claim, to="approved", today=TODAY)
    with pytest.raises(ClaimError):
        claim_advance(user=None, claim=claim, to="rejected", today=TODAY)  # no reason
    assert Claim.objects.count() == 1
    assert Claim.objects.get().status == ClaimStatus.REPORTED
    assert ClaimStep.objects.count() == 1


def test_paid_amount_that_differs_needs_a_note(member: Callable[..., Member]) -> None:
    m = member(first=Month(2025, 7), paid=4)
    claim = open_claim(m, "death", date(2025, 10, 20))
    for step in ("documents_complete", "submitted", "approved"):
        claim_advance(user=None, claim=claim, to=step, confirm_documents=True, today=TODAY)
    with pytest.raises(ClaimError):
        claim_advance(user=None, claim=claim, to="paid", amount=41_000_000, today=TODAY)
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED
    claim_advance(
        user=None,
        claim=claim,
        to="paid",
        amount=41_000_000,
        note="dipotong sesuai surat BPJS",
        today=TODAY,
    )
    assert Claim.objects.get(pk=claim.pk).payment_note == "dipotong sesuai surat BPJS"


def test_work_injury_with_temporary_incapacity(member: Callable[..., Member]) -> None:
    m = member(first=Month(2024, 1), paid=12)
    claim = open_claim(m, "work_injury", date(2024, 5, 2), incapacity_months=6)
    assert claim.total == 6_000_000
    assert Person.objects.get(pk=m.person.pk).status == PersonStatus.REGISTERED
    # Another injury later is a second claim; a death still can be reported.
    open_claim(m, "work_injury", date(2024, 8, 2))
    open_claim(m, "death", date(2024, 9, 2))
    with pytest.raises(ClaimError):
        open_claim(m, "work_injury", date(2024, 10, 2))
