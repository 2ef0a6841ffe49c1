"""Scholarships per child and level, and the protection status from paid months."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.rules import (
    DEFAULT_CONFIG,
    Child,
    Month,
    ProtectionState,
    RulesInputError,
    parse_children,
    protection_status,
    scholarship,
)
from jaring.rules.status import parse_months

AFTER_PP82 = date(2024, 1, 10)


def codes(problems: tuple[object, ...]) -> list[str]:
    return [p.code for p in problems]  # type: ignore[attr-defined]


# --- scholarship ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("child", "now", "maximum"),
    [
        (Child("belum"), 0, 87_000_000),
        (Child("tk"), 1_500_000, 87_000_000),
        (Child("tk", 2), 1_500_000, 85_500_000),
        (Child("sd"), 1_500_000, 84_000_000),
        (Child("sd", 6), 1_500_000, 76_500_000),
        (Child("smp"), 2_000_000, 75_000_000),
        (Child("sma", 3), 3_000_000, 63_000_000),
        (Child("pt"), 12_000_000, 60_000_000),
    ],
)
def test_amount_per_level(child: Child, now: int, maximum: int) -> None:
    result = scholarship([child], route="jkk", event_date=AFTER_PP82, contribution_months=None)
    assert result.eligible
    assert result.now_total == now
    assert result.maximum_total == maximum


def test_at_most_two_children() -> None:
    children = [Child("sd"), Child("smp"), Child("sma")]
    result = scholarship(children, route="jkk", event_date=AFTER_PP82, contribution_months=None)
    assert [a.code for a in result.now] == ["SCHOLARSHIP_CHILD_1", "SCHOLARSHIP_CHILD_2"]
    assert result.now_total == 3_500_000
    assert codes(result.problems) == ["SCHOLARSHIP_CHILDREN_LIMIT", "SCHOLARSHIP_ENDS"]


def test_jkm_route_needs_36_months_jkk_route_none() -> None:
    kids = [Child("sd")]
    short = scholarship(kids, route="jkm", event_date=AFTER_PP82, contribution_months=35)
    enough = scholarship(kids, route="jkm", event_date=AFTER_PP82, contribution_months=36)
    unknown = scholarship(kids, route="jkm", event_date=AFTER_PP82, contribution_months=None)
    jkk = scholarship(kids, route="jkk", event_date=AFTER_PP82, contribution_months=0)
    assert (short.eligible, enough.eligible, unknown.eligible, jkk.eligible) == (
        False,
        True,
        False,
        True,
    )
    assert codes(short.problems) == ["SCHOLARSHIP_TENURE_SHORT"]
    assert enough.now[0].basis.article == "Pasal 34"


def test_before_pp82_one_lump_sum_after_five_years() -> None:
    kids = [Child("sd"), Child("smp")]
    before = date(2019, 11, 1)
    jkm_short = scholarship(kids, route="jkm", event_date=before, contribution_months=59)
    jkm_ok = scholarship(kids, route="jkm", event_date=before, contribution_months=60)
    jkk = scholarship(kids, route="jkk", event_date=before, contribution_months=None)
    assert not jkm_short.eligible
    assert jkm_ok.now_total == jkm_ok.maximum_total == 12_000_000
    assert jkk.now_total == 12_000_000
    assert jkk.now[0].basis.article == "Pasal 25 dan Lampiran III"
    assert jkm_ok.now[0].basis.article == "Pasal 34"


def test_eligible_without_children_pays_nothing() -> None:
    result = scholarship([], route="jkk", event_date=AFTER_PP82, contribution_months=None)
    assert result.eligible
    assert result.maximum_total == 0
    assert result.to_dict()["now"] == []


def test_parse_children() -> None:
    assert parse_children("sd, SMP:2,,belum") == (Child("sd"), Child("smp", 2), Child("belum"))
    with pytest.raises(RulesInputError) as caught:
        parse_children("sd:7,kuliah,smp:x,belum:2")
    assert codes(caught.value.problems) == [
        "SCHOOL_YEAR_INVALID",
        "SCHOOL_LEVEL_UNKNOWN",
        "SCHOOL_YEAR_INVALID",
        "SCHOOL_YEAR_INVALID",
    ]


def test_scholarship_rejects_bad_children() -> None:
    with pytest.raises(RulesInputError, match="SCHOOL_LEVEL_UNKNOWN"):
        scholarship(
            [Child("s3")],  # type: ignore[arg-type]
            route="jkk",
            event_date=AFTER_PP82,
            contribution_months=None,
        )


# --- protection status ---------------------------------------------------------------------------

Q1_2024 = parse_months("2024-01..2024-03")


def test_active_when_current_month_paid() -> None:
    status = protection_status(Q1_2024, date(2024, 2, 10))
    assert status.state is ProtectionState.AKTIF
    assert status.paid_through == Month(2024, 3)
    assert status.lapse_month == Month(2024, 7)
    assert status.covered is True
    assert status.spell_start == Month(2024, 1)
    assert status.label.render("id") == "Aktif"
    assert status.label.render("en") == "Active"


@pytest.mark.parametrize(("day", "unpaid"), [(date(2024, 4, 1), 1), (date(2024, 6, 30), 3)])
def test_in_arrears_for_1_to_3_months(day: date, unpaid: int) -> None:
    status = protection_status(Q1_2024, day)
    assert status.state is ProtectionState.TERTUNGGAK
    assert status.unpaid_months == unpaid
    assert status.arrears == tuple(Month(2024, 3) + i for i in range(1, unpaid + 1))
    assert status.lapse_month == Month(2024, 7)
    assert status.covered is None
    assert codes(status.problems) == ["ASSUMPTION_ARREARS_COVERAGE"]
    assert status.label.render("id") == f"Tertunggak {unpaid} bulan"
    assert status.label.render("en").startswith("In arrears")


def test_ended_after_more_than_3_unpaid_months() -> None:
    status = protection_status(Q1_2024, date(2024, 7, 1))
    assert status.state is ProtectionState.BERAKHIR
    assert status.unpaid_months == 4
    assert status.arrears == ()
    assert status.covered is False
    assert status.spell_start is None
    assert status.label.render("en") == "Ended"


def test_nonaktif_when_jht_already_claimed() -> None:
    status = protection_status(Q1_2024, date(2024, 9, 1), jht_claimed=True)
    assert status.state is ProtectionState.NONAKTIF


def test_not_yet_active() -> None:
    assert protection_status([], date(2024, 1, 1)).state is ProtectionState.BELUM_AKTIF
    future = protection_status([Month(2024, 3)], date(2024, 1, 1))
    assert future.state is ProtectionState.BELUM_AKTIF
    assert future.spell_start == Month(2024, 3)
    assert future.covered is False


def test_paid_ahead_extends_paid_through() -> None:
    status = protection_status(parse_months("2024-01..2024-12"), date(2024, 2, 1))
    assert status.paid_through == Month(2024, 12)
    assert status.lapse_month == Month(2025, 4)


def test_spell_starts_after_a_lapse_and_keeps_short_gaps() -> None:
    paid = parse_months("2023-01,2023-02,2023-08,2023-10,2023-11")
    status = protection_status(paid, date(2023, 11, 5))
    assert status.state is ProtectionState.AKTIF
    assert status.spell_start == Month(2023, 8)  # the 5-month gap ended the first membership
    assert status.gaps == (Month(2023, 9),)


def test_arrears_coverage_is_configurable() -> None:
    yes = replace(DEFAULT_CONFIG, arrears_risk_covered=True)
    no = replace(DEFAULT_CONFIG, arrears_risk_covered=False)
    covered = protection_status(Q1_2024, date(2024, 4, 1), config=yes)
    not_covered = protection_status(Q1_2024, date(2024, 4, 1), config=no)
    assert (covered.covered, not_covered.covered) == (True, False)
    assert "Configured: covered" in covered.problems[0].message.render("en")
    assert "Configured: not covered" in not_covered.problems[0].message.render("en")


def test_grace_months_configurable() -> None:
    config = replace(DEFAULT_CONFIG, arrears_grace_months=1)
    assert protection_status(Q1_2024, date(2024, 5, 1), config=config).state is (
        ProtectionState.BERAKHIR
    )


def test_status_to_dict() -> None:
    data = protection_status(Q1_2024, date(2024, 5, 1)).to_dict()
    assert data["state"] == "tertunggak"
    assert data["arrears"] == ["2024-04", "2024-05"]
    assert data["basis"]["regulation"] == "Perdir BPJSTK 22/PERDIR.02/072022"
    assert protection_status([], date(2024, 5, 1)).to_dict()["last_paid"] is None


def test_parse_months_forms_and_errors() -> None:
    assert parse_months("2024-01, 2024-3,") == (Month(2024, 1), Month(2024, 3))
    assert len(parse_months("2023-11..2024-02")) == 4
    with pytest.raises(ValueError, match="range ends"):
        parse_months("2024-03..2024-01")
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_months("2024/01")


@given(
    st.sets(st.integers(min_value=0, max_value=36), max_size=36),
    st.integers(min_value=0, max_value=40),
)
def test_status_agrees_with_the_unpaid_count(offsets: set[int], today_offset: int) -> None:
    base = Month(2022, 1)
    paid = [base + i for i in offsets]
    on = (base + today_offset).first_day
    status = protection_status(paid, on)
    past = [i for i in offsets if i <= today_offset]
    if not past:
        assert status.state is ProtectionState.BELUM_AKTIF
        return
    unpaid = today_offset - max(past)
    expected = (
        ProtectionState.AKTIF
        if unpaid == 0
        else ProtectionState.TERTUNGGAK
        if unpaid <= 3
        else ProtectionState.BERAKHIR
    )
    assert status.state is expected
    assert status.unpaid_months == unpaid
    assert len(status.arrears) == (unpaid if expected is ProtectionState.TERTUNGGAK else 0)
