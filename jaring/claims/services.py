"""Writes of the claims app, one act per function: report an event (``claim_open``), name the
heirs and the payee (``claim_heirs_set``), tick or upload a document (``claim_document_receive``)
and move the claim one step (``claim_advance``).

Each is atomic, checks the state it expects, names its actor for the audit trail and refuses
bad input with a :class:`~jaring.claims.errors.ClaimError` before anything is written. Amounts
come from the rules engine (:func:`jaring.rules.claims.entitlement`) with their legal basis;
they are never re-derived here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from jaring.accounts.roles import mask_nik
from jaring.audit.services import acting_as, cli_actor_label
from jaring.claims.errors import ClaimError
from jaring.claims.messages import DOCUMENT_LABELS
from jaring.claims.models import (
    DEATH_EVENTS,
    INJURY_EVENTS,
    Claim,
    ClaimDocument,
    ClaimFinding,
    ClaimLine,
    ClaimStatus,
    ClaimStep,
    DisabilityKind,
    EventKind,
    FindingRole,
    Heir,
    Instalment,
    message_json,
)
from jaring.core import bulk, crypto
from jaring.core.scoping import region_in_scope
from jaring.finance.messages import day_label, rupiah
from jaring.finance.models import Enrolment
from jaring.finance.months import months_of
from jaring.programmes.models import Membership
from jaring.programmes.services.leaving import memberships_end_on_death
from jaring.registry.models import Person, PersonStatus
from jaring.registry.services import person_status_change
from jaring.rules.claims import (
    HEIR_RANK,
    Disability,
    Entitlement,
    entitlement,
    required_documents,
    scholarship_schedule,
)
from jaring.rules.claims import EventKind as RulesEvent
from jaring.rules.claims import HeirRelation as RulesRelation
from jaring.rules.config import MIN_INCOME_BASIS
from jaring.rules.months import Month, month_range
from jaring.rules.problems import Problem, RulesInputError
from jaring.rules.programmes import CONTRIBUTION_FUNDER
from jaring.rules.scholarship import Child, SchoolLevel, child_problems

if TYPE_CHECKING:
    from jaring.accounts.models import User

#: Steps as the command line names them, and the statuses they lead to.
STEP_NAMES: dict[str, ClaimStatus] = {
    "documents-complete": ClaimStatus.DOCUMENTS_COMPLETE,
    "submitted": ClaimStatus.SUBMITTED,
    "approved": ClaimStatus.APPROVED,
    "rejected": ClaimStatus.REJECTED,
    "paid": ClaimStatus.PAID,
    "handed-over": ClaimStatus.HANDED_OVER,
}
STEP_OF_STATUS = {status: name for name, status in STEP_NAMES.items()}
#: Where a claim may go from each status.
NEXT_STEPS: dict[str, tuple[ClaimStatus, ...]] = {
    ClaimStatus.REPORTED: (ClaimStatus.DOCUMENTS_COMPLETE, ClaimStatus.REJECTED),
    ClaimStatus.DOCUMENTS_COMPLETE: (ClaimStatus.SUBMITTED, ClaimStatus.REJECTED),
    ClaimStatus.SUBMITTED: (ClaimStatus.APPROVED, ClaimStatus.REJECTED),
    ClaimStatus.APPROVED: (ClaimStatus.PAID,),
    ClaimStatus.PAID: (ClaimStatus.HANDED_OVER,),
    ClaimStatus.REJECTED: (),
    ClaimStatus.HANDED_OVER: (),
}
#: Event names of the command line.
EVENT_NAMES: dict[str, EventKind] = {
    "death": EventKind.DEATH,
    "work-death": EventKind.WORK_DEATH,
    "work-injury": EventKind.WORK_INJURY,
    "occupational-disease": EventKind.OCCUPATIONAL_DISEASE,
}
#: Largest scan or photo (bytes) and the kinds accepted.
FILE_MAX_BYTES = 10 * 1024 * 1024
FILE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
_DIGITS = re.compile(r"[\s.\-']")


def sla_working_days() -> int:
    """Working days BPJS has to settle a submitted claim (PP 44/2015; configurable)."""
    return int(getattr(settings, "JARING_CLAIM_SLA_DAYS", 3))


def _actor(user: User | None) -> str:
    return user.get_username() if user is not None else cli_actor_label()


def _day_of(on: date | None, today: date | None) -> date:
    """The day of an act: ``on``, today by default, never in the future."""
    today = today or timezone.localdate()
    on = on or today
    if on > today:
        raise ClaimError("DATE_IN_FUTURE", date=day_label(on), today=day_label(today))
    return on


def _check_role(user: User | None, what: str) -> None:
    if user is not None and not user.capabilities.manage_claims:
        raise ClaimError("NOT_ALLOWED", what=what)


# --- looking up the person ------------------------------------------------------------------


def nik_digits(text: str) -> str:
    digits = _DIGITS.sub("", text or "")
    if len(digits) != 16 or not digits.isdigit():
        raise ClaimError("NIK_INVALID", nik=text)
    return digits


def person_by_nik(user: User | None, nik: str) -> Person:
    """The registered person with ``nik`` in the user's regions; one message for a NIK not
    registered and one outside the user's regions (their existence is not revealed)."""
    digits = nik_digits(nik)
    people = Person.objects.restrict(user) if user is not None else Person.objects.all()
    person = (
        people.select_related("region")
        .filter(nik_index=crypto.blind_index(digits, purpose="nik"))
        .first()
    )
    if person is None:
        raise ClaimError("PERSON_NOT_FOUND", nik=mask_nik(digits))
    if person.status == PersonStatus.MERGED:
        raise ClaimError("PERSON_MERGED", nik=mask_nik(digits))
    return person


