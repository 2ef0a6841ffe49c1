"""The programme rules: what the law refuses, what only warns, costs, reasons."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.rules.months import Month
from jaring.rules.programmes import (
    NOT_ELIGIBLE,
    OVER_LIMIT,
    Caution,
    Ineligible,
    ProgrammeTerms,
    age_on,
    cohort_cost,
    expected_wadah,
    flags_of,
    income_basis_error,
    primary_reason,
    programme_findings,
    reason_key,
    removal_reason,
)


def _terms(**changes: object) -> ProgrammeTerms:
    values: dict[str, object] = {
        "funder": "apbd",
        "owner": "regency",
        "first_month": Month(2024, 1),
        "months": 12,
    }
    values.update(changes)
    return ProgrammeTerms(**values)  # type: ignore[arg-type]


def _codes(**changes: object) -> dict[str, str]:
    return {f.code: f.severity for f in programme_findings(_terms(**changes))}


def test_dana_desa_in_2024_is_refused_with_its_legal_basis() -> None:
    findings = programme_findings(
        _terms(funder="apbdes", owner="village", apbdes_source="dana-desa")
    )
    (refusal,) = [f for f in findings if f.is_error]
    assert refusal.code == "DANA_DESA_PREMIUM_FORBIDDEN"
    assert refusal.basis is not None and refusal.basis.verified
    assert "4/PRI.00/I/2024" in refusal.basis.regulation


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (
            {
                "funder": "apbdes",
                "owner": "village",
                "apbdes_source": "dana-desa",
                "first_month": Month(2025, 1),
            },
            "DANA_DESA_PREMIUM_UNSETTLED",
        ),
        (
            {"funder": "apbdes", "owner": "village", "apbdes_source": "add"},
            "APBDES_SOURCE_UNSETTLED",
        ),
        ({"funder": "apbdes", "owner": "regency", "apbdes_source": "pades"}, "APBDES_NOT_VILLAGE"),
        ({"age_max": 70}, "AGE_MAX_ABOVE_PRACTICE"),
        ({"age_min": 15}, "AGE_MIN_BELOW_ADULT"),
        ({"funder": "gn-lingkaran", "months": 4}, "SPONSOR_PACKAGE_MONTHS"),
        ({"wadah": "SC"}, "WADAH_UNUSUAL"),
        ({"funder": "apbd-provinsi"}, "FUNDER_PROVINCE_NOT_PROVINCE"),
    ],
)
def test_unverified_rules_only_warn(changes: dict[str, object], code: str) -> None:
    codes = _codes(**changes)
    assert codes[code] == "warning"
    assert "error" not in codes.values()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"funder": "nobody"}, "FUNDER_UNKNOWN"),
        ({"months": 0}, "MONTHS_INVALID"),
        ({"months": 61}, "MONTHS_INVALID"),
        ({"first_month": Month(2014, 1)}, "PERIOD_BEFORE_BPU"),
        ({"age_min": 66, "age_max": 65}, "AGE_RANGE_INVALID"),
        ({"income_basis": 999_999}, "INCOME_BASIS_BELOW_MINIMUM"),
        ({"quota": -1}, "QUOTA_NEGATIVE"),
        ({"budget": -1}, "BUDGET_NEGATIVE"),
        ({"wadah": "XX"}, "WADAH_UNKNOWN"),
        ({"funder": "apbdes", "owner": "village"}, "APBDES_SOURCE_REQUIRED"),
        (
            {"funder": "apbdes", "owner": "village", "apbdes_source": "lotre"},
            "APBDES_SOURCE_UNKNOWN",
        ),
        ({"apbdes_source": "add"}, "APBDES_SOURCE_WITHOUT_APBDES"),
    ],
)
def test_refusals(changes: dict[str, object], code: str) -> None:
    assert _codes(**changes)[code] == "error"


def test_expected_wadah() -> None:
    assert expected_wadah("apbd", "regency") == "SG"
    assert expected_wadah("dbhcht", "province") == "SG"
    assert expected_wadah("apbd", "village") == "SA"
    assert expected_wadah("apbdes", "village") == "SD"
    assert expected_wadah("csr", "regency") == "SC"
    assert expected_wadah("gn-lingkaran", "village") == "SC"
    assert expected_wadah("baznas", "regency") == "SL"


def test_cost_from_the_contribution_engine() -> None:
    # Kota Kediri 2023 (RULES.md K1): 16.800 a month, 4 months.
    kediri = cohort_cost(
        _terms(funder="dbhcht", first_month=Month(2023, 9), months=4),
        income=1_000_000,
        sector="other",
    )
    assert (kediri.first_month_iuran, kediri.per_person) == (16_800, 67_200)
    # APBD in 2026: no PP 50/2025 discount; CSR gets it (an assumption, noted).
    apbd = cohort_cost(
        _terms(first_month=Month(2026, 4), months=1), income=1_000_000, sector="other"
    )
    csr = cohort_cost(
        _terms(funder="csr", first_month=Month(2026, 4), months=1), income=1_000_000, sector="other"
    )
    assert (apbd.per_person, csr.per_person) == (16_800, 8_400)
    assert "ASSUMPTION_PP50_FUNDER" in csr.notes and "PP50_FUNDER_EXCLUDED" in apbd.notes
    other = cohort_cost(
        _terms(funder="other", first_month=Month(2026, 4), months=1),
        income=1_000_000,
        sector="other",
    )
    assert other.per_person == 16_800
    assert "FUNDER_OTHER_FULL_RATE" in other.notes and "PP50_FUNDER_EXCLUDED" not in other.notes
    jht = cohort_cost(_terms(jht=True, months=1), income=1_000_000, sector="transport")
    assert jht.per_person == 36_800


def test_income_basis_error() -> None:
    assert income_basis_error(1_000_000) is None
    assert income_basis_error(900_000) == "INCOME_BASIS_BELOW_MINIMUM"


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)
def test_age_on_counts_completed_years(birth: date, day: date) -> None:
    age = age_on(birth, day)
    if day >= birth:
        assert age >= 0
    years_later = birth.year + age
    # The birthday of the counted year has passed; the next one has not.
    assert (years_later, birth.month, birth.day) <= (day.year, day.month, day.day) or (
        birth.month == 2 and birth.day == 29
    )


def test_reasons() -> None:
    bits = int(Ineligible.AGE_ABOVE | Ineligible.DECEASED)
    assert primary_reason(bits) == Ineligible.DECEASED
    assert primary_reason(0) is None
    assert flags_of(bits) == (Ineligible.DECEASED, Ineligible.AGE_ABOVE)
    assert reason_key(Ineligible.AGE_ABOVE) == "age_above"
    assert removal_reason(bits) == "died"
    assert removal_reason(int(Ineligible.EXCLUSION_LIST), exclusion="wage_earner") == "formal_work"
    assert removal_reason(int(Ineligible.EXCLUSION_LIST), exclusion="other") == "excluded"
    assert removal_reason(int(Ineligible.BUDGET)) == "over_budget"
    assert removal_reason(0) == "other"
    assert not NOT_ELIGIBLE & OVER_LIMIT
    assert Caution.AGE_UNKNOWN == 1


def test_an_unverified_rule_can_never_refuse() -> None:
    from jaring.rules.legal import DANA_DESA_PREMIUM_OPEN
    from jaring.rules.programmes import _finding

    finding = _finding("ANYTHING", "error", DANA_DESA_PREMIUM_OPEN, year=2026)
    assert finding.severity == "warning" and finding.param("year") == "2026"


def test_other_funder_outside_the_discount_years_needs_no_note() -> None:
    cost = cohort_cost(_terms(funder="other"), income=1_000_000, sector="other")
    assert cost.per_person == 12 * 16_800 and "FUNDER_OTHER_FULL_RATE" not in cost.notes
