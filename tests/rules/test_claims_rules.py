"""Claims in the rules engine: entitlement from paid months, heirs, documents, working days,
scholarship instalments."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.rules import DEFAULT_CONFIG, Child, Month, RulesInputError, month_range
from jaring.rules.claims import (
    DOCUMENT_CODES,
    EVENT_KINDS,
    HEIR_RELATIONS,
    Disability,
    add_working_days,
    add_years,
    entitlement,
    first_heirs,
    heir_order,
    is_working_day,
    payee_problems,
    required_documents,
    scholarship_schedule,
    working_days_after,
)
from jaring.rules.scholarship import SCHOOL_LEVELS, scholarship


def months(first: str, last: str) -> tuple[Month, ...]:
    return month_range(Month.parse(first), Month.parse(last))


def codes(problems: tuple[object, ...]) -> list[str]:
    return [p.code for p in problems]  # type: ignore[attr-defined]


# --- the RULES.md §8 benefit vectors, from paid months -------------------------------------------


def test_death_in_membership_month_2_is_10_million() -> None:
    result = entitlement(
        event="death", event_date=date(2025, 8, 20), paid_months=months("2025-07", "2025-08")
    )
    assert result.entitled
    assert result.membership_start == Month(2025, 7)
    assert result.tenure_months == 1
    assert result.total == 10_000_000
    assert [line.kind for line in result.lines] == ["jkm"]
    assert result.lines[0].amount.basis.regulation == "Permenaker 1/2025"
    assert "JKM_QUALIFYING_PERIOD" in codes(result.notes)


def test_death_in_membership_month_4_is_42_million_in_three_lines() -> None:
    result = entitlement(
        event="death", event_date=date(2025, 10, 20), paid_months=months("2025-07", "2025-10")
    )
    assert result.total == 42_000_000
    assert [(line.kind, line.amount.rupiah) for line in result.lines] == [
        ("jkm", 20_000_000),
        ("jkm", 12_000_000),
        ("jkm", 10_000_000),
    ]
    assert {line.amount.basis.citation for line in result.lines} == {
        "PP 44/2015 jo. PP 82/2019 Pasal 34"
    }


def test_work_death_is_70_million_with_scholarship_in_the_first_month() -> None:
    result = entitlement(
        event="work_death",
        event_date=date(2025, 7, 2),
        paid_months=[Month(2025, 7)],
        children=(Child("tk"), Child("tk")),
    )
    assert result.total == 70_000_000
    assert [line.kind for line in result.lines] == ["jkk-death"] * 3
    assert [line.amount.rupiah for line in result.lines] == [48_000_000, 12_000_000, 10_000_000]
    assert result.scholarship is not None and result.scholarship.eligible
    assert result.scholarship.maximum_total == 174_000_000


@pytest.mark.parametrize(
    ("death", "paid_through", "tenure", "eligible"),
    [(date(2025, 6, 10), "2025-06", 35, False), (date(2025, 7, 1), "2025-07", 36, True)],
)
def test_scholarship_at_35_and_36_months(
    death: date, paid_through: str, tenure: int, eligible: bool
) -> None:
    result = entitlement(
        event="death",
        event_date=death,
        paid_months=months("2022-07", paid_through),
        children=(Child("tk"), Child("tk")),
    )
    assert result.tenure_months == tenure
    assert result.contribution_months == tenure
    assert result.total == 42_000_000
    assert result.scholarship is not None
    assert result.scholarship.eligible is eligible
    assert result.scholarship.maximum_total == (174_000_000 if eligible else 0)


def test_unpaid_months_inside_the_membership_do_not_count_for_the_scholarship() -> None:
    paid = [m for m in months("2022-07", "2025-07") if m not in {Month(2023, 3), Month(2023, 4)}]
    result = entitlement(
        event="death", event_date=date(2025, 7, 1), paid_months=paid, children=(Child("sd"),)
    )
    assert result.tenure_months == 36  # the two-month gap did not end the membership
    assert result.contribution_months == 34
    assert result.scholarship is not None and not result.scholarship.eligible
    assert "SCHOLARSHIP_TENURE_SHORT" in codes(result.notes)


def test_lapsed_membership_is_not_entitled_with_the_reason() -> None:
    result = entitlement(
        event="death", event_date=date(2025, 3, 10), paid_months=months("2024-01", "2024-11")
    )
    assert not result.entitled
    assert result.total == 0 and result.lines == ()
    (reason,) = result.reasons
    assert reason.code == "CLAIM_MEMBERSHIP_ENDED"
    assert reason.message.render("id").startswith(
        "Kepesertaan berakhir Maret 2025: 4 bulan tertunggak"
    )
    assert reason.message.render("en").startswith("Membership ended in March 2025: 4 months")
    assert dict(reason.params)["lapse"] == "2025-03"


# --- coverage in arrears, never paid, after the event --------------------------------------------


def test_arrears_unsettled_by_default_entitled_with_a_warning() -> None:
    result = entitlement(
        event="death", event_date=date(2025, 2, 10), paid_months=months("2024-01", "2025-01")
    )
    assert result.entitled
    assert result.total == 42_000_000
    assert "CLAIM_ARREARS_UNCERTAIN" in codes(result.notes)


@pytest.mark.parametrize(
    ("covered", "entitled", "code"),
    [
        (True, True, "CLAIM_ARREARS_COVERED"),
        (False, False, "CLAIM_IN_ARREARS"),
    ],
)
def test_arrears_as_configured(covered: bool, entitled: bool, code: str) -> None:
    config = replace(DEFAULT_CONFIG, arrears_risk_covered=covered)
    result = entitlement(
        event="work_death",
        event_date=date(2025, 3, 10),
        paid_months=months("2024-01", "2025-01"),
        config=config,
    )
    assert result.entitled is entitled
    assert code in codes(result.reasons + result.notes)


def test_never_paid_and_first_month_unpaid() -> None:
    never = entitlement(event="death", event_date=date(2025, 3, 10), paid_months=[])
    assert codes(never.reasons) == ["CLAIM_NEVER_PAID"]
    first = entitlement(
        event="death",
        event_date=date(2025, 3, 10),
        paid_months=[Month(2025, 4)],
        covered_months=months("2025-03", "2025-12"),
    )
    assert codes(first.reasons) == ["CLAIM_FIRST_MONTH_UNPAID"]
    assert "CLAIM_PAID_AFTER_EVENT" in codes(first.notes)


def test_paid_but_outside_any_decree_is_noted_not_refused() -> None:
    result = entitlement(
        event="death",
        event_date=date(2025, 10, 20),
        paid_months=months("2025-01", "2025-12"),
        covered_months=months("2025-01", "2025-09"),
    )
    assert result.entitled
    notes = codes(result.notes)
    assert "CLAIM_NOT_IN_DECREE" in notes and "CLAIM_PAID_AFTER_EVENT" in notes


# --- work injury ---------------------------------------------------------------------------------


def test_work_injury_without_assessment_is_entitled_to_care_only() -> None:
    result = entitlement(
        event="work_injury", event_date=date(2025, 5, 3), paid_months=months("2025-01", "2025-05")
    )
    assert result.entitled and result.total == 0
    assert "CLAIM_JKK_ASSESSMENT_PENDING" in codes(result.notes)


def test_work_injury_with_stmb_and_partial_disability() -> None:
    result = entitlement(
        event="occupational_disease",
        event_date=date(2025, 5, 3),
        paid_months=months("2025-01", "2025-05"),
        incapacity_months=13,
        disability=Disability(percent=Decimal(35)),
    )
    assert [(line.kind, line.amount.rupiah) for line in result.lines] == [
        ("stmb", 12_000_000),
        ("stmb", 500_000),
        ("jkk-disability", 28_000_000),
    ]


def test_total_disability_brings_the_scholarship() -> None:
    result = entitlement(
        event="work_injury",
        event_date=date(2025, 5, 3),
        paid_months=[Month(2025, 5)],
        disability=Disability(total=True),
        children=(Child("sd", 3),),
    )
    assert result.total == 56_000_000 + 12_000_000
    assert result.scholarship is not None and result.scholarship.eligible


def test_rules_input_errors_still_raise() -> None:
    with pytest.raises(RulesInputError, match="DATE_BEFORE_PROGRAMME"):
        entitlement(event="death", event_date=date(2015, 6, 1), paid_months=[Month(2015, 6)])
    with pytest.raises(ValueError, match="unknown event"):
        entitlement(event="flood", event_date=date(2025, 6, 1), paid_months=[])  # type: ignore[arg-type]


paid_sets = st.sets(st.builds(Month, st.integers(2023, 2026), st.integers(1, 12)), max_size=40)
event_days = st.dates(date(2023, 1, 1), date(2026, 12, 31))


@given(paid=paid_sets, day=event_days, event=st.sampled_from(EVENT_KINDS))
@settings(max_examples=300, deadline=None)
def test_entitlement_properties(paid: set[Month], day: date, event: str) -> None:
    result = entitlement(event=event, event_date=day, paid_months=paid)  # type: ignore[arg-type]
    month = Month.of(day)
    last_paid = max((m for m in paid if m <= month), default=None)
    # Entitled exactly when something up to the event month was paid and at most 3 months ago.
    expected = last_paid is not None and month - last_paid <= 3
    assert result.entitled is expected
    assert (result.reasons == ()) is expected
    if result.entitled:
        assert result.tenure_months is not None and result.contribution_months is not None
        assert 0 <= result.contribution_months <= result.tenure_months
        if event == "death":
            assert result.total in {10_000_000, 42_000_000}
        if event == "work_death":
            assert result.total == 70_000_000
    else:
        assert result.total == 0 and result.lines == ()


# --- heirs and documents -------------------------------------------------------------------------


def test_heir_order_spouse_and_children_first() -> None:
    relations = ("sibling", "child", "parent", "spouse", "will")
    assert heir_order(relations) == (1, 3, 2, 0, 4)
    assert first_heirs(relations) == (1, 3)
    assert payee_problems(relations, 3) == ()
    (warning,) = payee_problems(relations, 0)
    assert warning.code == "HEIR_PAYEE_NOT_FIRST"
    indonesian, english = warning.message.render("id"), warning.message.render("en")
    assert "saudara kandung" in indonesian and "anak, suami/istri" in indonesian
    assert "(sibling)" in english and "(child, spouse)" in english
    assert first_heirs(()) == ()


@given(st.lists(st.sampled_from(HEIR_RELATIONS), min_size=1, max_size=8))
def test_first_heirs_are_the_head_of_the_order(relations: list[str]) -> None:
    order = heir_order(relations)  # type: ignore[arg-type]
    first = first_heirs(relations)  # type: ignore[arg-type]
    assert sorted(order) == list(range(len(relations)))
    assert set(order[: len(first)]) == set(first)


def test_documents_for_each_event() -> None:
    jkm = required_documents("death", payee_relation="spouse", cash_total=42_000_000)
    assert jkm == (
        "kpj_card",
        "ktp_participant",
        "ktp_heir",
        "family_card",
        "death_certificate",
        "heir_statement",
        "marriage_book",
        "savings_book",
    )
    jkk = required_documents("work_death", payee_relation="child", cash_total=70_000_000)
    assert "accident_report" in jkk and "npwp" in jkk and "marriage_book" not in jkk
    injury = required_documents("work_injury", payee_relation=None, cash_total=0)
    assert injury == (
        "kpj_card",
        "ktp_participant",
        "accident_report",
        "medical_certificate",
        "savings_book",
    )
    assert set(jkm + jkk + injury) <= set(DOCUMENT_CODES)


# --- working days --------------------------------------------------------------------------------


def test_three_working_days_skip_weekend_and_holidays() -> None:
    friday = date(2026, 12, 18)
    assert add_working_days(friday, 3) == date(2026, 12, 23)
    christmas = {date(2026, 12, 24), date(2026, 12, 25)}
    assert add_working_days(date(2026, 12, 22), 3, christmas) == date(2026, 12, 29)
    assert working_days_after(friday, date(2026, 12, 23)) == 3
    assert working_days_after(friday, friday) == 0
    with pytest.raises(ValueError, match="negative"):
        add_working_days(friday, -1)


@given(
    start=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    days=st.integers(0, 30),
    holidays=st.sets(st.dates(date(2024, 1, 1), date(2028, 3, 31)), max_size=20),
)
def test_working_days_round_trip(start: date, days: int, holidays: set[date]) -> None:
    due = add_working_days(start, days, holidays)
    assert working_days_after(start, due, holidays) == days
    if days:
        assert is_working_day(due, holidays)
        assert working_days_after(start, due - timedelta(days=1), holidays) == days - 1


# --- scholarship instalments ---------------------------------------------------------------------


def test_schedule_of_an_sd_child_and_a_pt_child() -> None:
    children = (Child("sd", 5), Child("pt", 4))
    grant = scholarship(
        children, route="jkk", event_date=date(2025, 3, 1), contribution_months=None
    )
    lines, problems = scholarship_schedule(
        grant, children, event_date=date(2025, 3, 1), first_due=date(2025, 4, 1)
    )
    first = [(i.level, i.year, i.due_on.year, i.amount.rupiah) for i in lines if i.child == 1]
    assert first[:3] == [
        ("sd", 5, 2025, 1_500_000),
        ("sd", 6, 2026, 1_500_000),
        ("smp", 1, 2027, 2_000_000),
    ]
    second = [(i.level, i.year, i.amount.rupiah) for i in lines if i.child == 2]
    assert second == [("pt", 4, 12_000_000), ("pt", 5, 12_000_000)]
    assert problems == ()
    assert sum(i.amount.rupiah for i in lines) == grant.maximum_total


def test_schedule_stops_at_23_and_waits_for_school() -> None:
    children = (Child("sma", 3), Child("belum"))
    grant = scholarship(
        children, route="jkk", event_date=date(2025, 3, 1), contribution_months=None
    )
    lines, problems = scholarship_schedule(
        grant,
        children,
        event_date=date(2025, 3, 1),
        first_due=date(2025, 4, 1),
        birth_dates=(date(2004, 6, 1), date(2022, 1, 1)),
    )
    # 23 on 1 June 2027: the April 2027 instalment is the last.
    assert [(i.level, i.year) for i in lines] == [("sma", 3), ("pt", 1), ("pt", 2)]
    assert codes(problems) == ["SCHOLARSHIP_AGE_LIMIT", "SCHOLARSHIP_WAITING_SCHOOL"]


def test_schedule_before_pp_82_2019_is_one_payment() -> None:
    children = (Child("sd"),)
    grant = scholarship(
        children, route="jkk", event_date=date(2019, 1, 1), contribution_months=None
    )
    lines, _ = scholarship_schedule(
        grant, children, event_date=date(2019, 1, 1), first_due=date(2019, 2, 1)
    )
    assert [i.amount.rupiah for i in lines] == [12_000_000]
    none, _ = scholarship_schedule(
        None, children, event_date=date(2025, 1, 1), first_due=date(2025, 1, 1)
    )
    assert none == ()


@given(
    level=st.sampled_from([lv for lv in SCHOOL_LEVELS if lv != "belum"]),
    year=st.integers(1, 6),
)
def test_schedule_adds_up_to_the_maximum(level: str, year: int) -> None:
    from jaring.rules.scholarship import LEVEL_RULES

    years = next(r.years for r in LEVEL_RULES if r.level == level)
    child = Child(level, min(year, years))  # type: ignore[arg-type]
    grant = scholarship(
        (child,), route="jkk", event_date=date(2025, 1, 1), contribution_months=None
    )
    lines, _ = scholarship_schedule(
        grant, (child,), event_date=date(2025, 1, 1), first_due=date(2025, 1, 1)
    )
    assert sum(i.amount.rupiah for i in lines) == grant.maximum_total
    assert [i.due_on for i in lines] == [add_years(date(2025, 1, 1), k) for k in range(len(lines))]


def test_add_years_on_29_february() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_results_serialise_with_kind_and_basis() -> None:
    children = (Child("sd"),)
    result = entitlement(
        event="work_death",
        event_date=date(2025, 7, 2),
        paid_months=[Month(2025, 7)],
        children=children,
    )
    data = result.to_dict()
    assert data["entitled"] is True and data["total"] == 70_000_000
    assert data["lines"][0]["kind"] == "jkk-death"
    assert (
        data["lines"][0]["basis"]["citation"]
        == "PP 44/2015 jo. PP 82/2019 Pasal 25 dan Lampiran III"
    )
    assert data["membership_start"] == "2025-07"
    lines, _ = scholarship_schedule(
        result.scholarship, children, event_date=date(2025, 7, 2), first_due=date(2025, 8, 1)
    )
    assert lines[0].to_dict()["due_on"] == "2025-08-01"
    assert lines[0].to_dict()["rupiah"] == 1_500_000
