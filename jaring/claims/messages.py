"""Sentences of the claims app, rendered from stored codes and parameters at display time.

Refusals of the services (:class:`jaring.claims.errors.ClaimError`) are codes with parameters;
the findings of the rules engine are rendered by :mod:`jaring.rules.problems` (the project's
catalogue). Labels of documents, line kinds and steps are msgids translated here (Indonesian
first, English second).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

MESSAGES: Mapping[str, _StrPromise] = {
    "PERSON_NOT_FOUND": gettext_lazy(
        "No person with NIK %(nik)s is registered in your regions. Register the person first, "
        "or ask the administrator of their region."
    ),
    "NIK_INVALID": gettext_lazy("%(nik)s is not a NIK: a NIK has 16 digits."),
    "PERSON_MERGED": gettext_lazy(
        "The record of NIK %(nik)s was merged into another one; report the event on that record."
    ),
    "EVENT_UNKNOWN": gettext_lazy(
        "Unknown event %(event)s; use death, work-death, work-injury or occupational-disease."
    ),
    "DATE_IN_FUTURE": gettext_lazy("The date %(date)s is in the future (today is %(today)s)."),
    "DATE_BEFORE_BIRTH": gettext_lazy(
        "The event date %(date)s is before the person's birth (%(birth)s)."
    ),
    "DATE_RULES": gettext_lazy("No rule applies to an event on %(date)s: %(reason)s"),
    "DEATH_EXISTS": gettext_lazy(
        "The death of this person is already reported: claim #%(claim)s of %(date)s. One death, "
        "one claim."
    ),
    "EVENT_AFTER_DEATH": gettext_lazy(
        "The person died on %(death)s (claim #%(claim)s); an event on %(date)s cannot follow."
    ),
    "DECEASED_WITHOUT_DATE": gettext_lazy(
        "The person is already recorded as deceased; report the death itself (event death or "
        "work-death)."
    ),
    "NOT_FOUND": gettext_lazy("Claim %(claim)s does not exist or is outside your regions."),
    "STEP_UNKNOWN": gettext_lazy(
        "Unknown step %(step)s; use documents-complete, submitted, approved, rejected, paid or "
        "handed-over."
    ),
    "STEP_OUT_OF_ORDER": gettext_lazy(
        "Claim #%(claim)s is %(status)s: it cannot go to %(step)s now (next: %(allowed)s)."
    ),
    "DOCUMENTS_MISSING": gettext_lazy(
        "The file is not complete yet; missing: %(missing)s. Tick each document once it is seen."
    ),
    "STEP_DATE_BEFORE": gettext_lazy(
        "The date %(date)s is before the previous step (%(previous)s on %(previous_date)s)."
    ),
    "REASON_REQUIRED": gettext_lazy("Give the reason BPJS refused the claim."),
    "AMOUNT_REQUIRED": gettext_lazy("Give the amount received (Rp)."),
    "AMOUNT_ONLY_WHEN_PAID": gettext_lazy("An amount is given only with the step paid."),
    "AMOUNT_DIFFERS": gettext_lazy(
        "%(amount)s received differs from the entitlement of %(total)s by %(difference)s: "
        "add a note that says why (for example the BPJS decision letter)."
    ),
    "NOT_ALLOWED": gettext_lazy("Your role may not do this (%(what)s)."),
    "CLAIM_CLOSED": gettext_lazy(
        "Claim #%(claim)s is %(status)s: its heirs and documents no longer change."
    ),
    "HEIR_NAME_REQUIRED": gettext_lazy("Heir %(position)s has no name."),
    "HEIR_RELATION_UNKNOWN": gettext_lazy("Unknown relation %(relation)s of heir %(position)s."),
    "HEIR_NIK_INVALID": gettext_lazy("The NIK of heir %(position)s is not 16 digits."),
    "HEIR_PAYEE_COUNT": gettext_lazy("Choose exactly one payee among the heirs (now %(count)s)."),
    "HEIR_ACCOUNT_INVALID": gettext_lazy(
        "The account number %(account)s is not a bank account number (6 to 20 digits)."
    ),
    "HEIR_SCHOOL": gettext_lazy("Heir %(position)s: %(reason)s"),
    "DOCUMENT_UNKNOWN": gettext_lazy("Document %(code)s is not part of this claim's file."),
    "FILE_TOO_LARGE": gettext_lazy("The file is %(size)s, above the limit of %(limit)s."),
    "FILE_TYPE": gettext_lazy("A scan must be a PDF or an image (JPG, PNG), not %(name)s."),
    "YEAR_INVALID": gettext_lazy("The year %(year)s cannot be read."),
    "REGION_UNKNOWN": gettext_lazy("Region %(code)s does not exist or is outside your regions."),
    "PERCENT_INVALID": gettext_lazy(
        "%(value)s is not a percentage (%(what)s): give a number above 0 and at most 100, with "
        "at most two decimals."
    ),
    "INCAPACITY_INVALID": gettext_lazy(
        "%(months)s months unable to work cannot be entered: give 1 to %(limit)s months."
    ),
    "DISABILITY_UNKNOWN": gettext_lazy(
        "Unknown disability %(kind)s; use partial, functional or total."
    ),
    "DISABILITY_PERCENT_NOT_HERE": gettext_lazy(
        "A percentage belongs to a partial disability, not to %(kind)s."
    ),
    "DISABILITY_PERCENT_REQUIRED": gettext_lazy(
        "A partial disability needs its percentage from the table of Lampiran III PP 44/2015."
    ),
    "FUNCTION_LOSS_ONLY_FUNCTIONAL": gettext_lazy(
        "The share of a function lost belongs to a partial disability of function (cacat "
        "sebagian fungsi), not to an anatomical one."
    ),
    "FUNCTION_LOSS_REQUIRED": gettext_lazy(
        "A partial disability of function needs the share of the function lost (%%)."
    ),
    "ASSESSMENT_NOT_FOR_DEATH": gettext_lazy(
        "Months unable to work and a disability belong to a work accident or an occupational "
        "disease the worker survived, not to a death."
    ),
    "INSTALMENT_NOT_FOUND": gettext_lazy(
        "Claim #%(claim)s has no scholarship instalment %(number)s for child %(child)s."
    ),
    "INSTALMENT_CLAIM_NOT_PAID": gettext_lazy(
        "Claim #%(claim)s is %(status)s: its scholarship is paid once the claim is paid."
    ),
    "INSTALMENT_ALREADY_PAID": gettext_lazy(
        "Instalment %(number)s of child %(child)s was already paid on %(date)s."
    ),
    "INSTALMENT_NOT_DUE": gettext_lazy(
        "Instalment %(number)s of child %(child)s is due on %(due)s, not yet on %(date)s."
    ),
    "PROGRAMME_NOT_FOUND": gettext_lazy(
        "Programme %(programme)s does not exist or is outside your regions."
    ),
}

#: The documents of a file (jaring.rules.claims.DocumentCode).
DOCUMENT_LABELS: Mapping[str, _StrPromise] = {
    "kpj_card": gettext_lazy("BPJS membership card (KPJ)"),
    "ktp_participant": gettext_lazy("KTP of the participant"),
    "ktp_heir": gettext_lazy("KTP of the heir"),
    "family_card": gettext_lazy("Family card (KK)"),
    "death_certificate": gettext_lazy("Death certificate (akta or surat kematian)"),
    "heir_statement": gettext_lazy("Heir statement (surat keterangan ahli waris)"),
    "marriage_book": gettext_lazy("Marriage book (buku nikah)"),
    "savings_book": gettext_lazy("Savings book of the payee (buku tabungan)"),
    "npwp": gettext_lazy("Tax number (NPWP), for a benefit above Rp 50,000,000"),
    "accident_report": gettext_lazy("Work accident report"),
    "medical_certificate": gettext_lazy("Doctor's statement"),
}

#: The programme a line is paid from (jaring.rules.claims.LineKind).
LINE_KIND_LABELS: Mapping[str, _StrPromise] = {
    "jkm": gettext_lazy("JKM (death)"),
    "jkk-death": gettext_lazy("JKK (death from work)"),
    "jkk-disability": gettext_lazy("JKK (disability)"),
    "stmb": gettext_lazy("JKK (temporary incapacity, STMB)"),
}


def message(code: str, params: Mapping[str, object] | None = None) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    return str(template) % dict(params or {})