# --- the rules engine's inputs from the person's rows ---------------------------------------


@dataclass(frozen=True)
class Coverage:
    """What finance and programmes hold of a person, as the rules engine takes it."""

    paid: tuple[Month, ...]
    covered: tuple[Month, ...]
    membership: Membership | None


def coverage_of(person_id: int, event_date: date) -> Coverage:
    """Paid months across the person's enrolments, covered months across their memberships,
    and the membership of the event month (or the last one before it)."""
    paid: set[Month] = set()
    for base, mask in Enrolment.objects.filter(person_id=person_id).values_list(
        "base_month", "paid_mask"
    ):
        paid.update(months_of(int(mask), base))
    covered: set[Month] = set()
    memberships = list(
        Membership.objects.filter(person_id=person_id).order_by("-first_month", "-id")
    )
    for membership in memberships:
        covered.update(
            month_range(Month.of(membership.first_month), Month.of(membership.last_month))
        )
    first_day = event_date.replace(day=1)
    current = next(
        (m for m in memberships if m.first_month <= first_day <= m.last_month), None
    ) or next((m for m in memberships if m.first_month <= first_day), None)
    return Coverage(tuple(sorted(paid)), tuple(sorted(covered)), current)


def _children(heirs: Sequence[Heir]) -> tuple[tuple[Child, ...], tuple[date | None, ...]]:
    children = [h for h in heirs if h.relation == "child" and h.school_level]
    return (
        tuple(Child(cast(SchoolLevel, h.school_level), h.school_year or 1) for h in children),
        tuple(h.birth_date for h in children),
    )


# --- the JKK assessment of an injury --------------------------------------------------------

#: Months of temporary incapacity (STMB) an assessment may give.
INCAPACITY_MAX_MONTHS = 240
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Assessment:
    """The JKK assessment of a work accident or occupational disease the worker survived, as
    Disnaker enters it from the doctor's statement: months unable to work (STMB) and the
    permanent disability — none, partial anatomical (``percent`` of Lampiran III PP 44/2015),
    partial functional (``percent`` × ``function_loss`` % of the function lost) or total."""

    incapacity_months: int | None = None
    disability: str = ""
    percent: Decimal | None = None
    function_loss: Decimal | None = None

    @property
    def empty(self) -> bool:
        return not self.incapacity_months and not self.disability

    def rules(self) -> Disability | None:
        """The rules engine's :class:`~jaring.rules.claims.Disability` (``None``: none)."""
        if self.disability == DisabilityKind.TOTAL:
            return Disability(total=True)
        if self.disability in (DisabilityKind.PARTIAL, DisabilityKind.FUNCTIONAL):
            return Disability(percent=self.percent, function_loss=self.function_loss)
        return None


def _plain(number: Decimal | None) -> Decimal | None:
    """``Decimal("35.00")`` → ``35``, ``"12.50"`` → ``12.5`` (as a label shows it)."""
    if number is None:
        return None
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def percent_of(value: object, what: str) -> Decimal:
    """A percentage as entered ("35", "2,5", 12.25): above 0, at most 100, two decimals at
    most; :class:`ClaimError` otherwise."""
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ClaimError("PERCENT_INVALID", what=what, value=str(value)) from None
    if not number.is_finite() or not Decimal(0) < number <= _HUNDRED:
        raise ClaimError("PERCENT_INVALID", what=what, value=str(value))
    if number != number.quantize(Decimal("0.01")):
        raise ClaimError("PERCENT_INVALID", what=what, value=str(value))
    plain = _plain(number)
    assert plain is not None
    return plain


