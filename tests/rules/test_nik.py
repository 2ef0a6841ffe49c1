"""NIK clean-up, structure, comparison with stated data, and the build/parse round trip."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.rules import (
    FEMALE_DAY_OFFSET,
    PROVINCE_CODES,
    RulesInputError,
    build_nik,
    check_nik,
    nik_structure_problems,
    normalize_nik,
    parse_nik,
)
from jaring.rules.nik import FLOAT_EXACT_LIMIT, resolve_birth_year

VALID = "3571031708800002"  # Kota Kediri, Kec. Pesantren, man born 17-08-1980, serial 0002
REF = date(2025, 1, 1)


def codes(result: object) -> list[str]:
    return [p.code for p in result.problems]  # type: ignore[attr-defined]


def test_valid_nik_parses_every_part() -> None:
    result = check_nik(VALID, reference_date=REF)
    assert result.valid
    assert result.problems == ()
    parsed = result.parsed
    assert parsed is not None
    assert (parsed.province_code, parsed.kabkota_code, parsed.kecamatan_code) == (
        "35",
        "35.71",
        "35.71.03",
    )
    assert parsed.sex == "L"
    assert parsed.birth_date == date(1980, 8, 17)
    assert parsed.serial == 2
    assert parsed.to_dict()["birth_date"] == "1980-08-17"


def test_female_day_has_40_added() -> None:
    parsed = parse_nik("3571035708800002", reference_date=REF)
    assert parsed.sex == "P"
    assert parsed.birth_date == date(1980, 8, 17)


def test_province_set_is_the_38_provinces() -> None:
    assert len(PROVINCE_CODES) == 38
    assert {"11", "21", "31", "36", "51", "65", "76", "82", "91", "96"} <= PROVINCE_CODES
    assert not {"10", "20", "37", "54", "77", "83", "90", "97"} & PROVINCE_CODES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("357103170880000", ["NIK_LENGTH"]),
        ("35710317088000021", ["NIK_LENGTH"]),
        ("35710317088O0002", ["NIK_NOT_DIGITS"]),
        ("3571x31708800", ["NIK_NOT_DIGITS", "NIK_LENGTH"]),
        ("", ["NIK_EMPTY"]),
        ("   ", ["NIK_EMPTY"]),
        ("1071031708800002", ["NIK_PROVINCE_UNKNOWN"]),
        ("3500031708800002", ["NIK_KABKOTA_ZERO"]),
        ("3571001708800002", ["NIK_KECAMATAN_ZERO"]),
        ("3571033208800002", ["NIK_DAY_INVALID"]),
        ("3571030008800002", ["NIK_DAY_INVALID"]),
        ("3571037208800002", ["NIK_DAY_INVALID"]),
        ("3571031713800002", ["NIK_MONTH_INVALID"]),
        ("3571031700800002", ["NIK_MONTH_INVALID"]),
        ("3571033102800002", ["NIK_DATE_IMPOSSIBLE"]),
        ("3571037102800002", ["NIK_DATE_IMPOSSIBLE"]),  # 31 Feb for a woman
        ("3571033104800002", ["NIK_DATE_IMPOSSIBLE"]),  # 31 April
        ("3571031708800000", ["NIK_SERIAL_ZERO"]),
    ],
)
def test_invalid_nik_codes(raw: str, expected: list[str]) -> None:
    result = check_nik(raw, reference_date=REF)
    assert not result.valid
    assert codes(result) == expected
    assert result.parsed is None
    assert all(p.severity == "error" for p in result.errors)


def test_every_problem_is_listed_at_once() -> None:
    result = check_nik("1000003213800000", reference_date=REF)
    assert codes(result) == [
        "NIK_PROVINCE_UNKNOWN",
        "NIK_KABKOTA_ZERO",
        "NIK_KECAMATAN_ZERO",
        "NIK_DAY_INVALID",
        "NIK_MONTH_INVALID",
        "NIK_SERIAL_ZERO",
    ]


def test_impossible_date_reported_with_other_errors() -> None:
    assert codes(check_nik("3571033102800000", reference_date=REF)) == [
        "NIK_SERIAL_ZERO",
        "NIK_DATE_IMPOSSIBLE",
    ]


def test_29_february_depends_on_the_century() -> None:
    leap_2000 = "3571032902000001"
    assert check_nik(leap_2000, reference_date=date(2025, 1, 1)).valid
    assert codes(check_nik(leap_2000, reference_date=date(1999, 1, 1))) == ["NIK_DATE_IMPOSSIBLE"]


def test_structure_problems_alone() -> None:
    assert nik_structure_problems(VALID) == ()
    assert [p.code for p in nik_structure_problems("9971031708800002")] == ["NIK_PROVINCE_UNKNOWN"]


# --- century --------------------------------------------------------------------------------------


def test_century_from_reference_date() -> None:
    assert resolve_birth_year(25, 6, 1, reference_date=date(2025, 5, 31)) == 1925
    assert resolve_birth_year(25, 6, 1, reference_date=date(2025, 6, 1)) == 2025
    assert resolve_birth_year(80, 8, 17, reference_date=REF) == 1980


def test_century_from_stated_birth_date() -> None:
    assert resolve_birth_year(5, 6, 1, stated_birth_date=date(2005, 7, 1)) == 2005
    assert resolve_birth_year(5, 6, 1, stated_birth_date=date(1904, 1, 1)) == 1905
    # Equidistant (1955): the earlier century wins.
    assert resolve_birth_year(5, 6, 1, stated_birth_date=date(1955, 1, 1)) == 1905


def test_century_defaults_to_today() -> None:
    assert resolve_birth_year(80, 8, 17) == 1980


def test_stated_birth_date_settles_century_for_children() -> None:
    nik = build_nik("35.71.03", date(2010, 3, 4), "L", 7)
    result = check_nik(nik, birth_date=date(2010, 3, 4))
    assert result.problems == ()
    assert result.parsed is not None
    assert result.parsed.birth_date == date(2010, 3, 4)


# --- warnings against stated data and the region table ------------------------------------------


def test_birth_date_and_sex_mismatch_are_warnings() -> None:
    result = check_nik(VALID, birth_date=date(1980, 8, 18), sex="P")
    assert result.valid
    assert codes(result) == ["NIK_BIRTH_DATE_MISMATCH", "NIK_SEX_MISMATCH"]
    assert [p.severity for p in result.warnings] == ["warning", "warning"]
    assert "1980-08-17" in result.warnings[0].message.render("id")
    assert "female" in result.warnings[1].message.render("en")
    assert "laki-laki" in result.warnings[1].message.render("id")


def test_region_checks_are_skipped_without_a_table() -> None:
    assert check_nik("9471011203900001", reference_date=REF).problems == ()


def test_unknown_kabkota_is_a_warning_old_papua_code() -> None:
    regions = {"91", "94", "91.71", "91.71.01"}
    result = check_nik("9471011203900001", known_regions=regions, reference_date=REF)
    assert result.valid
    assert codes(result) == ["NIK_KABKOTA_UNKNOWN"]
    assert "94.71" in result.problems[0].message.render("en")


def test_unknown_kecamatan_is_a_warning() -> None:
    regions = {"35", "35.71"}
    result = check_nik(VALID, known_regions=regions, reference_date=REF)
    assert codes(result) == ["NIK_KECAMATAN_UNKNOWN"]
    assert "35.71.03" in result.problems[0].message.render("id")


def test_known_region_gives_no_warning() -> None:
    regions = {"35", "35.71", "35.71.03"}
    assert check_nik(VALID, known_regions=regions, reference_date=REF).problems == ()


# --- spreadsheet damage and typing ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "3571 0317 0880 0002",
        "3571-0317-0880-0002",
        "3571.0317.0880.0002",
        "'3571031708800002",
        "\u20183571031708800002",
        " 3571031708800002\n",
        '"3571031708800002"',
        "\ufeff3571031708800002\u200b",
        VALID.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),  # full-width
    ],
)
def test_typed_separators_and_apostrophe_are_removed(raw: str) -> None:
    cleaned = normalize_nik(raw)
    assert cleaned.nik == VALID
    assert cleaned.recovered
    assert not cleaned.from_number
    assert cleaned.problems == ()


@pytest.mark.parametrize("raw", ["3.57103E+15", "3,57103E+15", "3.571031708800002e15", "3E15"])
def test_scientific_notation_is_not_recoverable(raw: str) -> None:
    result = check_nik(raw)
    assert result.nik is None
    assert codes(result) == ["NIK_SCIENTIFIC_NOTATION"]
    assert raw in result.problems[0].message.render("id")


@pytest.mark.parametrize(
    "raw", ["3571031708800002.0", "3571031708800002,00", "3.571.031.708.800.002", 3571031708800002]
)
def test_number_renderings_are_recovered_with_a_warning(raw: str | int) -> None:
    result = check_nik(raw, reference_date=REF)
    assert result.valid
    assert result.nik == VALID
    assert result.input.from_number
    assert codes(result) == ["NIK_FROM_NUMBER"]


def test_float_value_is_recovered() -> None:
    result = check_nik(3571031708800002.0, reference_date=REF)
    assert result.nik == VALID
    assert codes(result) == ["NIK_FROM_NUMBER"]


def test_excel_zeroed_last_digit_gets_a_stronger_warning() -> None:
    result = check_nik("3571031708800010.0", reference_date=REF)
    assert result.valid
    assert codes(result) == ["NIK_FROM_NUMBER", "NIK_FROM_NUMBER_ZERO_END"]


def test_papua_nik_from_a_number_exceeds_float_precision() -> None:
    value = 9471011203900001
    assert value > FLOAT_EXACT_LIMIT
    result = check_nik(value, reference_date=REF)
    assert result.valid
    assert codes(result) == ["NIK_FROM_NUMBER", "NIK_FROM_NUMBER_BEYOND_FLOAT"]


@pytest.mark.parametrize("raw", ["357103170880000.0", 357103170880000, "3,571,031,708,800"])
def test_number_with_lost_digits_is_an_error(raw: str | int) -> None:
    result = check_nik(raw)
    assert result.nik is None
    assert codes(result) == ["NIK_DIGITS_LOST"]
    assert "15" in result.problems[0].message.render("en") or "13" in result.problems[
        0
    ].message.render("en")


def test_number_with_too_many_digits_is_a_length_error() -> None:
    result = check_nik(35710317088000021)
    assert codes(result) == ["NIK_FROM_NUMBER", "NIK_LENGTH"]
    assert result.nik is None


@pytest.mark.parametrize(
    "raw", [float("nan"), float("inf"), 3571031708800002.5, -3571031708800002.0, -5, True]
)
def test_non_numbers_and_negative_numbers_are_not_digits(raw: float | int | bool) -> None:
    result = check_nik(raw)
    assert codes(result) == ["NIK_NOT_DIGITS"]
    assert result.nik is None


def test_none_is_empty() -> None:
    assert codes(check_nik(None)) == ["NIK_EMPTY"]


def test_check_result_to_dict() -> None:
    data = check_nik("3571031708800002.0", reference_date=REF).to_dict()
    assert data["nik"] == VALID
    assert data["valid"] is True
    assert data["from_number"] is True
    assert data["problems"][0]["code"] == "NIK_FROM_NUMBER"
    assert data["basis"]["regulation"] == "UU 23/2006 jo. UU 24/2013"
    assert check_nik("x").to_dict()["parsed"] is None


def test_parse_nik_raises_on_invalid() -> None:
    with pytest.raises(RulesInputError, match="NIK_SERIAL_ZERO"):
        parse_nik("3571031708800000")


# --- build_nik -----------------------------------------------------------------------------------


def test_build_nik_known_value() -> None:
    assert build_nik("35.71.03", date(1980, 8, 17), "L", 2) == VALID
    assert build_nik("357103", date(1980, 8, 17), "P", 2) == "3571035708800002"


@pytest.mark.parametrize(
    ("kecamatan", "sex", "serial", "match"),
    [
        ("35.71", "L", 1, "6 digits"),
        ("35.7a.03", "L", 1, "6 digits"),
        ("10.71.03", "L", 1, "impossible"),
        ("35.00.03", "L", 1, "impossible"),
        ("35.71.00", "L", 1, "impossible"),
        ("35.71.03", "L", 0, "serial"),
        ("35.71.03", "L", 10_000, "serial"),
        ("35.71.03", "X", 1, "sex"),
    ],
)
def test_build_nik_rejects_impossible_parts(
    kecamatan: str, sex: str, serial: int, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        build_nik(kecamatan, date(1980, 8, 17), sex, serial)  # type: ignore[arg-type]


# --- properties ----------------------------------------------------------------------------------

provinces = st.sampled_from(sorted(PROVINCE_CODES))
two_digit_codes = st.integers(min_value=1, max_value=99).map(lambda n: f"{n:02d}")
birth_dates = st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31))
sexes = st.sampled_from(["L", "P"])
serials = st.integers(min_value=1, max_value=9999)


@given(provinces, two_digit_codes, two_digit_codes, birth_dates, sexes, serials)
def test_build_then_check_round_trip_with_stated_data(
    province: str, kab: str, kec: str, born: date, sex: str, serial: int
) -> None:
    nik = build_nik(f"{province}.{kab}.{kec}", born, sex, serial)  # type: ignore[arg-type]
    result = check_nik(nik, birth_date=born, sex=sex)  # type: ignore[arg-type]
    assert result.problems == ()
    parsed = result.parsed
    assert parsed is not None
    assert parsed.birth_date == born
    assert parsed.sex == sex
    assert parsed.serial == serial
    assert parsed.kecamatan_code == f"{province}.{kab}.{kec}"
    day_digits = int(nik[6:8])
    assert day_digits == born.day + (FEMALE_DAY_OFFSET if sex == "P" else 0)


@given(birth_dates, sexes, st.integers(min_value=0, max_value=99 * 365))
def test_round_trip_with_a_reference_date_within_a_century(
    born: date, sex: str, days_later: int
) -> None:
    nik = build_nik("35.71.03", born, sex, 1)  # type: ignore[arg-type]
    reference = born + timedelta(days=days_later)
    parsed = parse_nik(nik, reference_date=reference)
    assert parsed.birth_date == born
    assert parsed.sex == sex


@given(
    birth_dates,
    sexes,
    serials,
    st.lists(st.sampled_from([" ", "-", ".", "  "]), min_size=3, max_size=3),
)
def test_grouped_typing_is_normalised(born: date, sex: str, serial: int, seps: list[str]) -> None:
    nik = build_nik("32.73.01", born, sex, serial)  # type: ignore[arg-type]
    typed = nik[:4] + seps[0] + nik[4:8] + seps[1] + nik[8:12] + seps[2] + nik[12:]
    assert normalize_nik(typed).nik == nik
