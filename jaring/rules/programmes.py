"""Rules for the programmes a Pemda, a desa or a sponsor runs: who may pay, under which BPJS
*wadah*, for whom (age), for how long, and the reasons a person leaves a decree.

Plain Python like the rest of :mod:`jaring.rules`: no Django, no third-party import. Every
finding is a stable code with parameters and, where the law is the reason, its
:class:`~jaring.rules.legal.LegalBasis`; the application renders the sentence in the reader's
language. What the law forbids is an ``error`` (the programme is refused); a rule whose source
was not confirmed (``basis.verified`` false, RULES.md "UNVERIFIED") is never more than a
``warning``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntFlag
from typing import Literal, get_args

from jaring.rules.config import DEFAULT_CONFIG, MIN_INCOME_BASIS, Funder, RulesConfig, Sector
from jaring.rules.contributions import FIRST_CONTRIBUTION_MONTH, contribution_for_cohort
from jaring.rules.legal import (
    AGE_LIMIT_PRACTICE,
    DANA_DESA_PREMIUM_BAN_2024,
    DANA_DESA_PREMIUM_OPEN,
    GN_LINGKARAN_PACKAGES,
    INPRES_2_2021,
    VILLAGE_BUDGET,
    WADAH_TYPES,
    LegalBasis,
)
from jaring.rules.months import Month
from jaring.rules.problems import RulesInputError

#: Who pays a programme's contributions, as a Pemda's decree names it.
ProgrammeFunder = Literal[
    "apbd", "apbd-provinsi", "dbhcht", "apbdes", "baznas", "csr", "gn-lingkaran", "other"
]
PROGRAMME_FUNDERS: tuple[ProgrammeFunder, ...] = get_args(ProgrammeFunder)

#: Which part of a desa budget pays (RULES.md §7.6, open question Q7): Dana Desa (from APBN),
#: Alokasi Dana Desa (from the kab/kota), the desa's own revenue, or another source.
ApbdesSource = Literal["dana-desa", "add", "pades", "other"]
APBDES_SOURCES: tuple[ApbdesSource, ...] = get_args(ApbdesSource)

#: The level of the region that owns (issues the decree of) a programme.
OwnerLevel = Literal["province", "regency", "village"]

#: BPJS Ketenagakerjaan *wadah* (group) types a scheme is registered under (RULES.md §10):
#: SG pekerja rentan of a government, SA desa paid by APBD, SD desa paid by APBDes, SL other
#: sources, SC corporate CSR, SB bank CSR.
WadahType = Literal["SG", "SA", "SD", "SL", "SC", "SB"]
WADAH_TYPES_ALL: tuple[WadahType, ...] = get_args(WadahType)

#: The contribution engine's funder for each programme funder. APBD provinsi is APBD;
#: GN Lingkaran is company or individual donation (CSR). "other" is computed at the full rate
#: (no PP 50/2025 discount): a budget must not count on a cut whose eligibility is unknown.
CONTRIBUTION_FUNDER: dict[ProgrammeFunder, Funder] = {
    "apbd": "apbd",
    "apbd-provinsi": "apbd",
    "dbhcht": "dbhcht",
    "apbdes": "apbdes",
    "baznas": "baznas",
    "csr": "csr",
    "gn-lingkaran": "csr",
    "other": "apbd",
}

#: The months a sponsor package is sold for (GN Lingkaran: 3, 6 or 12).
SPONSOR_PACKAGE_MONTHS = (3, 6, 12)
DEFAULT_AGE_MIN = 18
DEFAULT_AGE_MAX = 65
DEFAULT_INCOME_BASIS = MIN_INCOME_BASIS
#: The longest period one programme (one decree and its amendments) may cover.
MAX_PROGRAMME_MONTHS = 60

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding about a programme: a code, how serious, why (the law) and its parameters."""

    code: str
    severity: Severity
    basis: LegalBasis | None = None
    params: tuple[tuple[str, str], ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def param(self, name: str) -> str:
        return dict(self.params)[name]


def _finding(
    code: str, severity: Severity, basis: LegalBasis | None = None, **params: object
) -> Finding:
    if basis is not None and not basis.verified and severity == "error":
        severity = "warning"  # an unverified rule warns, never blocks
    return Finding(code, severity, basis, tuple(sorted((k, str(v)) for k, v in params.items())))


def expected_wadah(funder: ProgrammeFunder, owner: OwnerLevel) -> WadahType:
    """The wadah type a programme is normally registered under (RULES.md §10, UNVERIFIED
    mapping: the codes are configuration at the branch)."""
    if funder in {"csr", "gn-lingkaran"}:
        return "SC"
    if funder in {"baznas", "other"}:
        return "SL"
    if owner == "village":
        return "SD" if funder == "apbdes" else "SA"
    return "SG"


@dataclass(frozen=True, slots=True)
class ProgrammeTerms:
    """What a programme declares, as plain values (the application's model maps onto this)."""

    funder: ProgrammeFunder
    owner: OwnerLevel
    first_month: Month
    months: int
    age_min: int = DEFAULT_AGE_MIN
    age_max: int = DEFAULT_AGE_MAX
    income_basis: int = DEFAULT_INCOME_BASIS
    jht: bool = False
    wadah: WadahType | None = None
    apbdes_source: ApbdesSource | None = None
    quota: int | None = None
    budget: int | None = None

    @property
    def last_month(self) -> Month:
        return self.first_month + (self.months - 1)

    def touches_year(self, year: int) -> bool:
        return self.first_month.year <= year <= self.last_month.year


def programme_findings(terms: ProgrammeTerms) -> tuple[Finding, ...]:
    """Everything the rules say about a programme's terms: errors refuse it, warnings and
    infos are shown beside it."""
    found: list[Finding] = []
    if terms.funder not in PROGRAMME_FUNDERS:
        found.append(_finding("FUNDER_UNKNOWN", "error", funder=terms.funder))
        return tuple(found)
    if not 1 <= terms.months <= MAX_PROGRAMME_MONTHS:
        found.append(
            _finding("MONTHS_INVALID", "error", months=terms.months, most=MAX_PROGRAMME_MONTHS)
        )
    if terms.first_month < FIRST_CONTRIBUTION_MONTH:
        found.append(
            _finding(
                "PERIOD_BEFORE_BPU",
                "error",
                month=terms.first_month,
                first=FIRST_CONTRIBUTION_MONTH,
            )
        )
    found.extend(_age_findings(terms.age_min, terms.age_max))
    if terms.income_basis < MIN_INCOME_BASIS:
        found.append(_finding("INCOME_BASIS_BELOW_MINIMUM", "error", income=terms.income_basis))
    if terms.quota is not None and terms.quota < 0:
        found.append(_finding("QUOTA_NEGATIVE", "error", quota=terms.quota))
    if terms.budget is not None and terms.budget < 0:
        found.append(_finding("BUDGET_NEGATIVE", "error", budget=terms.budget))
    found.extend(_funder_findings(terms))
    if terms.funder == "gn-lingkaran" and terms.months not in SPONSOR_PACKAGE_MONTHS:
        found.append(
            _finding(
                "SPONSOR_PACKAGE_MONTHS",
                "warning",
                GN_LINGKARAN_PACKAGES,
                months=terms.months,
                packages="/".join(str(m) for m in SPONSOR_PACKAGE_MONTHS),
            )
        )
    expected = expected_wadah(terms.funder, terms.owner)
    if terms.wadah is not None and terms.wadah not in WADAH_TYPES_ALL:
        found.append(_finding("WADAH_UNKNOWN", "error", wadah=terms.wadah))
    elif terms.wadah is not None and terms.wadah != expected:
        found.append(
            _finding("WADAH_UNUSUAL", "warning", WADAH_TYPES, wadah=terms.wadah, expected=expected)
        )
    return tuple(found)


def _age_findings(age_min: int, age_max: int) -> list[Finding]:
    if not 0 <= age_min <= age_max <= 120:
        return [_finding("AGE_RANGE_INVALID", "error", age_min=age_min, age_max=age_max)]
    found = []
    if age_min < DEFAULT_AGE_MIN:
        found.append(
            _finding("AGE_MIN_BELOW_ADULT", "warning", AGE_LIMIT_PRACTICE, age_min=age_min)
        )
    if age_max > DEFAULT_AGE_MAX:
        found.append(
            _finding("AGE_MAX_ABOVE_PRACTICE", "warning", AGE_LIMIT_PRACTICE, age_max=age_max)
        )
    return found


def _funder_findings(terms: ProgrammeTerms) -> list[Finding]:
    found: list[Finding] = []
    if terms.funder in {"apbd", "apbd-provinsi", "dbhcht"}:
        found.append(_finding("FUNDER_REGIONAL_BUDGET", "info", INPRES_2_2021))
    if terms.funder == "apbd-provinsi" and terms.owner != "province":
        found.append(_finding("FUNDER_PROVINCE_NOT_PROVINCE", "warning"))
    if terms.funder != "apbdes":
        if terms.apbdes_source is not None:
            found.append(_finding("APBDES_SOURCE_WITHOUT_APBDES", "error"))
        return found
    if terms.owner != "village":
        found.append(_finding("APBDES_NOT_VILLAGE", "warning", VILLAGE_BUDGET))
    if terms.apbdes_source is None:
        found.append(_finding("APBDES_SOURCE_REQUIRED", "error"))
    elif terms.apbdes_source not in APBDES_SOURCES:
        found.append(_finding("APBDES_SOURCE_UNKNOWN", "error", source=terms.apbdes_source))
    elif terms.apbdes_source == "dana-desa":
        if terms.touches_year(2024):
            found.append(
                _finding("DANA_DESA_PREMIUM_FORBIDDEN", "error", DANA_DESA_PREMIUM_BAN_2024)
            )
        else:
            found.append(
                _finding(
                    "DANA_DESA_PREMIUM_UNSETTLED",
                    "warning",
                    DANA_DESA_PREMIUM_OPEN,
                    year=terms.first_month.year,
                )
            )
    else:
        found.append(
            _finding(
                "APBDES_SOURCE_UNSETTLED",
                "warning",
                DANA_DESA_PREMIUM_OPEN,
                source=terms.apbdes_source,
            )
        )
    return found


# --- cost ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortCost:
    """What one participant of a cohort (same income basis and sector) costs over a period."""

    income: int
    sector: Sector
    first_month_iuran: int
    per_person: int
    notes: tuple[str, ...]


def cohort_cost(
    terms: ProgrammeTerms,
    *,
    income: int,
    sector: Sector,
    first: Month | None = None,
    last: Month | None = None,
    config: RulesConfig = DEFAULT_CONFIG,
) -> CohortCost:
    """Contribution of one participant of ``terms`` for ``first``..``last`` (default: the
    programme's period), from the contribution engine; ``notes`` are its problem codes (e.g.
    an unverified PP 50/2025 assumption), for the page to explain.

    Raises :class:`~jaring.rules.problems.RulesInputError` on an inadmissible income basis.
    """
    plan = contribution_for_cohort(
        1,
        income,
        first or terms.first_month,
        last or terms.last_month,
        jht=terms.jht,
        sector=sector,
        funder=CONTRIBUTION_FUNDER[terms.funder],
        config=config,
    )
    codes = tuple(dict.fromkeys(p.code for p in plan.problems))
    if terms.funder == "other":
        # Computed as APBD only to get the full rate; say so instead of "funded by APBD".
        codes = tuple(c for c in codes if c != "PP50_FUNDER_EXCLUDED")
        if any(m.month.year in (2026, 2027) for m in plan.months):
            codes = (*codes, "FUNDER_OTHER_FULL_RATE")
    return CohortCost(income, sector, plan.months[0].total, plan.per_person, codes)


def income_basis_error(income: int, config: RulesConfig = DEFAULT_CONFIG) -> str | None:
    """The problem code that makes ``income`` unusable as a basis, if any."""
    try:
        contribution_for_cohort(1, income, Month(2024, 1), Month(2024, 1), config=config)
    except RulesInputError as exc:
        return exc.problems[0].code
    return None


# --- eligibility ----------------------------------------------------------------------------------


class Ineligible(IntFlag):
    """Why a person is not in a decree: each rule one bit, lowest bit = reported first.

    Stored as an integer on each row of a draft, so the explanation (rule by rule) is rebuilt
    from the bits and the row's own values at display time.
    """

    DECEASED = 1
    MERGED = 2
    INACTIVE = 4
    OUTSIDE_REGION = 8
    CATEGORY = 16
    AGE_BELOW = 32
    AGE_ABOVE = 64
    EXCLUSION_LIST = 128
    DOUBLE_FUNDED = 256
    # Eligible, but beyond what the programme can take (ranked out):
    QUOTA_CATEGORY = 512
    QUOTA = 1024
    BUDGET = 2048


#: Bits that make a person ineligible (as opposed to eligible but over a limit).
NOT_ELIGIBLE = (
    Ineligible.DECEASED
    | Ineligible.MERGED
    | Ineligible.INACTIVE
    | Ineligible.OUTSIDE_REGION
    | Ineligible.CATEGORY
    | Ineligible.AGE_BELOW
    | Ineligible.AGE_ABOVE
    | Ineligible.EXCLUSION_LIST
    | Ineligible.DOUBLE_FUNDED
)
OVER_LIMIT = Ineligible.QUOTA_CATEGORY | Ineligible.QUOTA | Ineligible.BUDGET


class Caution(IntFlag):
    """Things a reviewer should look at; they never take a person out of a decree."""

    AGE_UNKNOWN = 1
    OCCUPATION_UNCLASSIFIED = 2
    #: A probable duplicate (the matcher's pair) is covered by another programme.
    NEAR_DUPLICATE_COVERED = 4
    #: A probable duplicate is in this decree too.
    NEAR_DUPLICATE_IN_DECREE = 8


def primary_reason(bits: int) -> Ineligible | None:
    """The first rule a person failed (the one counted in a decree's totals)."""
    for flag in Ineligible:
        if bits & flag:
            return flag
    return None


def flags_of(bits: int) -> tuple[Ineligible, ...]:
    return tuple(flag for flag in Ineligible if bits & flag)


def reason_key(flag: Ineligible) -> str:
    """``Ineligible.AGE_ABOVE`` -> ``"age_above"`` (the keys of the CLI's ``excluded``)."""
    name = flag.name
    if name is None:  # pragma: no cover - every member has a name
        raise ValueError(flag)
    return name.lower()


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day``; a 29 February birthday counts on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- leaving a decree -----------------------------------------------------------------------------

#: Why a person of one signed version is not in the next (every removal has one).
RemovalReason = Literal[
    "died",
    "moved_out",
    "merged_duplicate",
    "over_age",
    "under_age",
    "over_quota",
    "over_budget",
    "formal_work",
    "withdrew",
    "category",
    "double_funded",
    "inactive",
    "excluded",
    "other",
]
REMOVAL_REASONS: tuple[RemovalReason, ...] = get_args(RemovalReason)
#: Reasons a reviewer may give when taking someone out of a draft by hand.
MANUAL_REMOVAL_REASONS: tuple[RemovalReason, ...] = (
    "died",
    "moved_out",
    "merged_duplicate",
    "over_age",
    "formal_work",
    "withdrew",
    "double_funded",
    "other",
)

REMOVAL_OF_FLAG: dict[Ineligible, RemovalReason] = {
    Ineligible.DECEASED: "died",
    Ineligible.MERGED: "merged_duplicate",
    Ineligible.INACTIVE: "inactive",
    Ineligible.OUTSIDE_REGION: "moved_out",
    Ineligible.CATEGORY: "category",
    Ineligible.AGE_BELOW: "under_age",
    Ineligible.AGE_ABOVE: "over_age",
    Ineligible.EXCLUSION_LIST: "excluded",
    Ineligible.DOUBLE_FUNDED: "double_funded",
    Ineligible.QUOTA_CATEGORY: "over_quota",
    Ineligible.QUOTA: "over_quota",
    Ineligible.BUDGET: "over_budget",
}

#: Kinds of exclusion list; a person on a list of wage earners left for formal work.
ExclusionKind = Literal["wage_earner", "other"]
EXCLUSION_KINDS: tuple[ExclusionKind, ...] = get_args(ExclusionKind)


def removal_reason(bits: int, *, exclusion: ExclusionKind | None = None) -> RemovalReason:
    """The reason a person of the previous version left, from the rule they now fail."""
    flag = primary_reason(bits)
    if flag is None:
        return "other"
    if flag == Ineligible.EXCLUSION_LIST and exclusion == "wage_earner":
        return "formal_work"
    return REMOVAL_OF_FLAG[flag]
