"""The one registry of problem codes every rule check reports, with their message templates.

Codes are stable UPPER_SNAKE strings: pages, imports and exports key on them, so never rename
one; add a new code instead. A template is an English msgid marked for the catalogue; its
Indonesian is in ``jaring/locale`` and a problem is rendered in the reader's language only when
shown (:mod:`jaring.rules.messages`). The import pipeline stores the same codes with their
parameters, so a row checked there reads exactly like a row checked here.

Severity: ``error`` makes the input unusable, ``warning`` asks a person to look, ``info``
explains a rule that changed the result (including every unverified assumption taken from
:class:`~jaring.rules.config.RulesConfig`), ``hold`` keeps input that may well be right until a
person decides (an imported row whose village cannot be told, two rows of one NIK that
disagree): it is neither used nor refused meanwhile.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jaring.rules.messages import Message, Param, gettext_noop, pgettext_noop
from jaring.rules.months import Month, month_label

Severity = Literal["error", "warning", "info", "hold"]

#: How a sex code reads in a message ("laki-laki" in Indonesian).
SEX_LABELS: Mapping[str, str] = {"L": gettext_noop("male"), "P": gettext_noop("female")}
#: How an heir's relation to the participant reads (``jaring.rules.claims.HeirRelation``).
HEIR_LABELS: Mapping[str, str] = {
    "spouse": pgettext_noop("heir", "spouse"),
    "child": pgettext_noop("heir", "child"),
    "grandchild": pgettext_noop("heir", "grandchild"),
    "parent": pgettext_noop("heir", "parent"),
    "grandparent": pgettext_noop("heir", "grandparent"),
    "sibling": pgettext_noop("heir", "sibling"),
    "parent_in_law": pgettext_noop("heir", "parent-in-law"),
    "will": pgettext_noop("heir", "person named in the will"),
}


@dataclass(frozen=True, slots=True)
class ProblemSpec:
    """A registered code: default severity, the field it concerns, and its message template
    (an English msgid, translated through the catalogue). ``labels`` name the parameters whose
    value is a code shown by its label (``nik_sex="L"`` reads "laki-laki"; a list of codes
    joined by ", " reads as the list of their labels); ``months`` name the parameters whose
    value is a month (``"2025-03"`` reads "Maret 2025"). Stored parameters stay free of
    either language."""

    code: str
    severity: Severity
    field: str | None
    template: str
    labels: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    months: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        """Names of the ``{placeholders}`` the template needs."""
        names = {name for _, name, _, _ in string.Formatter().parse(self.template) if name}
        return tuple(sorted(names))

    def message(self, params: Mapping[str, Param]) -> Message:
        """The message of this code with ``params`` (labelled parameters become labels)."""
        values: dict[str, Param] = {}
        for name, value in params.items():
            values[name] = self._shown(name, value) if isinstance(value, str) else value
        return Message(self.template, tuple(sorted(values.items())))

    def _shown(self, name: str, value: str) -> Param:
        labels = self.labels.get(name)
        if labels is not None:
            codes = value.split(", ")
            if not all(code in labels for code in codes):
                return value
            if len(codes) == 1:
                return Message(labels[value])
            listed = ", ".join(f"{{item{i}}}" for i in range(len(codes)))
            return Message(
                listed, tuple((f"item{i}", Message(labels[c])) for i, c in enumerate(codes))
            )
        if name in self.months:
            try:
                return month_label(Month.parse(value))
            except ValueError:
                return value
        return value


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of a check: a code and its parameters, shown in the reader's language
    (:attr:`message`) or stored by ``code`` and ``params``."""

    code: str
    severity: Severity
    field: str | None
    params: tuple[tuple[str, Param], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def message(self) -> Message:
        return PROBLEM_SPECS[self.code].message(dict(self.params))

    def text_params(self) -> dict[str, str]:
        """The parameters as stored: text (a label parameter as its English msgid)."""
        return {
            name: value.render("en") if isinstance(value, Message) else value
            for name, value in self.params
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            **self.message.to_dict(),
            "field": self.field,
            "params": self.text_params(),
        }


class RulesInputError(ValueError):
    """Raised by a calculation whose input has at least one error-severity problem."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.code}: {p.message.render('en')}" for p in problems))


def _spec(
    code: str,
    severity: Severity,
    field: str | None,
    template: str,
    labels: Mapping[str, Mapping[str, str]] | None = None,
    months: tuple[str, ...] = (),
) -> ProblemSpec:
    return ProblemSpec(code, severity, field, template, labels or {}, months)


_SPECS: tuple[ProblemSpec, ...] = (
    # --- NIK: how the value arrived (spreadsheet damage) -----------------------------------------
    _spec(
        "NIK_EMPTY",
        "error",
        "nik",
        gettext_noop("NIK is empty."),
    ),
    _spec(
        "NIK_SCIENTIFIC_NOTATION",
        "error",
        "nik",
        gettext_noop(
            "NIK is in scientific notation ({value}): the spreadsheet has lost its digits and "
            "they cannot be recovered. Re-type the NIK from the ID card into a text-formatted "
            "cell."
        ),
    ),
    _spec(
        "NIK_FROM_NUMBER",
        "warning",
        "nik",
        gettext_noop(
            "NIK was read from a number cell, not text: it may be damaged. Check it against the "
            "ID card."
        ),
    ),
    _spec(
        "NIK_FROM_NUMBER_ZERO_END",
        "warning",
        "nik",
        gettext_noop(
            "NIK from a number cell ends in 0: Excel keeps only 15 digits, so the 16th digit has "
            "probably been replaced by 0."
        ),
    ),
    _spec(
        "NIK_FROM_NUMBER_BEYOND_FLOAT",
        "warning",
        "nik",
        gettext_noop(
            "NIK from a number cell exceeds 2^53 (provinces 91-96): such numbers are not stored "
            "exactly as floating point, the last digit may be off."
        ),
    ),
    _spec(
        "NIK_DIGITS_LOST",
        "error",
        "nik",
        gettext_noop(
            "NIK from a number cell has only {length} digits: digits were lost (e.g. a truncated "
            "or rounded number). Re-type it from the ID card."
        ),
    ),
    # --- NIK: structure ---------------------------------------------------------------------------
    _spec(
        "NIK_NOT_DIGITS",
        "error",
        "nik",
        gettext_noop("NIK may contain digits only; found: {characters}."),
    ),
    _spec(
        "NIK_LENGTH",
        "error",
        "nik",
        gettext_noop("NIK must have 16 digits, not {length}."),
    ),
    _spec(
        "NIK_PROVINCE_UNKNOWN",
        "error",
        "nik",
        gettext_noop("Province code {province} in the NIK is unknown."),
    ),
    _spec(
        "NIK_KABKOTA_ZERO",
        "error",
        "nik",
        gettext_noop("The kabupaten/kota code in the NIK cannot be 00."),
    ),
    _spec(
        "NIK_KECAMATAN_ZERO",
        "error",
        "nik",
        gettext_noop("The kecamatan code in the NIK cannot be 00."),
    ),
    _spec(
        "NIK_DAY_INVALID",
        "error",
        "nik",
        gettext_noop("Birth-day digits {day} are impossible (01-31 for men, 41-71 for women)."),
    ),
    _spec(
        "NIK_MONTH_INVALID",
        "error",
        "nik",
        gettext_noop("Birth-month digits {month} are impossible (01-12)."),
    ),
    _spec(
        "NIK_DATE_IMPOSSIBLE",
        "error",
        "nik",
        gettext_noop("The birth date in the NIK does not exist: {day}-{month}-{year}."),
    ),
    _spec(
        "NIK_SERIAL_ZERO",
        "error",
        "nik",
        gettext_noop("The NIK serial (last 4 digits) cannot be 0000."),
    ),
    # --- NIK: warnings against other data ---------------------------------------------------------
    _spec(
        "NIK_BIRTH_DATE_MISMATCH",
        "warning",
        "birth_date",
        gettext_noop(
            "The birth date in the NIK ({nik_date}) differs from the recorded birth date "
            "({stated_date}). A NIK is never corrected even if its date is wrong; check the "
            "data."
        ),
    ),
    _spec(
        "NIK_SEX_MISMATCH",
        "warning",
        "sex",
        gettext_noop(
            "The sex encoded in the NIK ({nik_sex}) differs from the recorded sex ({stated_sex})."
        ),
        {"nik_sex": SEX_LABELS, "stated_sex": SEX_LABELS},
    ),
    _spec(
        "NIK_KABKOTA_UNKNOWN",
        "warning",
        "nik",
        gettext_noop(
            "Kabupaten/kota code {region} in the NIK is not in today's region table. A NIK keeps "
            "the code of issuance (e.g. after a region split), so this is only a warning."
        ),
    ),
    _spec(
        "NIK_KECAMATAN_UNKNOWN",
        "warning",
        "nik",
        gettext_noop(
            "Kecamatan code {region} in the NIK is not in today's region table (a NIK keeps the "
            "code of issuance)."
        ),
    ),
    # --- Contributions ----------------------------------------------------------------------------
    _spec(
        "INCOME_BASIS_BELOW_MINIMUM",
        "error",
        "income",
        gettext_noop("Income basis {income} is below the minimum of Rp 1.000.000."),
    ),
    _spec(
        "INCOME_BASIS_NOT_LISTED",
        "error",
        "income",
        gettext_noop("Income basis {income} is not in the admissible list ({allowed})."),
    ),
    _spec(
        "INCOME_NOT_POSITIVE",
        "error",
        "income",
        gettext_noop("The wage/income must be above 0, not {income}."),
    ),
    _spec(
        "DATE_BEFORE_PROGRAMME",
        "error",
        "date",
        gettext_noop(
            "Date {date} is before PP 44/2015 took effect (1 July 2015): these rules do not "
            "cover it."
        ),
    ),
    _spec(
        "MONTH_COUNT_INVALID",
        "error",
        "months",
        gettext_noop("The number of months must be at least 1, not {months}."),
    ),
    _spec(
        "MONTH_RANGE_REVERSED",
        "error",
        "months",
        gettext_noop("End month {last} is before start month {first}."),
    ),
    _spec(
        "PEOPLE_COUNT_INVALID",
        "error",
        "people",
        gettext_noop("The number of participants cannot be negative: {people}."),
    ),
    _spec(
        "SECTOR_UNKNOWN",
        "error",
        "sector",
        gettext_noop("Unknown sector {sector} (transport or other)."),
    ),
    _spec(
        "FUNDER_UNKNOWN",
        "error",
        "funder",
        gettext_noop("Unknown funding source {funder} ({allowed})."),
    ),
    _spec(
        "PP50_FUNDER_EXCLUDED",
        "info",
        "funder",
        gettext_noop(
            # xgettext:no-python-format
            "Contribution paid from {funder_label}: no PP 50/2025 50 % discount (participants "
            "funded by APBN/APBD are excluded), so the full rate applies."
        ),
    ),
    _spec(
        "ASSUMPTION_PP50_FUNDER",
        "info",
        "funder",
        gettext_noop(
            "Assumption (Q5, unverified): participants funded by {funder_label} are treated as "
            "{decision} the PP 50/2025 discount."
        ),
    ),
    _spec(
        "ASSUMPTION_PP49_PERIOD",
        "info",
        "month",
        gettext_noop(
            # xgettext:no-python-format
            "Assumption: the PP 49/2020 99 % relief applies {first} to {last} (period "
            "unverified; the condition of contributions paid up to July 2020 is not checked)."
        ),
    ),
    _spec(
        "ROUNDING_APPLIED",
        "info",
        None,
        gettext_noop(
            "A percentage result was rounded ({mode}); the official rounding mode is unverified."
        ),
    ),
    # --- Benefits ---------------------------------------------------------------------------------
    _spec(
        "DEATH_BEFORE_MEMBERSHIP",
        "error",
        "death_date",
        gettext_noop(
            "Date of death {death_date} is before the start of membership {membership_start}."
        ),
    ),
    _spec(
        "JKM_QUALIFYING_PERIOD",
        "info",
        "membership_start",
        gettext_noop(
            "Membership of {tenure} complete month(s) (under 3 months): under Permenaker 1/2025 "
            "the heirs receive only {reduced_total}, not the full JKM."
        ),
    ),
    _spec(
        "ASSUMPTION_JKM_QUALIFYING",
        "info",
        "death_date",
        gettext_noop(
            "Assumption (Q3): Permenaker 1/2025 is taken to apply from {in_force}; boundary: the "
            "benefit is reduced when membership is {boundary} {months} complete months."
        ),
    ),
    _spec(
        "ASSUMPTION_JKK_DEATH_FLOOR",
        "info",
        "income",
        gettext_noop(
            "Assumption (Q4): the JKK death lump sum is at least {floor_label} ({floor}); this "
            "floor applies because 48 x wage is smaller."
        ),
    ),
    _spec(
        "SCHOLARSHIP_TENURE_SHORT",
        "info",
        "membership_start",
        gettext_noop(
            "The JKM scholarship needs at least {required} months of contributions; only "
            "{tenure}: no scholarship."
        ),
    ),
    _spec(
        "SCHOLARSHIP_CHILDREN_LIMIT",
        "warning",
        "children",
        gettext_noop(
            "Scholarships cover at most {limit} children; {given} were given, only the first "
            "{limit} are counted."
        ),
    ),
    _spec(
        "SCHOLARSHIP_ENDS",
        "info",
        "children",
        gettext_noop(
            "The scholarship stops when the child turns 23, marries or works; the maximum "
            "assumes the child stays in school up to a bachelor's degree."
        ),
    ),
    _spec(
        "SCHOOL_LEVEL_UNKNOWN",
        "error",
        "children",
        gettext_noop("Unknown school level {level} ({allowed})."),
    ),
    _spec(
        "SCHOOL_YEAR_INVALID",
        "error",
        "children",
        gettext_noop("Year {year} does not exist in level {level} (1-{years})."),
    ),
    _spec(
        "STMB_MONTH_INVALID",
        "error",
        "month",
        gettext_noop("The STMB month must be at least 1, not {month}."),
    ),
    _spec(
        "DISABILITY_PERCENT_INVALID",
        "error",
        "percent",
        gettext_noop("The {name} percentage must be above 0 and at most 100, not {value}."),
    ),
    _spec(
        "DISABILITY_BODY_PART_UNKNOWN",
        "error",
        "body_part",
        gettext_noop(
            "Body part {body_part} is not in the configured disability table ({allowed})."
        ),
    ),
    # --- Claims -----------------------------------------------------------------------------------
    _spec(
        "CLAIM_MEMBERSHIP_ENDED",
        "error",
        "status",
        gettext_noop(
            "Membership ended in {lapse}: {unpaid} months unpaid (last contribution for "
            "{last_paid})."
        ),
        months=("lapse", "last_paid"),
    ),
    _spec(
        "CLAIM_NEVER_PAID",
        "error",
        "status",
        gettext_noop("No contribution was paid for the month of the event ({month}) or before."),
        months=("month",),
    ),
    _spec(
        "CLAIM_FIRST_MONTH_UNPAID",
        "error",
        "status",
        gettext_noop(
            "The month of the event ({month}) is in a decree but its contribution is not paid: "
            "the entitlement can be worked out once that month is paid."
        ),
        months=("month",),
    ),
    _spec(
        "CLAIM_IN_ARREARS",
        "error",
        "status",
        gettext_noop(
            "In the month of the event {unpaid} months were unpaid; configured: a risk in an "
            "unpaid month is not covered."
        ),
    ),
    _spec(
        "CLAIM_ARREARS_COVERED",
        "info",
        "status",
        gettext_noop(
            "In the month of the event {unpaid} months were unpaid ({arrears}); configured: "
            "covered once the arrears are paid."
        ),
    ),
    _spec(
        "CLAIM_ARREARS_UNCERTAIN",
        "warning",
        "status",
        gettext_noop(
            "In the month of the event {unpaid} months were unpaid ({arrears}). Whether the "
            "risk is covered once the arrears are paid is unsettled (Q2): the entitlement is "
            "provisional; pay the arrears and confirm with BPJS."
        ),
    ),
    _spec(
        "CLAIM_NOT_IN_DECREE",
        "warning",
        "status",
        gettext_noop(
            "In the month of the event ({month}) this person was in no decree; the entitlement "
            "follows the contributions paid."
        ),
        months=("month",),
    ),
    _spec(
        "CLAIM_TENURE",
        "info",
        "membership_start",
        gettext_noop(
            "Member since {start}: {tenure} complete months of membership before the event, "
            "{contribution} months of contributions paid."
        ),
        months=("start",),
    ),
    _spec(
        "CLAIM_PAID_AFTER_EVENT",
        "info",
        "status",
        gettext_noop(
            "Contributions for {months} months after the month of the event were paid; they are "
            "refunded with the claim."
        ),
    ),
    _spec(
        "CLAIM_JKK_ASSESSMENT_PENDING",
        "info",
        None,
        gettext_noop(
            "Medical care is paid by BPJS to the provider as medically needed (no ceiling); "
            "cash benefits (temporary incapacity, disability) are worked out once the months of "
            "incapacity or the disability percentage are known."
        ),
    ),
    _spec(
        "HEIR_PAYEE_NOT_FIRST",
        "warning",
        "payee",
        gettext_noop(
            "The payee ({relation}) is not among the first heirs present ({first}); attach a "
            "power of attorney or an heir statement that explains it."
        ),
        labels={"relation": HEIR_LABELS, "first": HEIR_LABELS},
    ),
    _spec(
        "SCHOLARSHIP_AGE_LIMIT",
        "info",
        "children",
        gettext_noop(
            "Scholarship of child {child} stops before {stopped} (age 23): {lines} yearly "
            "instalments scheduled."
        ),
    ),
    _spec(
        "SCHOLARSHIP_WAITING_SCHOOL",
        "info",
        "children",
        gettext_noop(
            "Child {child} is not yet at school: the scholarship is scheduled once the child "
            "starts school."
        ),
    ),
    # --- Protection status ------------------------------------------------------------------------
    _spec(
        "ASSUMPTION_ARREARS_COVERAGE",
        "info",
        "status",
        gettext_noop(
            "Unverified (Q2): whether a risk in an unpaid month is covered once the arrears are "
            "paid within 3 months. {decision}"
        ),
    ),
)

#: Every problem code, by code. The import pipeline and pages read messages from here.
PROBLEM_SPECS: Mapping[str, ProblemSpec] = {spec.code: spec for spec in _SPECS}


def _build(
    code: str, severity: Severity | None, field: str | None, params: Mapping[str, object]
) -> Problem:
    spec = PROBLEM_SPECS.get(code)
    if spec is None:
        raise KeyError(f"unknown problem code {code!r}")
    missing = [name for name in spec.params if name not in params]
    if missing:
        raise KeyError(f"problem {code} needs parameters {missing}")
    values: dict[str, Param] = {
        name: value if isinstance(value, Message) else str(value) for name, value in params.items()
    }
    return Problem(
        code=code,
        severity=severity or spec.severity,
        field=field if field is not None else spec.field,
        params=tuple(sorted(values.items())),
    )


def make_problem(
    code: str,
    /,
    *,
    severity: Severity | None = None,
    field: str | None = None,
    **params: object,
) -> Problem:
    """Build the :class:`Problem` for a registered ``code`` with its message parameters.

    ``severity`` overrides the registered default only where configuration says so (e.g. an
    unlisted income basis accepted as a warning); ``field`` overrides the registered field.
    Raises ``KeyError`` for an unknown code or a missing template parameter.
    """
    return _build(code, severity, field, params)


def nik_problem(code: str, /, **params: object) -> Problem:
    """Build a NIK problem (codes starting ``NIK_``) — the entry point for the import pipeline,
    e.g. ``nik_problem("NIK_LENGTH", length=15)``."""
    if not code.startswith("NIK_"):
        raise KeyError(f"{code!r} is not a NIK problem code")
    return _build(code, None, None, params)


def errors(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(p for p in problems if p.is_error)


def raise_on_errors(problems: tuple[Problem, ...]) -> None:
    """Raise :class:`RulesInputError` listing every error, if there is any."""
    found = errors(problems)
    if found:
        raise RulesInputError(found)