def assessment_of(
    *,
    incapacity_months: int | None = None,
    disability: str = "",
    percent: object = None,
    function_loss: object = None,
) -> Assessment:
    """Check an assessment as entered (page, command line, API) and return it; refused with one
    message: a percentage missing, out of (0, 100] or given where it does not belong, months of
    incapacity out of 1..240."""
    if incapacity_months is not None and not 1 <= incapacity_months <= INCAPACITY_MAX_MONTHS:
        raise ClaimError(
            "INCAPACITY_INVALID", months=incapacity_months, limit=INCAPACITY_MAX_MONTHS
        )
    kind = (disability or "").strip().lower()
    if kind not in DisabilityKind.values:
        raise ClaimError("DISABILITY_UNKNOWN", kind=disability)
    given = percent not in (None, "")
    loss_given = function_loss not in (None, "")
    if kind in ("", DisabilityKind.TOTAL) and (given or loss_given):
        raise ClaimError("DISABILITY_PERCENT_NOT_HERE", kind=DisabilityKind(kind).label)
    if kind in (DisabilityKind.PARTIAL, DisabilityKind.FUNCTIONAL) and not given:
        raise ClaimError("DISABILITY_PERCENT_REQUIRED")
    if kind == DisabilityKind.PARTIAL and loss_given:
        raise ClaimError("FUNCTION_LOSS_ONLY_FUNCTIONAL")
    if kind == DisabilityKind.FUNCTIONAL and not loss_given:
        raise ClaimError("FUNCTION_LOSS_REQUIRED")
    return Assessment(
        incapacity_months=incapacity_months or None,
        disability=kind,
        percent=percent_of(percent, "Lampiran III") if given else None,
        function_loss=percent_of(function_loss, "fungsi") if loss_given else None,
    )


def _assessment(claim: Claim) -> Assessment:
    return Assessment(
        incapacity_months=claim.incapacity_months,
        disability=claim.disability,
        percent=_plain(claim.disability_percent),
        function_loss=_plain(claim.function_loss),
    )


def _compute(claim: Claim, coverage: Coverage, heirs: Sequence[Heir]) -> Entitlement:
    """The rules engine's answer for ``claim`` with its stored assessment."""
    assessment = _assessment(claim)
    membership = coverage.membership
    children, _ = _children(heirs)
    funder = CONTRIBUTION_FUNDER.get(membership.funder) if membership else None  # type: ignore[call-overload]
    try:
        return entitlement(
            event=cast(RulesEvent, claim.event),
            event_date=claim.event_date,
            paid_months=coverage.paid,
            covered_months=coverage.covered,
            income=membership.income_basis if membership else claim.income_basis,
            children=children,
            funder=funder,
            incapacity_months=assessment.incapacity_months,
            disability=assessment.rules(),
        )
    except RulesInputError as exc:
        reason = "; ".join(p.message.render("id") for p in exc.problems)
        raise ClaimError("DATE_RULES", date=day_label(claim.event_date), reason=reason) from exc


def _findings(claim: Claim, role: FindingRole, problems: Sequence[Problem], start: int) -> int:
    rows = [
        ClaimFinding(
            claim=claim,
            position=start + i,
            role=role,
            code=p.code,
            severity=p.severity,
            params=p.text_params(),
        )
        for i, p in enumerate(problems)
    ]
    ClaimFinding.objects.bulk_create(rows)
    return start + len(rows)


def _store(claim: Claim, result: Entitlement, heirs: Sequence[Heir]) -> None:
    """Write the engine's answer: lines with their legal basis, reasons and notes, the
    scholarship's yearly instalments; the claim's figures."""
    ClaimLine.objects.filter(claim=claim).delete()
    ClaimFinding.objects.filter(claim=claim).delete()
    Instalment.objects.filter(claim=claim).delete()
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim,
            position=i,
            kind=line.kind,
            code=line.amount.code,
            amount=line.amount.rupiah,
            label=message_json(line.amount.label),
            regulation=line.amount.basis.regulation,
            article=line.amount.basis.article or "",
            verified=line.amount.basis.verified,
        )
        for i, line in enumerate(result.lines, start=1)
    )
    position = _findings(claim, FindingRole.REASON, result.reasons, 1)
    children, births = _children(heirs)
    instalments, schedule_notes = scholarship_schedule(
        result.scholarship,
        children,
        event_date=claim.event_date,
        first_due=claim.event_date,
        birth_dates=births,
    )
    _findings(claim, FindingRole.NOTE, [*result.notes, *schedule_notes], position)
    Instalment.objects.bulk_create(
        Instalment(
            claim=claim,
            child=item.child,
            number=item.number,
            level=item.level,
            year=item.year,
            due_on=item.due_on,
            amount=item.amount.rupiah,
            regulation=item.amount.basis.regulation,
            article=item.amount.basis.article or "",
        )
        for item in instalments
    )
    grant = result.scholarship
    claim.entitled = result.entitled
    claim.total = result.total
    claim.scholarship_max = grant.maximum_total if grant is not None and grant.eligible else 0
    claim.protection = result.status.state.value
    claim.membership_start = result.membership_start.first_day if result.membership_start else None
    claim.tenure_months = result.tenure_months
    claim.contribution_months = result.contribution_months
    claim.era = result.era or ""


