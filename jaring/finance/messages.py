"""Sentences of the finance app, rendered from stored codes and parameters at display time.

Refusals of the services (:class:`jaring.finance.errors.FinanceError`) and the problems of a
response-file row (:attr:`jaring.finance.models.ResponseRow.problems`, whose parameters are
the row's own values) are codes; these functions turn them into the reader's language through
gettext (Indonesian first, English second).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy

from jaring.rules.months import Month

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from jaring.finance.models import ResponseRow

MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_LONG = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def rupiah(amount: int | None) -> str:
    """'Rp 624.960.000' (a negative amount keeps its sign)."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp " + number_format(abs(amount), force_grouping=True)


def count(value: int | None) -> str:
    return "—" if value is None else number_format(value, force_grouping=True)


def day_label(day: date | None) -> str:
    """'2 Des 2026'."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}" if day else "—"


def month_label(month: date | Month | None) -> str:
    """'September 2023'."""
    if month is None:
        return "—"
    return f"{MONTHS_LONG[month.month - 1]} {month.year}"


MESSAGES: Mapping[str, _StrPromise] = {
    # Refusals of the services (bad input): nothing was written.
    "REGION_OUT_OF_SCOPE": gettext_lazy("The programme belongs to %(code)s, outside your regions."),
    "NOT_ALLOWED": gettext_lazy("Your role may not do this (%(what)s)."),
    "MONTH_BEFORE_PROGRAMME": gettext_lazy("%(month)s is before the programme starts (%(first)s)."),
    "MONTH_NOT_IN_DECREE": gettext_lazy(
        "No signed decree (SK) of the programme covers %(month)s; sign one first."
    ),
    "BILL_FROZEN": gettext_lazy(
        "Bill %(number)s is issued and frozen: its lines and what it said when issued never "
        "change. Corrections are new lines (Correct from the decrees)."
    ),
    "BILL_EXISTS": gettext_lazy(
        "%(month)s is already billed: bill %(number)s, issued on %(date)s. Corrections are "
        "added to that bill."
    ),
    "BILL_EMPTY": gettext_lazy("Nobody can be billed for %(month)s: %(reason)s"),
    "AHEAD_INVALID": gettext_lazy(
        "Months are paid ahead in packages of %(allowed)s months, not %(months)s."
    ),
    "AMOUNT_RULE": gettext_lazy(
        "The contribution for an income basis of %(income)s cannot be computed: %(reason)s"
    ),
    "AMOUNT_NOT_POSITIVE": gettext_lazy("The amount must be more than Rp 0, not %(amount)s."),
    "REFERENCE_REQUIRED": gettext_lazy("Give the SP2D or transfer number."),
    "PAYMENT_EXISTS": gettext_lazy(
        "Payment %(reference)s was already recorded on %(date)s (%(amount)s)."
    ),
    "DATE_IN_FUTURE": gettext_lazy("The payment date %(date)s is in the future."),
    "DATE_BEFORE_PROGRAMME": gettext_lazy(
        "The payment date %(date)s is before the programme's first decree was signed (%(signed)s)."
    ),
    "OVERPAYMENT_UNCONFIRMED": gettext_lazy(
        "%(amount)s is more than the %(outstanding)s still owed; confirm the over-payment "
        "(the difference stays as the bill's credit) or correct the amount."
    ),
    "BILL_NOT_FOUND": gettext_lazy("Bill %(bill)s does not exist or is outside your regions."),
    "PROGRAMME_NOT_FOUND": gettext_lazy(
        "Programme %(programme)s does not exist or is outside your regions."
    ),
    "DECREE_NOT_FOUND": gettext_lazy(
        "Decree (SK) %(sk)s does not exist or is outside your regions."
    ),
    "DECREE_NOT_SIGNED": gettext_lazy(
        "Version %(version)s of the decree is a draft; only a signed decree is registered."
    ),
    "FORMAT_UNKNOWN": gettext_lazy("Unknown format %(format)s; use csv or xlsx."),
    "DATE_BEFORE_START": gettext_lazy("%(date)s is before the programme starts (%(first)s)."),
    "PROOF_TOO_LARGE": gettext_lazy("The proof file is %(size)s, above the limit of %(limit)s."),
    "PROOF_TYPE": gettext_lazy("The proof must be a PDF or an image (JPG, PNG), not %(name)s."),
    "RESPONSE_NO_NIK_COLUMN": gettext_lazy(
        "No NIK column in %(file)s. Headers read: %(columns)s. Title the column 'NIK'."
    ),
    "RESPONSE_NO_STATUS": gettext_lazy(
        "%(file)s has neither a status nor a KPJ column (headers read: %(columns)s): it "
        "cannot say who is registered."
    ),
    "RESPONSE_FILE": gettext_lazy("%(file)s cannot be read: %(reason)s"),
    "SIMULATION_INVALID": gettext_lazy("The simulation cannot use %(value)s for %(what)s."),
    "CATEGORY_UNKNOWN": gettext_lazy("Unknown occupation category %(code)s."),
    # Problems of a row of a response file (parameters: the row's own values)
    "NIK_UNREADABLE": gettext_lazy("NIK %(nik)s cannot be read as 16 digits."),
    "NIK_NOT_IN_SK": gettext_lazy("NIK %(nik)s is in no decree (SK) of this programme."),
    "KPJ_LENGTH": gettext_lazy(
        "KPJ %(kpj)s has %(length)s digits; KPJ numbers seen so far have 11 (not confirmed)."
    ),
    "KPJ_NOT_DIGITS": gettext_lazy("KPJ %(kpj)s is not a number; it was not stored."),
    "KPJ_MISSING": gettext_lazy("Registered without a KPJ number."),
    "KPJ_SHARED": gettext_lazy("KPJ %(kpj)s is also given to another NIK."),
    "STATUS_UNKNOWN": gettext_lazy(
        "Status %(status)s is not understood (registered, rejected or non-active?); the row "
        "was not applied."
    ),
    "TMT_INVALID": gettext_lazy("TMT %(tmt)s is not a date."),
    "TMT_BEFORE_PROGRAMME": gettext_lazy("TMT %(tmt)s is before the programme starts."),
    "REJECTED_WITHOUT_REASON": gettext_lazy("Rejected without a reason."),
    "DUPLICATE_ROW": gettext_lazy("Repeats row %(first)s of the file; counted once."),
    "DUPLICATE_CONFLICT": gettext_lazy(
        "The same NIK appears again with a different answer (rows %(rows)s): held for a "
        "person to decide, nothing applied."
    ),
}


def message(code: str, params: Mapping[str, object] | None = None) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    return str(template) % dict(params or {})


def row_problems(row: ResponseRow, *, nik: str = "") -> list[str]:
    """The sentences of a response row's problems, from its own values."""
    params: dict[str, object] = {
        "nik": nik or row.nik_text or "—",
        "kpj": row.kpj or row.kpj_text or "—",
        "length": len(row.kpj or row.kpj_text),
        "status": row.status_text or "—",
        "tmt": row.tmt_text or "—",
        "first": row.repeat_of or "—",
        "rows": row.conflict_rows or "—",
    }
    return [message(code, params) for code in row.problem_codes]
