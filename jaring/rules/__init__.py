"""Jaring's statutory rules for BPJS Ketenagakerjaan BPU participants, in plain Python.

No Django, no third-party import: usable alone (``python -m jaring.rules``) and from the
import pipeline. Money is whole rupiah (``int``); every amount carries its legal basis; every
open legal question is a field of :class:`RulesConfig`. See docs/rules.md.
"""

from jaring.rules.benefits import (
    BenefitResult,
    era_on,
    jkk_death_benefit,
    jkk_partial_disability_benefit,
    jkk_total_disability_benefit,
    jkm_benefit,
    stmb_benefit,
)
from jaring.rules.config import (
    DEFAULT_CONFIG,
    FUNDERS,
    MIN_INCOME_BASIS,
    SECTORS,
    Funder,
    RulesConfig,
    Sector,
)
from jaring.rules.contributions import (
    ContributionPlan,
    MonthContribution,
    contribution_for_cohort,
    contribution_for_month,
    contribution_for_period,
    last_month_of,
    reduction_rules,
    validate_income_basis,
)
from jaring.rules.legal import LegalBasis
from jaring.rules.money import Amount, format_rupiah
from jaring.rules.months import Month, completed_months, month_range
from jaring.rules.nik import (
    FEMALE_DAY_OFFSET,
    FEMALE_DAYS,
    MALE_DAYS,
    MONTHS,
    NIK_LENGTH,
    NIK_SLICES,
    PROVINCE_CODES,
    SERIALS,
    NikCheck,
    NikInput,
    ParsedNik,
    Sex,
    build_nik,
    check_nik,
    nik_structure_problems,
    normalize_nik,
    parse_nik,
)
from jaring.rules.problems import (
    PROBLEM_SPECS,
    Problem,
    ProblemSpec,
    RulesInputError,
    make_problem,
    nik_problem,
)
from jaring.rules.scholarship import Child, ScholarshipResult, parse_children, scholarship
from jaring.rules.status import ProtectionState, ProtectionStatus, protection_status

__all__ = [
    "DEFAULT_CONFIG",
    "FEMALE_DAYS",
    "FEMALE_DAY_OFFSET",
    "FUNDERS",
    "MALE_DAYS",
    "MIN_INCOME_BASIS",
    "MONTHS",
    "NIK_LENGTH",
    "NIK_SLICES",
    "PROBLEM_SPECS",
    "PROVINCE_CODES",
    "SECTORS",
    "SERIALS",
    "Amount",
    "BenefitResult",
    "Child",
    "ContributionPlan",
    "Funder",
    "LegalBasis",
    "Month",
    "MonthContribution",
    "NikCheck",
    "NikInput",
    "ParsedNik",
    "Problem",
    "ProblemSpec",
    "ProtectionState",
    "ProtectionStatus",
    "RulesConfig",
    "RulesInputError",
    "ScholarshipResult",
    "Sector",
    "Sex",
    "build_nik",
    "check_nik",
    "completed_months",
    "contribution_for_cohort",
    "contribution_for_month",
    "contribution_for_period",
    "era_on",
    "format_rupiah",
    "jkk_death_benefit",
    "jkk_partial_disability_benefit",
    "jkk_total_disability_benefit",
    "jkm_benefit",
    "last_month_of",
    "make_problem",
    "month_range",
    "nik_problem",
    "nik_structure_problems",
    "normalize_nik",
    "parse_children",
    "parse_nik",
    "protection_status",
    "reduction_rules",
    "scholarship",
    "stmb_benefit",
    "validate_income_basis",
]