def _documents(claim: Claim, payee: str | None) -> None:
    """The checklist of the file for the event, the payee's relation and the amount; documents
    already seen stay, ones no longer asked for stay listed as not required."""
    needed = required_documents(
        cast(RulesEvent, claim.event),
        payee_relation=cast(RulesRelation, payee) if payee else None,
        cash_total=claim.total,
    )
    existing = {d.code: d for d in ClaimDocument.objects.filter(claim=claim)}
    for code in needed:
        document = existing.get(code)
        if document is None:
            ClaimDocument.objects.create(claim=claim, code=code, required=True)
        elif not document.required:
            document.required = True
            document.save(update_fields=["required"])
    for name, document in existing.items():
        if name not in needed and document.required:
            document.required = False
            document.save(update_fields=["required"])


def _step(
    claim: Claim,
    user: User | None,
    *,
    before: str,
    on: date,
    note: str = "",
    amount: int | None = None,
) -> ClaimStep:
    return ClaimStep.objects.create(
        claim=claim,
        from_status=before,
        to_status=claim.status,
        on=on,
        amount=amount,
        note=note[:300],
        by=user,
        by_label=_actor(user),
    )


# --- reporting an event ---------------------------------------------------------------------


def _check_assessment_event(event: EventKind, assessment: Assessment) -> None:
    if not assessment.empty and event not in INJURY_EVENTS:
        raise ClaimError("ASSESSMENT_NOT_FOR_DEATH")


def _set_assessment(claim: Claim, assessment: Assessment, *, user: User | None, on: date) -> None:
    claim.incapacity_months = assessment.incapacity_months
    claim.disability = assessment.disability
    claim.disability_percent = assessment.percent
    claim.function_loss = assessment.function_loss
    claim.assessed_on = None if assessment.empty else on
    claim.assessed_by_label = "" if assessment.empty else _actor(user)


def _check_date(person: Person, event_date: date, today: date) -> None:
    if event_date > today:
        raise ClaimError("DATE_IN_FUTURE", date=day_label(event_date), today=day_label(today))
    if person.birth_date is not None and event_date < person.birth_date:
        raise ClaimError(
            "DATE_BEFORE_BIRTH", date=day_label(event_date), birth=day_label(person.birth_date)
        )


def _check_no_death(person: Person, event: EventKind, event_date: date) -> None:
    death = (
        Claim.objects.filter(person=person, event__in=DEATH_EVENTS)
        .values_list("pk", "event_date")
        .first()
    )
    if death is not None:
        if event in DEATH_EVENTS:
            raise ClaimError("DEATH_EXISTS", claim=death[0], date=day_label(death[1]))
        if event_date > death[1]:
            raise ClaimError(
                "EVENT_AFTER_DEATH",
                claim=death[0],
                death=day_label(death[1]),
                date=day_label(event_date),
            )
    elif person.status == PersonStatus.DECEASED and event not in DEATH_EVENTS:
        raise ClaimError("DECEASED_WITHOUT_DATE")


def _plausible_death(person: Person, day: date) -> bool:
    """Whether ``day`` may be stored as the person's date of death (not to come, not before
    birth); otherwise the status change records the day it is made."""
    return day <= timezone.localdate() and (person.birth_date is None or day >= person.birth_date)


