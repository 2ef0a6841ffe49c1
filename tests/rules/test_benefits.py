"""Benefits: JKM with the Permenaker 1/2025 qualifying period, JKK cash benefits, eras."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.rules import (
    DEFAULT_CONFIG,
    Child,
    RulesInputError,
    era_on,
    jkk_death_benefit,
    jkk_partial_disability_benefit,
    jkk_total_disability_benefit,
    jkm_benefit,
    stmb_benefit,
)

W = 1_000_000
AFTER = date(2025, 8, 20)


def codes(problems: tuple[object, ...]) -> list[str]:
    return [p.code for p in problems]  # type: ignore[attr-defined]


# --- eras ----------------------------------------------------------------------------------------


def test_era_switches_on_pp_82_2019_promulgation() -> None:
    assert era_on(date(2019, 12, 1)).name == "PP 44/2015"
    assert era_on(date(2019, 12, 2)).name == "PP 82/2019"
    assert era_on(date(2015, 7, 1)).name == "PP 44/2015"
    with pytest.raises(RulesInputError, match="DATE_BEFORE_PROGRAMME"):
        era_on(date(2015, 6, 30))


# --- JKM -----------------------------------------------------------------------------------------


def test_jkm_full_lines_and_basis() -> None:
    result = jkm_benefit(death_date=date(2024, 3, 1), membership_start=date(2020, 1, 1))
    assert [(a.code, a.rupiah) for a in result.lines] == [
        ("JKM_LUMP_SUM", 20_000_000),
        ("JKM_PERIODIC", 12_000_000),
        ("JKM_FUNERAL", 10_000_000),
    ]
    assert {a.basis.citation for a in result.lines} == {"PP 44/2015 jo. PP 82/2019 Pasal 34"}
    assert result.scholarship is None
    assert result.problems == ()
    assert result.era == "PP 82/2019"


def test_jkm_before_pp_82_2019_uses_original_amounts() -> None:
    result = jkm_benefit(death_date=date(2019, 12, 1), membership_start=date(2016, 1, 1))
    assert [a.rupiah for a in result.lines] == [16_200_000, 4_800_000, 3_000_000]
    assert result.total == 24_000_000
    assert result.lines[0].basis.valid_to == date(2019, 12, 1)


@pytest.mark.parametrize(
    ("start", "death", "tenure", "total"),
    [
        (date(2025, 7, 1), date(2025, 7, 1), 0, 10_000_000),
        (date(2025, 7, 1), date(2025, 9, 30), 2, 10_000_000),  # third membership month
        (date(2025, 7, 1), date(2025, 10, 1), 3, 42_000_000),
        (date(2025, 1, 31), date(2025, 4, 30), 3, 42_000_000),  # month-end clamp
    ],
)
def test_jkm_qualifying_boundary_default_lt(
    start: date, death: date, tenure: int, total: int
) -> None:
    result = jkm_benefit(death_date=death, membership_start=start)
    assert result.tenure_months == tenure
    assert result.total == total
    assert "ASSUMPTION_JKM_QUALIFYING" in codes(result.problems)


def test_jkm_qualifying_boundary_le_also_reduces_at_exactly_3_months() -> None:
    config = replace(DEFAULT_CONFIG, jkm_qualifying_boundary="le")
    result = jkm_benefit(
        death_date=date(2025, 10, 1), membership_start=date(2025, 7, 1), config=config
    )
    assert result.total == 10_000_000
    assumption = next(p for p in result.problems if p.code == "ASSUMPTION_JKM_QUALIFYING")
    assert "at most 3" in assumption.message.render("en")


def test_jkm_reduced_benefit_is_funeral_costs_by_default() -> None:
    result = jkm_benefit(death_date=AFTER, membership_start=date(2025, 7, 1))
    assert [(a.code, a.rupiah) for a in result.lines] == [("JKM_FUNERAL", 10_000_000)]
    assert result.lines[0].basis.regulation == "Permenaker 1/2025"
    assert codes(result.problems) == ["JKM_QUALIFYING_PERIOD", "ASSUMPTION_JKM_QUALIFYING"]


def test_jkm_reduced_split_is_configurable() -> None:
    config = replace(DEFAULT_CONFIG, jkm_reduced_lump_sum=8_000_000, jkm_reduced_funeral=2_000_000)
    result = jkm_benefit(death_date=AFTER, membership_start=date(2025, 7, 1), config=config)
    assert [(a.code, a.rupiah) for a in result.lines] == [
        ("JKM_REDUCED_LUMP_SUM", 8_000_000),
        ("JKM_FUNERAL", 2_000_000),
    ]
    assert "Rp 10.000.000" in result.problems[0].message.render("id")


def test_jkm_reduced_without_funeral_line() -> None:
    config = replace(DEFAULT_CONFIG, jkm_reduced_lump_sum=10_000_000, jkm_reduced_funeral=0)
    result = jkm_benefit(death_date=AFTER, membership_start=date(2025, 7, 1), config=config)
    assert [a.code for a in result.lines] == ["JKM_REDUCED_LUMP_SUM"]


def test_jkm_before_permenaker_in_force_pays_full_regardless_of_tenure() -> None:
    config = replace(DEFAULT_CONFIG, jkm_qualifying_in_force=date(2025, 9, 1))
    result = jkm_benefit(death_date=AFTER, membership_start=date(2025, 8, 1), config=config)
    assert result.total == 42_000_000
    # The in-force date decided it, so the assumption is stated.
    assert codes(result.problems) == ["ASSUMPTION_JKM_QUALIFYING"]


def test_jkm_before_2025_has_no_qualifying_note() -> None:
    result = jkm_benefit(death_date=date(2024, 12, 31), membership_start=date(2024, 12, 1))
    assert result.total == 42_000_000
    assert result.problems == ()


def test_jkm_qualifying_can_exempt_funders() -> None:
    config = replace(DEFAULT_CONFIG, jkm_qualifying_exempt_funders=frozenset({"apbd"}))
    start = date(2025, 7, 1)
    exempt = jkm_benefit(death_date=AFTER, membership_start=start, funder="apbd", config=config)
    other = jkm_benefit(death_date=AFTER, membership_start=start, funder="self", config=config)
    assert (exempt.total, other.total) == (42_000_000, 10_000_000)


def test_jkm_input_errors() -> None:
    with pytest.raises(RulesInputError) as caught:
        jkm_benefit(death_date=date(2015, 1, 1), membership_start=date(2015, 2, 1))
    assert codes(caught.value.problems) == ["DATE_BEFORE_PROGRAMME", "DEATH_BEFORE_MEMBERSHIP"]


def test_jkm_result_to_dict() -> None:
    data = jkm_benefit(
        death_date=date(2025, 10, 1), membership_start=date(2020, 1, 1), children=(Child("sd"),)
    ).to_dict()
    assert data["total"] == 42_000_000
    assert data["tenure_months"] == 69
    assert data["scholarship"]["now_total"] == 1_500_000
    assert data["lines"][0]["basis"]["valid_from"] == "2019-12-02"


# --- JKK death -----------------------------------------------------------------------------------


def test_jkk_death_scales_with_wage() -> None:
    result = jkk_death_benefit(income=2_000_000, accident_date=date(2024, 5, 1))
    assert result.total == 96_000_000 + 12_000_000 + 10_000_000
    assert result.problems == ()
    assert result.scholarship is None


def test_jkk_death_before_pp_82_2019() -> None:
    result = jkk_death_benefit(income=W, accident_date=date(2018, 5, 1))
    assert [a.rupiah for a in result.lines] == [48_000_000, 4_800_000, 3_000_000]
    assert not result.lines[0].basis.verified


def test_jkk_death_floor_jkm_lump_sum_default() -> None:
    result = jkk_death_benefit(income=400_000, accident_date=date(2024, 5, 1))
    assert result.lines[0].rupiah == 20_000_000  # 48 × 400.000 = 19.200.000 < floor
    assert codes(result.problems) == ["INCOME_BASIS_BELOW_MINIMUM", "ASSUMPTION_JKK_DEATH_FLOOR"]
    assert result.problems[0].severity == "warning"


def test_jkk_death_floor_jkm_total_option() -> None:
    config = replace(DEFAULT_CONFIG, jkk_death_floor="jkm_total")
    result = jkk_death_benefit(income=800_000, accident_date=date(2024, 5, 1), config=config)
    assert result.lines[0].rupiah == 42_000_000  # 48 × 800.000 = 38.400.000 < 42 jt
    assert "whole JKM" in result.problems[-1].message.render("en")
    # With the BPU minimum basis the floor never binds: 48 × 1 jt > 42 jt.
    assert (
        jkk_death_benefit(income=W, accident_date=date(2024, 5, 1), config=config).lines[0].rupiah
        == 48_000_000
    )


def test_jkk_rejects_non_positive_wage_and_early_date() -> None:
    with pytest.raises(RulesInputError) as caught:
        jkk_death_benefit(income=0, accident_date=date(2015, 1, 1))
    assert codes(caught.value.problems) == ["INCOME_NOT_POSITIVE", "DATE_BEFORE_PROGRAMME"]


# --- JKK disability ------------------------------------------------------------------------------


def test_total_permanent_disability_is_56_w_plus_periodic_and_scholarship() -> None:
    result = jkk_total_disability_benefit(
        income=W, accident_date=date(2024, 5, 1), children=(Child("pt", 5),)
    )
    assert [a.rupiah for a in result.lines] == [56_000_000, 12_000_000]
    assert result.scholarship is not None
    assert result.scholarship.now_total == 12_000_000
    assert result.scholarship.maximum_total == 12_000_000
    assert result.scholarship.now[0].basis.article == "Pasal 25 dan Lampiran III"


def test_total_permanent_disability_before_pp_82_2019() -> None:
    result = jkk_total_disability_benefit(income=W, accident_date=date(2017, 5, 1))
    assert result.total == 56_000_000 + 4_800_000


def test_partial_anatomical_disability() -> None:
    result = jkk_partial_disability_benefit(
        income=W, accident_date=date(2024, 5, 1), percent=Decimal("35")
    )
    assert result.total == 28_000_000
    assert "anatomis 35%" in result.lines[0].label.render("id")


def test_partial_functional_disability() -> None:
    result = jkk_partial_disability_benefit(
        income=W, accident_date=date(2024, 5, 1), percent=35, function_loss=50
    )
    assert result.total == 14_000_000
    assert "fungsi 50%" in result.lines[0].label.render("id")


def test_partial_disability_rounding_is_reported() -> None:
    result = jkk_partial_disability_benefit(
        income=W, accident_date=date(2024, 5, 1), percent=Decimal("0.0000001")
    )
    assert result.total == 0  # 0,08 rupiah rounds half up to 0
    assert codes(result.problems) == ["ROUNDING_APPLIED"]


def test_partial_disability_from_the_configured_table() -> None:
    config = replace(
        DEFAULT_CONFIG, disability_percentages=(("ibu jari tangan kanan", Decimal(15)),)
    )
    result = jkk_partial_disability_benefit(
        income=W, accident_date=date(2024, 5, 1), body_part="ibu jari tangan kanan", config=config
    )
    assert result.total == 12_000_000
    assert result.lines[0].basis.article == "Lampiran III"


def test_partial_disability_unknown_body_part() -> None:
    with pytest.raises(RulesInputError, match="DISABILITY_BODY_PART_UNKNOWN"):
        jkk_partial_disability_benefit(income=W, accident_date=date(2024, 5, 1), body_part="lengan")


@pytest.mark.parametrize(
    ("percent", "loss"),
    [(Decimal(0), None), (Decimal(101), None), (Decimal("NaN"), None), (Decimal(10), Decimal(0))],
)
def test_partial_disability_percent_must_be_in_range(
    percent: Decimal, loss: Decimal | None
) -> None:
    with pytest.raises(RulesInputError, match="DISABILITY_PERCENT_INVALID"):
        jkk_partial_disability_benefit(
            income=W, accident_date=date(2024, 5, 1), percent=percent, function_loss=loss
        )


@pytest.mark.parametrize(("percent", "part"), [(None, None), (10, "x")])
def test_partial_disability_needs_exactly_one_source(percent: int | None, part: str | None) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        jkk_partial_disability_benefit(
            income=W, accident_date=date(2024, 5, 1), percent=percent, body_part=part
        )


# --- STMB ----------------------------------------------------------------------------------------


def test_stmb_bands_pp82() -> None:
    result = stmb_benefit(income=W, accident_date=date(2024, 1, 10), first_month=1, last_month=14)
    assert [(a.code, a.rupiah) for a in result.lines] == [
        ("STMB_1_12", 12_000_000),
        ("STMB_13_14", 1_000_000),
    ]
    assert stmb_benefit(income=W, accident_date=date(2024, 1, 10), first_month=12).total == W


def test_stmb_bands_pp44() -> None:
    result = stmb_benefit(income=W, accident_date=date(2018, 1, 10), first_month=1, last_month=13)
    assert [(a.code, a.rupiah) for a in result.lines] == [
        ("STMB_1_6", 6_000_000),
        ("STMB_7_12", 4_500_000),
        ("STMB_13_13", 500_000),
    ]


def test_stmb_rounding_is_reported() -> None:
    result = stmb_benefit(income=1_000_001, accident_date=date(2024, 1, 10), first_month=13)
    assert result.total == 500_001  # 500.000,5 half up
    assert codes(result.problems) == ["ROUNDING_APPLIED"]


@pytest.mark.parametrize(("first", "last"), [(0, None), (5, 4)])
def test_stmb_month_must_be_valid(first: int, last: int | None) -> None:
    with pytest.raises(RulesInputError, match="STMB_MONTH_INVALID"):
        stmb_benefit(income=W, accident_date=date(2024, 1, 10), first_month=first, last_month=last)


# --- properties ----------------------------------------------------------------------------------

wages = st.integers(min_value=1, max_value=50_000_000)
event_dates = st.dates(min_value=date(2015, 7, 1), max_value=date(2030, 12, 31))


@given(wages, event_dates, st.integers(min_value=1, max_value=40))
def test_jkk_amounts_are_never_negative(income: int, day: date, months: int) -> None:
    results = [
        jkk_death_benefit(income=income, accident_date=day),
        jkk_total_disability_benefit(income=income, accident_date=day),
        jkk_partial_disability_benefit(income=income, accident_date=day, percent=months),
        stmb_benefit(income=income, accident_date=day, first_month=1, last_month=months),
    ]
    for result in results:
        assert all(a.rupiah >= 0 for a in result.lines)
        assert result.total >= 0


@given(event_dates, st.integers(min_value=0, max_value=2_000))
def test_jkm_is_never_negative_and_never_above_full(death: date, days_member: int) -> None:
    start = date.fromordinal(max(death.toordinal() - days_member, date(2015, 7, 1).toordinal()))
    result = jkm_benefit(death_date=death, membership_start=start)
    assert 0 <= result.total <= era_on(death).jkm_total
