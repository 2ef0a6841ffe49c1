"""Months, money, legal bases, the problem registry and the configuration."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.rules import (
    DEFAULT_CONFIG,
    PROBLEM_SPECS,
    Amount,
    LegalBasis,
    Month,
    RulesConfig,
    completed_months,
    format_rupiah,
    make_problem,
    month_range,
    nik_problem,
)
from jaring.rules.legal import BPU_JKM_CONTRIBUTION, JKM_BENEFIT_PP44, PP_50_2025_DISCOUNT
from jaring.rules.messages import Message, translate
from jaring.rules.money import apply_rate, merge_lines, round_rupiah
from jaring.rules.months import add_months
from jaring.rules.problems import RulesInputError, raise_on_errors

# --- months --------------------------------------------------------------------------------------


def test_month_parse_order_and_arithmetic() -> None:
    assert Month.parse("2024-01") == Month(2024, 1)
    assert Month.parse(" 2024-1 ") == Month(2024, 1)
    assert str(Month(2024, 1)) == "2024-01"
    assert Month(2024, 12) + 1 == Month(2025, 1)
    assert Month(2024, 1).shift(-1) == Month(2023, 12)
    assert Month(2025, 3) - Month(2024, 12) == 3
    assert Month(2024, 2).last_day == date(2024, 2, 29)
    assert Month(2024, 2).first_day == date(2024, 2, 1)
    assert Month.of(date(2024, 5, 17)) == Month(2024, 5)
    assert Month(2023, 12) < Month(2024, 1)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "24-01", "2024/01", "januari"])
def test_month_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="month"):
        Month.parse(text)


def test_month_rejects_impossible_year() -> None:
    with pytest.raises(ValueError, match="year"):
        Month(0, 1)


def test_month_range_inclusive_and_empty() -> None:
    assert month_range(Month(2024, 11), Month(2025, 1)) == (
        Month(2024, 11),
        Month(2024, 12),
        Month(2025, 1),
    )
    assert month_range(Month(2024, 2), Month(2024, 1)) == ()


def test_completed_months_clamps_month_ends() -> None:
    assert completed_months(date(2024, 1, 15), date(2024, 4, 14)) == 2
    assert completed_months(date(2024, 1, 15), date(2024, 4, 15)) == 3
    assert completed_months(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert completed_months(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    with pytest.raises(ValueError, match="before start"):
        completed_months(date(2024, 2, 1), date(2024, 1, 1))


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1)),
    st.integers(min_value=0, max_value=5_000),
)
def test_completed_months_brackets_the_end(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    months = completed_months(start, end)
    assert add_months(start, months) <= end < add_months(start, months + 1)


# --- money ---------------------------------------------------------------------------------------


def test_format_rupiah() -> None:
    assert format_rupiah(16_800) == "Rp 16.800"
    assert format_rupiah(392_000_000) == "Rp 392.000.000"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(-5_000) == "-Rp 5.000"


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        (Fraction(5, 2), "half_up", 3),
        (Fraction(5, 2), "half_even", 2),
        (Fraction(7, 2), "half_even", 4),
        (Fraction(5, 2), "down", 2),
        (Fraction(5, 2), "up", 3),
        (Fraction(21, 10), "half_up", 2),
        (Fraction(29, 10), "half_even", 3),
        (Fraction(4), "up", 4),
    ],
)
def test_round_rupiah_modes(value: Fraction, mode: str, expected: int) -> None:
    assert round_rupiah(value, mode) == expected  # type: ignore[arg-type]


def test_round_rupiah_rejects_negative() -> None:
    with pytest.raises(ValueError, match="never negative"):
        round_rupiah(Fraction(-1), "half_up")


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=1000))
def test_round_half_modes_match_decimal(numerator: int, denominator: int) -> None:
    exact = Fraction(numerator, denominator)
    as_decimal = Decimal(numerator) / Decimal(denominator)
    assert round_rupiah(exact, "half_up") == int(as_decimal.quantize(1, ROUND_HALF_UP))
    assert round_rupiah(exact, "half_even") == int(as_decimal.quantize(1, ROUND_HALF_EVEN))


def test_apply_rate_reports_rounding() -> None:
    assert apply_rate(1_000_000, Fraction(1, 100), "half_up") == (10_000, False)
    assert apply_rate(1_000_050, Fraction(1, 100), "half_up") == (10_001, True)


def test_amount_is_never_negative_nor_a_float() -> None:
    with pytest.raises(ValueError, match="never negative"):
        Amount("X", -1, Message("x"), BPU_JKM_CONTRIBUTION)
    with pytest.raises(TypeError, match="int"):
        Amount("X", 1.5, Message("x"), BPU_JKM_CONTRIBUTION)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int"):
        Amount("X", True, Message("x"), BPU_JKM_CONTRIBUTION)


def test_amount_times_and_merge() -> None:
    line = Amount("JKM", 6_800, Message("JKM (flat)"), BPU_JKM_CONTRIBUTION)
    assert line.times(3).rupiah == 20_400
    other = Amount("JKM", 100, Message("JKM (flat)"), JKM_BENEFIT_PP44)
    merged = merge_lines([line, line, other])
    assert [(a.code, a.rupiah) for a in merged] == [("JKM", 13_600), ("JKM", 100)]
    assert line.to_dict()["basis"]["verified"] is False


# --- legal bases ---------------------------------------------------------------------------------


def test_legal_basis_citation_and_validity() -> None:
    assert PP_50_2025_DISCOUNT.citation == "PP 50/2025 Pasal 4 ayat (1)"
    assert BPU_JKM_CONTRIBUTION.citation == "PP 44/2015"  # article unconfirmed: not invented
    assert PP_50_2025_DISCOUNT.in_force_on(date(2026, 1, 1))
    assert PP_50_2025_DISCOUNT.in_force_on(date(2027, 3, 31))
    assert not PP_50_2025_DISCOUNT.in_force_on(date(2025, 12, 31))
    assert not PP_50_2025_DISCOUNT.in_force_on(date(2027, 4, 1))
    open_ended = LegalBasis("UU 40/2004", None, None)
    assert open_ended.in_force_on(date(1990, 1, 1))
    assert open_ended.to_dict()["valid_from"] is None
    assert JKM_BENEFIT_PP44.to_dict()["valid_to"] == "2019-12-01"


# --- problem registry ----------------------------------------------------------------------------


def test_registry_codes_are_stable_upper_snake_with_both_messages() -> None:
    assert len(PROBLEM_SPECS) >= 40
    for code, spec in PROBLEM_SPECS.items():
        assert code == spec.code
        assert code == code.upper()
        assert " " not in code
        assert spec.severity in {"error", "warning", "info"}
        assert spec.template.strip()
        # The Indonesian is the catalogue's translation of the English msgid.
        assert translate(spec.template, "id").strip()
        assert translate(spec.template, "id") != spec.template
        # Each message can be built from its declared parameters.
        problem = make_problem(code, **dict.fromkeys(spec.params, "X"))
        assert "{" not in problem.message.render("id")
        assert "{" not in problem.message.render("en")


def test_nik_codes_of_the_issue_are_registered() -> None:
    required = {
        "NIK_LENGTH",
        "NIK_NOT_DIGITS",
        "NIK_PROVINCE_UNKNOWN",
        "NIK_DATE_IMPOSSIBLE",
        "NIK_SERIAL_ZERO",
        "NIK_BIRTH_DATE_MISMATCH",
        "NIK_SEX_MISMATCH",
        "NIK_KABKOTA_UNKNOWN",
        "NIK_KECAMATAN_UNKNOWN",
        "NIK_SCIENTIFIC_NOTATION",
        "NIK_FROM_NUMBER",
        "NIK_DIGITS_LOST",
    }
    assert required <= set(PROBLEM_SPECS)


def test_nik_problem_builds_both_messages() -> None:
    problem = nik_problem("NIK_LENGTH", length=15)
    assert problem.message.render("id") == "NIK harus 16 digit, bukan 15."
    assert problem.message.render("en") == "NIK must have 16 digits, not 15."
    assert problem.field == "nik"
    assert problem.is_error
    assert problem.to_dict()["params"] == {"length": "15"}


def test_make_problem_overrides_and_errors() -> None:
    problem = make_problem("INCOME_BASIS_BELOW_MINIMUM", severity="warning", field="w", income="1")
    assert (problem.severity, problem.field) == ("warning", "w")
    with pytest.raises(KeyError, match="unknown problem code"):
        make_problem("NOPE")
    with pytest.raises(KeyError, match="needs parameters"):
        make_problem("NIK_LENGTH")
    with pytest.raises(KeyError, match="not a NIK problem"):
        nik_problem("INCOME_NOT_POSITIVE", income=1)


def test_raise_on_errors_ignores_warnings() -> None:
    warning = nik_problem("NIK_FROM_NUMBER")
    raise_on_errors((warning,))
    with pytest.raises(RulesInputError, match="NIK_EMPTY: NIK is empty") as caught:
        raise_on_errors((warning, nik_problem("NIK_EMPTY")))
    assert [p.code for p in caught.value.problems] == ["NIK_EMPTY"]


# --- configuration -------------------------------------------------------------------------------


def test_default_config_documents_the_readings() -> None:
    config = RulesConfig()
    assert config == DEFAULT_CONFIG
    assert config.income_bases == (1_000_000,)
    assert config.jkk_death_floor == "jkm_lump_sum"
    assert config.jkm_qualifying_boundary == "lt"
    assert "apbd" not in config.pp50_2025_eligible_funders


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"income_bases": ()}, "empty"),
        ({"income_bases": (900_000,)}, "minimum"),
        ({"unlisted_income_basis": "info"}, "error or warning"),
        ({"rounding": "bankers"}, "rounding"),
        ({"pp49_2020_first_month": Month(2021, 2)}, "PP 49/2020"),
        ({"pp50_2025_eligible_funders": frozenset({"bank"})}, "unknown funders"),
        ({"pp50_2025_eligible_funders": frozenset({"apbd"})}, "by statute"),
        ({"jkm_qualifying_months": -1}, "negative"),
        ({"jkm_qualifying_boundary": "lte"}, "boundary"),
        ({"jkm_qualifying_exempt_funders": frozenset({"bank"})}, "unknown funder"),
        ({"jkm_reduced_funeral": -1}, "negative"),
        ({"jkk_death_floor": "zero"}, "jkk_death_floor"),
        ({"arrears_grace_months": -1}, "negative"),
        ({"disability_percentages": (("jari", Decimal(0)),)}, "jari"),
    ],
)
def test_config_rejects_impossible_values(changes: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        replace(DEFAULT_CONFIG, **changes)  # type: ignore[arg-type]


# --- documentation stays in step with the code ---------------------------------------------------


def test_docs_name_every_problem_code_and_config_field() -> None:
    from dataclasses import fields
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    missing_codes = [code for code in PROBLEM_SPECS if f"`{code}`" not in docs]
    missing_fields = [f.name for f in fields(RulesConfig) if f"`{f.name}`" not in docs]
    assert missing_codes == []
    assert missing_fields == []