def claim_open(
    *,
    user: User | None,
    person: Person,
    event: EventKind | str,
    event_date: date,
    place: str = "",
    cause: str = "",
    reporter: str = "",
    incapacity_months: int | None = None,
    assessment: Assessment | None = None,
    reported_on: date | None = None,
    today: date | None = None,
) -> Claim:
    """Report an event of ``person`` and compute what it entitles to on ``event_date``.

    For a work accident or occupational disease the worker survived, the JKK ``assessment``
    (months unable to work, the disability) may come with the report or later
    (:func:`claim_assess`); ``incapacity_months`` alone is the STMB part of it.

    A death marks the person deceased (the registry's ``person_status_change``), ends their
    memberships after that month and takes them out of any open draft decree (removed as
    deceased). ``reported_on`` is the day the report came in (today by default). Refused, with
    nothing written: a person outside the user's regions, a date in the future or before
    birth, a second claim for one death, an event after the death.
    """
    _check_role(user, "report a claim")
    kind = EventKind(event)
    if assessment is None:
        assessment = assessment_of(incapacity_months=incapacity_months)
    _check_assessment_event(kind, assessment)
    if not assessment.empty and user is not None and not user.capabilities.assess_claims:
        raise ClaimError("NOT_ALLOWED", what="assess a disability")
    if user is not None and not region_in_scope(user, person.region_id):
        raise ClaimError("PERSON_NOT_FOUND", nik=mask_nik(person.nik))
    today = today or timezone.localdate()
    _check_date(person, event_date, today)
    reported_on = reported_on or today
    if reported_on > today:
        raise ClaimError("DATE_IN_FUTURE", date=day_label(reported_on), today=day_label(today))
    if reported_on < event_date:
        raise ClaimError(
            "STEP_DATE_BEFORE",
            date=day_label(reported_on),
            previous=kind.label,
            previous_date=day_label(event_date),
        )
    with transaction.atomic(), acting_as(user):
        locked = Person.objects.select_for_update().get(pk=person.pk)
        _check_no_death(locked, kind, event_date)
        coverage = coverage_of(locked.pk, event_date)
        membership = coverage.membership
        claim = Claim(
            person=locked,
            region_id=locked.region_id,
            programme_id=membership.programme_id if membership else None,
            membership=membership,
            event=kind,
            event_date=event_date,
            place=place.strip()[:200],
            cause=cause.strip()[:300],
            reporter=reporter.strip()[:200],
            entitled=False,
            income_basis=membership.income_basis if membership else MIN_INCOME_BASIS,
            reported_by=user,
        )
        _set_assessment(claim, assessment, user=user, on=reported_on)
        result = _compute(claim, coverage, ())
        try:
            with transaction.atomic():
                claim.save()
        except IntegrityError:
            death = Claim.objects.filter(person=locked, event__in=DEATH_EVENTS).first()
            raise ClaimError(
                "DEATH_EXISTS",
                claim=death.pk if death else "?",
                date=day_label(death.event_date) if death else "—",
            ) from None
        _store(claim, result, ())
        claim.save()
        _documents(claim, None)
        _step(claim, user, before="", on=reported_on)
        if kind in DEATH_EVENTS:
            if locked.status != PersonStatus.DECEASED:
                person_status_change(
                    person=locked,
                    status=PersonStatus.DECEASED,
                    user=user,
                    expected=PersonStatus(locked.status),
                    # The day of death: the people tally counts them up to that month.
                    on=event_date if _plausible_death(locked, event_date) else None,
                )
            memberships_end_on_death(user=user, person_id=locked.pk, month=Month.of(event_date))
    return claim


# --- heirs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeirSpec:
    """An heir as entered: name, relation, NIK, birth date, school level and year (a child's
    scholarship), and for the payee the bank, account number and holder."""

    name: str
    relation: str
    nik: str = ""
    birth_date: date | None = None
    school_level: str = ""
    school_year: int | None = None
    payee: bool = False
    bank_name: str = ""
    account: str = ""
    account_holder: str = ""


def _heir_key(name: str, relation: str) -> tuple[str, str]:
    return (" ".join(name.lower().split()), relation)


def _check_heirs(
    specs: Sequence[HeirSpec], accounts: frozenset[tuple[str, str]] = frozenset()
) -> None:
    """``accounts``: heirs (name, relation) whose stored account stands when none is given."""
    for position, spec in enumerate(specs, start=1):
        if not spec.name.strip():
            raise ClaimError("HEIR_NAME_REQUIRED", position=position)
        if spec.relation not in HEIR_RANK:
            raise ClaimError("HEIR_RELATION_UNKNOWN", relation=spec.relation, position=position)
        if spec.nik.strip():
            digits = _DIGITS.sub("", spec.nik)
            if len(digits) != 16 or not digits.isdigit():
                raise ClaimError("HEIR_NIK_INVALID", position=position)
        if spec.school_level:
            found = child_problems(
                Child(cast(SchoolLevel, spec.school_level), spec.school_year or 1)
            )
            if found:
                raise ClaimError(
                    "HEIR_SCHOOL", position=position, reason=found[0].message.render("id")
                )
        if spec.payee and (
            spec.account.strip() or _heir_key(spec.name, spec.relation) not in accounts
        ):
            account = _DIGITS.sub("", spec.account)
            if not (6 <= len(account) <= 20 and account.isdigit()):
                raise ClaimError("HEIR_ACCOUNT_INVALID", account=spec.account or "—")
    payees = sum(1 for s in specs if s.payee)
    if specs and payees != 1:
        raise ClaimError("HEIR_PAYEE_COUNT", count=payees)


