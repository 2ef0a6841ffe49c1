"""The test vectors of RULES.md §8 (and the reference cases of §1.2), one named test each.

Rows C1, C2, M2, P1, P2, J1 and B1 of §8 (and K1's +395 / +4,25 % growth) are Monev arithmetic
on reported counts — coverage ratios and differences — and belong to the monitoring app, not to
the statutory rules; the iuran part of K1 and the benefit rows are here.
"""

from datetime import date

from jaring.rules import (
    Child,
    Month,
    contribution_for_cohort,
    contribution_for_month,
    contribution_for_period,
    jkk_death_benefit,
    jkm_benefit,
    stmb_benefit,
)

BASIS = 1_000_000


# --- Iuran vectors (§1.2, §1.4, §8 "Iuran vectors") ------------------------------------------


def test_iuran_basis_1jt_jkk_jkm_is_16800() -> None:
    month = contribution_for_month(BASIS, Month(2024, 5))
    assert {a.code: a.rupiah for a in month.lines} == {"JKK": 10_000, "JKM": 6_800}
    assert month.total == 16_800


def test_iuran_basis_1jt_with_jht_is_36800() -> None:
    month = contribution_for_month(BASIS, Month(2024, 5), jht=True)
    assert month.total == 36_800
    assert [a.rupiah for a in month.lines if a.code == "JHT"] == [20_000]


def test_iuran_one_year_jkk_jkm_is_201600() -> None:
    plan = contribution_for_period(BASIS, Month(2024, 1), Month(2024, 12))
    assert plan.total == 201_600


def test_iuran_pp50_transport_self_paid_feb_2026_is_8400() -> None:
    month = contribution_for_month(BASIS, Month(2026, 2), sector="transport", funder="self")
    assert month.total == 8_400
    assert month.gross == 16_800


def test_iuran_pp50_transport_apbd_funded_feb_2026_is_16800() -> None:
    month = contribution_for_month(BASIS, Month(2026, 2), sector="transport", funder="apbd")
    assert month.total == 16_800
    assert month.reductions == ()
    assert "PP50_FUNDER_EXCLUDED" in {p.code for p in month.problems}


def test_iuran_pp50_non_transport_self_paid_mar_2026_is_16800() -> None:
    assert contribution_for_month(BASIS, Month(2026, 3), sector="other").total == 16_800


def test_iuran_pp50_non_transport_self_paid_may_2026_is_8400() -> None:
    assert contribution_for_month(BASIS, Month(2026, 5), sector="other").total == 8_400


def test_iuran_pp50_jht_is_not_discounted() -> None:
    month = contribution_for_month(BASIS, Month(2026, 5), jht=True)
    assert month.total == 8_400 + 20_000


# --- K1 Kota Kediri ------------------------------------------------------------------------------


def test_k1_kediri_2023_iuran_9300_people_4_months_is_624960000() -> None:
    plan = contribution_for_cohort(9_300, BASIS, Month(2023, 9), Month(2023, 12), funder="dbhcht")
    assert plan.total == 624_960_000
    assert plan.per_person == 4 * 16_800


# --- Benefit vectors (§8 "Benefit test vectors") -------------------------------------------------


def test_benefit_jkm_death_in_membership_month_2_after_permenaker_1_2025_is_10jt() -> None:
    result = jkm_benefit(death_date=date(2025, 8, 20), membership_start=date(2025, 7, 1))
    assert result.tenure_months == 1  # second month of membership
    assert result.total == 10_000_000
    assert "JKM_QUALIFYING_PERIOD" in {p.code for p in result.problems}


def test_benefit_jkm_death_in_membership_month_4_after_permenaker_1_2025_is_42jt() -> None:
    result = jkm_benefit(death_date=date(2025, 10, 20), membership_start=date(2025, 7, 1))
    assert result.tenure_months == 3  # fourth month of membership
    assert result.total == 42_000_000


def test_benefit_jkm_two_children_tenure_35_months_no_scholarship() -> None:
    result = jkm_benefit(
        death_date=date(2025, 6, 10),
        membership_start=date(2022, 7, 1),
        children=(Child("tk"), Child("tk")),
    )
    assert result.tenure_months == 35
    assert result.scholarship is not None
    assert not result.scholarship.eligible
    assert result.scholarship.maximum_total == 0


def test_benefit_jkm_two_children_tenure_36_months_up_to_174jt() -> None:
    result = jkm_benefit(
        death_date=date(2025, 7, 1),
        membership_start=date(2022, 7, 1),
        children=(Child("tk"), Child("tk")),
    )
    assert result.tenure_months == 36
    assert result.scholarship is not None
    assert result.scholarship.eligible
    assert result.scholarship.maximum_total == 174_000_000
    assert result.total == 42_000_000


def test_benefit_jkk_death_w_1jt_is_70jt_with_scholarship_regardless_of_tenure() -> None:
    result = jkk_death_benefit(
        income=BASIS, accident_date=date(2025, 7, 2), children=(Child("tk"), Child("tk"))
    )
    assert result.total == 70_000_000
    assert [a.rupiah for a in result.lines] == [48_000_000, 12_000_000, 10_000_000]
    assert result.scholarship is not None
    assert result.scholarship.eligible
    assert result.scholarship.maximum_total == 174_000_000


def test_benefit_stmb_month_13_at_w_1jt_is_500000() -> None:
    assert stmb_benefit(income=BASIS, accident_date=date(2024, 1, 10), first_month=13).total == (
        500_000
    )


# --- M1 Kabupaten Mojokerto ----------------------------------------------------------------------


def test_m1_mojokerto_jkk_death_70jt_is_48_plus_12_plus_10() -> None:
    result = jkk_death_benefit(income=BASIS, accident_date=date(2024, 1, 31))
    assert [a.rupiah for a in result.lines] == [48_000_000, 12_000_000, 10_000_000]


def test_m1_mojokerto_6_jkm_and_2_jkk_deaths_is_392jt() -> None:
    # 31-1-2024 is before Permenaker 1/2025, so even a short membership gets the full JKM.
    jkm = jkm_benefit(death_date=date(2024, 1, 31), membership_start=date(2024, 1, 1))
    jkk = jkk_death_benefit(income=BASIS, accident_date=date(2024, 1, 31))
    assert jkm.total == 42_000_000
    assert 6 * jkm.total + 2 * jkk.total == 392_000_000
