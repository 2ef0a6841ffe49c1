"""Contributions: basis validation, reductions by month/sector/funder, periods and cohorts."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.rules import (
    DEFAULT_CONFIG,
    FUNDERS,
    SECTORS,
    Month,
    RulesInputError,
    contribution_for_cohort,
    contribution_for_month,
    contribution_for_period,
    last_month_of,
    reduction_rules,
    validate_income_basis,
)

BASIS = 1_000_000
WIDE = replace(DEFAULT_CONFIG, unlisted_income_basis="warning")


def codes(problems: tuple[object, ...]) -> list[str]:
    return [p.code for p in problems]  # type: ignore[attr-defined]


# --- income basis --------------------------------------------------------------------------------


def test_basis_below_minimum_is_an_error() -> None:
    (problem,) = validate_income_basis(999_999)
    assert problem.code == "INCOME_BASIS_BELOW_MINIMUM"
    assert problem.severity == "error"
    assert "Rp 999.999" in problem.message.render("id")
    with pytest.raises(RulesInputError, match="INCOME_BASIS_BELOW_MINIMUM"):
        contribution_for_month(500_000, Month(2024, 1))


def test_unlisted_basis_is_an_error_by_default() -> None:
    (problem,) = validate_income_basis(1_500_000)
    assert problem.code == "INCOME_BASIS_NOT_LISTED"
    assert problem.severity == "error"
    assert "Rp 1.000.000" in problem.message.render("en")  # the admissible list is shown


def test_unlisted_basis_can_be_accepted_with_a_warning() -> None:
    month = contribution_for_month(1_500_000, Month(2024, 1), config=WIDE)
    assert month.total == 15_000 + 6_800
    assert codes(month.problems) == ["INCOME_BASIS_NOT_LISTED"]
    assert month.problems[0].severity == "warning"


def test_configured_bases_are_accepted() -> None:
    config = replace(DEFAULT_CONFIG, income_bases=(1_000_000, 2_000_000))
    assert validate_income_basis(2_000_000, config) == ()
    month = contribution_for_month(2_000_000, Month(2024, 1), jht=True, config=config)
    assert [a.rupiah for a in month.lines] == [20_000, 6_800, 40_000]


def test_unknown_sector_funder_and_early_month_are_all_reported() -> None:
    with pytest.raises(RulesInputError) as caught:
        contribution_for_month(
            BASIS,
            Month(2015, 6),
            sector="boat",  # type: ignore[arg-type]
            funder="pemda",  # type: ignore[arg-type]
        )
    assert codes(caught.value.problems) == [
        "SECTOR_UNKNOWN",
        "FUNDER_UNKNOWN",
        "DATE_BEFORE_PROGRAMME",
    ]


def test_first_month_of_pp_44_2015_is_accepted() -> None:
    assert contribution_for_month(BASIS, Month(2015, 7)).total == 16_800


# --- lines and legal bases -----------------------------------------------------------------------


def test_each_line_carries_its_legal_basis() -> None:
    month = contribution_for_month(BASIS, Month(2024, 1), jht=True)
    bases = {a.code: a.basis.regulation for a in month.lines}
    assert bases == {
        "JKK": "PP 44/2015",
        "JKM": "PP 44/2015",
        "JHT": "PP 46/2015 jo. PP 60/2015",
    }
    data = month.to_dict()
    assert data["total"] == 36_800
    assert data["lines"][0]["basis"]["citation"] == "PP 44/2015 Lampiran II"


# --- PP 50/2025 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "month", "total"),
    [
        ("transport", Month(2025, 12), 16_800),
        ("transport", Month(2026, 1), 8_400),
        ("transport", Month(2027, 3), 8_400),
        ("transport", Month(2027, 4), 16_800),
        ("other", Month(2026, 3), 16_800),
        ("other", Month(2026, 4), 8_400),
        ("other", Month(2026, 12), 8_400),
        ("other", Month(2027, 1), 16_800),
    ],
)
def test_pp50_periods_by_sector(sector: str, month: Month, total: int) -> None:
    result = contribution_for_month(BASIS, month, sector=sector)  # type: ignore[arg-type]
    assert result.total == total


def test_pp50_reduction_lines_name_the_regulation() -> None:
    month = contribution_for_month(BASIS, Month(2026, 2), sector="transport")
    assert [(a.code, a.rupiah) for a in month.reductions] == [
        ("JKK_REDUCTION_PP50_2025", 5_000),
        ("JKM_REDUCTION_PP50_2025", 3_400),
    ]
    assert {a.basis.citation for a in month.reductions} == {"PP 50/2025 Pasal 4 ayat (1)"}
    assert month.reduction == 8_400


@pytest.mark.parametrize("funder", ["apbd", "apbn"])
def test_pp50_excludes_state_budgets(funder: str) -> None:
    month = contribution_for_month(BASIS, Month(2026, 5), funder=funder)  # type: ignore[arg-type]
    assert month.total == 16_800
    assert codes(month.problems) == ["PP50_FUNDER_EXCLUDED"]


@pytest.mark.parametrize(("funder", "total"), [("dbhcht", 16_800), ("apbdes", 16_800)])
def test_pp50_unverified_funders_excluded_by_default_with_a_note(funder: str, total: int) -> None:
    month = contribution_for_month(BASIS, Month(2026, 5), funder=funder)  # type: ignore[arg-type]
    assert month.total == total
    assert codes(month.problems) == ["ASSUMPTION_PP50_FUNDER"]
    assert "not eligible" in month.problems[0].message.render("en")


@pytest.mark.parametrize("funder", ["csr", "baznas"])
def test_pp50_private_funders_eligible_by_default_with_a_note(funder: str) -> None:
    month = contribution_for_month(BASIS, Month(2026, 5), funder=funder)  # type: ignore[arg-type]
    assert month.total == 8_400
    assert codes(month.problems) == ["ASSUMPTION_PP50_FUNDER"]
    assert "treated as eligible" in month.problems[0].message.render("en")


def test_pp50_self_paid_needs_no_assumption() -> None:
    assert contribution_for_month(BASIS, Month(2026, 5)).problems == ()


def test_pp50_eligibility_is_configurable() -> None:
    config = replace(DEFAULT_CONFIG, pp50_2025_eligible_funders=frozenset({"self", "dbhcht"}))
    assert contribution_for_month(BASIS, Month(2026, 5), funder="dbhcht", config=config).total == (
        8_400
    )
    assert contribution_for_month(BASIS, Month(2026, 5), funder="csr", config=config).total == (
        16_800
    )


def test_pp50_jht_stays_full() -> None:
    month = contribution_for_month(BASIS, Month(2026, 5), jht=True)
    assert {a.code for a in month.reductions} == {
        "JKK_REDUCTION_PP50_2025",
        "JKM_REDUCTION_PP50_2025",
    }


# --- PP 49/2020 ----------------------------------------------------------------------------------


def test_pp49_relief_leaves_one_percent() -> None:
    month = contribution_for_month(BASIS, Month(2020, 9), funder="apbd")
    assert month.total == 100 + 68
    assert codes(month.problems) == ["ASSUMPTION_PP49_PERIOD"]
    assert {a.basis.regulation for a in month.reductions} == {"PP 49/2020"}


@pytest.mark.parametrize(
    ("month", "total"),
    [
        (Month(2020, 7), 16_800),
        (Month(2021, 2), 16_800),
        (Month(2020, 8), 168),
        (Month(2021, 1), 168),
    ],
)
def test_pp49_period_bounds(month: Month, total: int) -> None:
    assert contribution_for_month(BASIS, month).total == total


def test_pp49_period_is_configurable() -> None:
    config = replace(
        DEFAULT_CONFIG, pp49_2020_first_month=Month(2020, 9), pp49_2020_last_month=Month(2020, 9)
    )
    assert contribution_for_month(BASIS, Month(2020, 8), config=config).total == 16_800
    assert contribution_for_month(BASIS, Month(2020, 9), config=config).total == 168
    (rule, _) = reduction_rules(config)
    assert rule.basis.valid_from is not None
    assert rule.basis.valid_from.isoformat() == "2020-09-01"


# --- rounding ------------------------------------------------------------------------------------


def test_rounding_is_reported_when_a_fraction_appears() -> None:
    month = contribution_for_month(1_000_050, Month(2024, 1), jht=True, config=WIDE)
    jkk, _, jht = (a.rupiah for a in month.lines)
    assert (jkk, jht) == (10_001, 20_001)  # 10.000,5 and 20.001 -> half up
    assert "ROUNDING_APPLIED" in codes(month.problems)


def test_rounding_of_a_discount_is_reported() -> None:
    config = replace(WIDE, rounding="down")
    month = contribution_for_month(1_000_100, Month(2026, 5), config=config)
    assert [a.rupiah for a in month.lines] == [10_001, 6_800]
    # 50 % of 10.001 = 5.000,5 payable, rounded down -> 5.000 payable, 5.001 off.
    assert month.reductions[0].rupiah == 5_001
    assert codes(month.problems) == ["INCOME_BASIS_NOT_LISTED", "ROUNDING_APPLIED"]


def test_no_rounding_note_for_round_bases() -> None:
    assert contribution_for_month(BASIS, Month(2026, 5), jht=True).problems == ()


# --- periods and cohorts -------------------------------------------------------------------------


def test_period_across_the_start_of_pp50_mixes_full_and_discounted_months() -> None:
    plan = contribution_for_period(BASIS, Month(2026, 2), Month(2026, 5))
    assert [m.total for m in plan.months] == [16_800, 16_800, 8_400, 8_400]
    assert plan.per_person == 50_400
    assert (plan.first_month, plan.last_month) == (Month(2026, 2), Month(2026, 5))
    lines = {a.code: a for a in plan.lines}
    assert lines["JKK"].rupiah == 40_000
    assert lines["JKK"].label.render("id").endswith("× 4 bulan")
    cuts = {a.code: a for a in plan.reductions}
    assert cuts["JKM_REDUCTION_PP50_2025"].rupiah == 6_800
    assert cuts["JKM_REDUCTION_PP50_2025"].label.render("en").endswith("× 2 months")


def test_cohort_multiplies_people_and_labels_them() -> None:
    plan = contribution_for_cohort(1_200, BASIS, Month(2024, 1), Month(2024, 1))
    assert plan.total == 1_200 * 16_800
    assert plan.lines[0].label.render("id").endswith("× 1.200 orang")
    assert plan.lines[0].rupiah == 12_000_000
    data = plan.to_dict()
    assert data["total"] == 20_160_000
    assert data["month_count"] == 1


def test_cohort_of_zero_people_costs_nothing() -> None:
    assert contribution_for_cohort(0, BASIS, Month(2024, 1), Month(2024, 3)).total == 0


def test_cohort_problems_are_deduplicated() -> None:
    plan = contribution_for_cohort(2, BASIS, Month(2026, 4), Month(2026, 6), funder="apbd")
    assert codes(plan.problems) == ["PP50_FUNDER_EXCLUDED"]


def test_cohort_rejects_negative_people_and_reversed_range() -> None:
    with pytest.raises(RulesInputError) as caught:
        contribution_for_cohort(-1, BASIS, Month(2024, 3), Month(2024, 1))
    assert codes(caught.value.problems) == ["PEOPLE_COUNT_INVALID", "MONTH_RANGE_REVERSED"]


def test_last_month_of_a_run() -> None:
    assert last_month_of(Month(2024, 11), 3) == Month(2025, 1)
    assert last_month_of(Month(2024, 11), 1) == Month(2024, 11)
    with pytest.raises(RulesInputError, match="MONTH_COUNT_INVALID"):
        last_month_of(Month(2024, 11), 0)


# --- properties ----------------------------------------------------------------------------------

incomes = st.integers(min_value=1_000_000, max_value=100_000_000)
months = st.builds(
    Month, st.integers(min_value=2015, max_value=2030), st.integers(min_value=1, max_value=12)
).filter(lambda m: m >= Month(2015, 7))
roundings = st.sampled_from(["half_up", "half_even", "down", "up"])


@given(
    incomes,
    incomes,
    months,
    st.booleans(),
    st.sampled_from(SECTORS),
    st.sampled_from(FUNDERS),
    roundings,
)
def test_contribution_is_monotonic_in_income(
    a: int, b: int, month: Month, jht: bool, sector: str, funder: str, rounding: str
) -> None:
    low, high = sorted((a, b))
    config = replace(WIDE, rounding=rounding)  # type: ignore[arg-type]
    kwargs = {"jht": jht, "sector": sector, "funder": funder, "config": config}
    low_month = contribution_for_month(low, month, **kwargs)  # type: ignore[arg-type]
    high_month = contribution_for_month(high, month, **kwargs)  # type: ignore[arg-type]
    assert low_month.total <= high_month.total
    assert low_month.gross <= high_month.gross


@given(incomes, months, st.booleans(), st.sampled_from(SECTORS), st.sampled_from(FUNDERS))
def test_contribution_amounts_are_never_negative(
    income: int, month: Month, jht: bool, sector: str, funder: str
) -> None:
    result = contribution_for_month(
        income,
        month,
        jht=jht,
        sector=sector,  # type: ignore[arg-type]
        funder=funder,  # type: ignore[arg-type]
        config=WIDE,
    )
    assert all(a.rupiah >= 0 for a in (*result.lines, *result.reductions))
    assert 0 <= result.total <= result.gross
    # A reduction never touches JHT, so the JHT line is always paid in full.
    assert result.total >= sum(a.rupiah for a in result.lines if a.code == "JHT")