def claim_heirs_set(*, user: User | None, claim: Claim, heirs: Sequence[HeirSpec]) -> list[Heir]:
    """Name the heirs (replacing earlier ones) in the regulation's order, the payee and their
    bank account (encrypted like the NIK); the scholarship and the documents follow the
    children and the payee. Only while the claim has not been submitted. An heir given again
    (same name and relation) without a NIK or account number keeps the stored one (pages never
    show the ciphers back in a form)."""
    _check_role(user, "name the heirs")
    # Kept as values, not ciphers: a cipher is bound to its heir's row (ADR 0016), and the
    # heirs are written anew.
    stored = {
        _heir_key(h.name, h.relation): (
            crypto.field_decrypt(h, "nik_cipher"),
            crypto.field_decrypt(h, "account_cipher"),
        )
        for h in Heir.objects.filter(claim=claim)
    }
    _check_heirs(heirs, frozenset(k for k, (_, account) in stored.items() if account))
    with transaction.atomic(), acting_as(user):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status not in (ClaimStatus.REPORTED, ClaimStatus.DOCUMENTS_COMPLETE):
            raise ClaimError("CLAIM_CLOSED", claim=locked.pk, status=locked.get_status_display())
        Heir.objects.filter(claim=locked).delete()
        order = sorted(range(len(heirs)), key=lambda i: (HEIR_RANK[heirs[i].relation], i))  # type: ignore[index]
        # Ids first: each heir's NIK and account are encrypted for its own row.
        bulk.lock_table(Heir)
        first_id = bulk.reserve_ids(Heir, len(order))
        rows = []
        for position, index in enumerate(order, start=1):
            spec = heirs[index]
            kept_nik, kept_account = stored.get(_heir_key(spec.name, spec.relation), (None, None))
            nik = _DIGITS.sub("", spec.nik) or kept_nik
            account = (_DIGITS.sub("", spec.account) or kept_account) if spec.payee else None
            heir = Heir(
                pk=first_id + position - 1,
                claim=locked,
                position=position,
                rank=HEIR_RANK[spec.relation],  # type: ignore[index]
                name=spec.name.strip()[:150],
                relation=spec.relation,
                birth_date=spec.birth_date,
                school_level=spec.school_level,
                school_year=spec.school_year if spec.school_level else None,
                is_payee=spec.payee,
                bank_name=spec.bank_name.strip()[:80] if spec.payee else "",
                account_holder=(spec.account_holder.strip() or spec.name.strip())[:150]
                if spec.payee
                else "",
            )
            heir.nik_cipher = crypto.field_encrypt(heir, "nik_cipher", nik)
            heir.account_cipher = crypto.field_encrypt(heir, "account_cipher", account)
            heir.save(force_insert=True)
            rows.append(heir)
        coverage = coverage_of(locked.person_id, locked.event_date)
        result = _compute(locked, coverage, rows)
        _store(locked, result, rows)
        locked.save()
        payee = next((h.relation for h in rows if h.is_payee), None)
        _documents(locked, payee)
    return rows


def claim_assess(
    *,
    user: User | None,
    claim: Claim,
    assessment: Assessment,
    on: date | None = None,
    today: date | None = None,
) -> Claim:
    """Enter (or correct) the JKK assessment of a work accident or occupational disease the
    worker survived — months unable to work and the permanent disability, from the doctor's
    statement — and recompute the entitlement from it: STMB and disability lines with their
    legal basis, the scholarship after a total disability, the documents (an NPWP above
    Rp 50.000.000). Disnaker's act (roles that may assess claims); only before the claim is
    submitted to BPJS; ``on`` is the day of the assessment (today by default)."""
    if user is not None and not user.capabilities.assess_claims:
        raise ClaimError("NOT_ALLOWED", what="assess a disability")
    on = _day_of(on, today)
    with transaction.atomic(), acting_as(user):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.event not in INJURY_EVENTS:
            raise ClaimError("ASSESSMENT_NOT_FOR_DEATH")
        if locked.status not in (ClaimStatus.REPORTED, ClaimStatus.DOCUMENTS_COMPLETE):
            raise ClaimError("CLAIM_CLOSED", claim=locked.pk, status=locked.get_status_display())
        if on < locked.event_date:
            raise ClaimError(
                "STEP_DATE_BEFORE",
                date=day_label(on),
                previous=locked.get_event_display(),
                previous_date=day_label(locked.event_date),
            )
        heirs = list(Heir.objects.filter(claim=locked))
        _set_assessment(locked, assessment, user=user, on=on)
        result = _compute(locked, coverage_of(locked.person_id, locked.event_date), heirs)
        _store(locked, result, heirs)
        locked.save()
        payee = next((h.relation for h in heirs if h.is_payee), None)
        _documents(locked, payee)
    return locked


# --- documents ------------------------------------------------------------------------------


def _file(upload: bytes | IO[bytes], name: str) -> tuple[ContentFile[bytes], str, int]:
    data = upload if isinstance(upload, bytes) else upload.read()
    if len(data) > FILE_MAX_BYTES:
        raise ClaimError("FILE_TOO_LARGE", size=f"{len(data):,} B", limit=f"{FILE_MAX_BYTES:,} B")
    suffix = Path(name).suffix.lower()
    looks = data[:4] == b"%PDF" or data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n"
    if suffix not in FILE_SUFFIXES or not looks:
        raise ClaimError("FILE_TYPE", name=name or "—")
    return ContentFile(data), hashlib.sha256(data).hexdigest(), len(data)


def claim_document_receive(
    *,
    user: User | None,
    claim: Claim,
    code: str,
    received: bool = True,
    upload: bytes | IO[bytes] | None = None,
    name: str = "",
) -> ClaimDocument:
    """Tick a document of the file as seen (or not), with its scan when given: a PDF or an
    image, kept outside the public files (served by an access-checked, audited view)."""
    _check_role(user, "receive claim documents")
    content = _file(upload, name) if upload is not None else None
    with transaction.atomic(), acting_as(user):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status not in (ClaimStatus.REPORTED, ClaimStatus.DOCUMENTS_COMPLETE):
            raise ClaimError("CLAIM_CLOSED", claim=locked.pk, status=locked.get_status_display())
        document = ClaimDocument.objects.filter(claim=locked, code=code).first()
        if document is None:
            if code not in DOCUMENT_LABELS:
                raise ClaimError("DOCUMENT_UNKNOWN", code=code)
            document = ClaimDocument(claim=locked, code=code, required=False)
        document.received = received or content is not None
        document.received_by = user if document.received else None
        document.received_at = timezone.now() if document.received else None
        if content is not None:
            data, digest, size = content
            document.file_name = Path(name).name[:255]
            document.file_sha256, document.file_size = digest, size
            document.file.save(document.file_name, data, save=False)
        document.save()
    return document


# --- moving a claim -------------------------------------------------------------------------


def step_of(text: str) -> ClaimStatus:
    step = STEP_NAMES.get(text.strip().lower().replace("_", "-"))
    if step is None:
        raise ClaimError("STEP_UNKNOWN", step=text)
    return step


def _labels(statuses: Sequence[ClaimStatus]) -> str:
    return ", ".join(STEP_OF_STATUS[s] for s in statuses) or "—"


def claim_advance(
    *,
    user: User | None,
    claim: Claim,
    to: ClaimStatus | str,
    on: date | None = None,
    amount: int | None = None,
    note: str = "",
    confirm_documents: bool = False,
    photo: bytes | IO[bytes] | None = None,
    photo_name: str = "",
    today: date | None = None,
) -> Claim:
    """Move a claim one step: berkas lengkap (every required document seen, or confirmed so
    by ``confirm_documents``), diajukan (the SLA clock starts), disetujui or ditolak (with the
    reason), dibayar (date and amount received: a difference from the entitlement needs a
    note), diserahkan (optional photo). Refused, with nothing written, out of order, dated in
    the future or before the previous step."""
    _check_role(user, "move a claim")
    target = ClaimStatus(to)
    today = today or timezone.localdate()
    on = on or today
    note = note.strip()
    if on > today:
        raise ClaimError("DATE_IN_FUTURE", date=day_label(on), today=day_label(today))
    if amount is not None and target != ClaimStatus.PAID:
        raise ClaimError("AMOUNT_ONLY_WHEN_PAID")
    content = _file(photo, photo_name) if photo is not None else None
    with transaction.atomic(), acting_as(user):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        allowed = NEXT_STEPS[locked.status]
        if target not in allowed:
            raise ClaimError(
                "STEP_OUT_OF_ORDER",
                claim=locked.pk,
                status=locked.get_status_display(),
                step=STEP_OF_STATUS.get(target, target),
                allowed=_labels(allowed),
            )
        last = locked.steps.order_by("-on", "-id").first()
        floor = max(last.on, locked.event_date) if last is not None else locked.event_date
        if on < floor:
            raise ClaimError(
                "STEP_DATE_BEFORE",
                date=day_label(on),
                previous=last.get_to_status_display() if last else locked.get_event_display(),
                previous_date=day_label(floor),
            )
        if target == ClaimStatus.DOCUMENTS_COMPLETE:
            missing = locked.documents.filter(required=True, received=False)
            if missing.exists() and not confirm_documents:
                raise ClaimError(
                    "DOCUMENTS_MISSING",
                    missing=", ".join(str(DOCUMENT_LABELS.get(d.code, d.code)) for d in missing),
                )
            missing.update(received=True, received_by=user, received_at=timezone.now())
        elif target == ClaimStatus.SUBMITTED:
            locked.submitted_on = on
        elif target == ClaimStatus.APPROVED:
            locked.decided_on = on
        elif target == ClaimStatus.REJECTED:
            if not note:
                raise ClaimError("REASON_REQUIRED")
            locked.decided_on = on
            locked.rejection_reason = note[:300]
        elif target == ClaimStatus.PAID:
            if amount is None:
                raise ClaimError("AMOUNT_REQUIRED")
            if amount != locked.total and not note:
                raise ClaimError(
                    "AMOUNT_DIFFERS",
                    amount=rupiah(amount),
                    total=rupiah(locked.total),
                    difference=rupiah(amount - locked.total),
                )
            locked.paid_on, locked.amount_received = on, amount
            locked.payment_note = note[:300]
            _instalments_paid_with_claim(locked, user, on)
        elif target == ClaimStatus.HANDED_OVER:
            locked.handed_over_on = on
            if content is not None:
                locked.handover_photo.save(Path(photo_name).name, content[0], save=False)
        before = locked.status
        locked.status = target
        locked.save()
        _step(locked, user, before=before, on=on, note=note, amount=amount)
    return locked


# --- scholarship instalments ----------------------------------------------------------------


def _instalments_paid_with_claim(claim: Claim, user: User | None, on: date) -> int:
    """The scholarship instalments due by the day the claim is paid are paid with it (BPJS
    pays the first year with the lump sum); later years stay open and come due year by year."""
    due = list(
        Instalment.objects.filter(claim=claim, paid_on__isnull=True, due_on__lte=on).order_by(
            "due_on", "child"
        )
    )
    for instalment in due:  # at most a year's lines of two children: audited one by one
        instalment.paid_on = on
        instalment.reference = f"klaim #{claim.pk}"
        instalment.paid_by_label = _actor(user)
        instalment.save(update_fields=["paid_on", "reference", "paid_by_label"])
    return len(due)


def instalment_pay(
    *,
    user: User | None,
    claim: Claim,
    child: int,
    number: int,
    on: date | None = None,
    reference: str = "",
    today: date | None = None,
) -> Instalment:
    """Record a later year's scholarship instalment (child ``child``, instalment ``number``)
    as paid on ``on`` (today by default). Only once the claim itself is paid, once the
    instalment is due, and once: refused otherwise, with nothing written."""
    _check_role(user, "record a scholarship payment")
    on = _day_of(on, today)
    with transaction.atomic(), acting_as(user):
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        instalment = Instalment.objects.filter(claim=locked, child=child, number=number).first()
        if instalment is None:
            raise ClaimError("INSTALMENT_NOT_FOUND", claim=locked.pk, child=child, number=number)
        if locked.status not in (ClaimStatus.PAID, ClaimStatus.HANDED_OVER):
            raise ClaimError(
                "INSTALMENT_CLAIM_NOT_PAID", claim=locked.pk, status=locked.get_status_display()
            )
        if instalment.paid_on is not None:
            raise ClaimError(
                "INSTALMENT_ALREADY_PAID",
                child=child,
                number=number,
                date=day_label(instalment.paid_on),
            )
        if on < instalment.due_on:
            raise ClaimError(
                "INSTALMENT_NOT_DUE",
                child=child,
                number=number,
                due=day_label(instalment.due_on),
                date=day_label(on),
            )
        instalment.paid_on = on
        instalment.reference = reference.strip()[:100]
        instalment.paid_by_label = _actor(user)
        instalment.save(update_fields=["paid_on", "reference", "paid_by_label"])
    return instalment


__all__ = [
    "EVENT_NAMES",
    "NEXT_STEPS",
    "STEP_NAMES",
    "Assessment",
    "HeirSpec",
    "assessment_of",
    "claim_advance",
    "claim_assess",
    "claim_document_receive",
    "claim_heirs_set",
    "claim_open",
    "coverage_of",
    "instalment_pay",
    "person_by_nik",
    "sla_working_days",
    "step_of",
]
