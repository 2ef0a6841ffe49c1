"""The column-wise NIK check gives exactly the codes of the rules engine's ``check_nik``."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.registry.imports.checking.nik_column import (
    NIK_CODES,
    check_nik_column,
    nik_message_params,
)
from jaring.registry.imports.problems import message_expr
from jaring.rules.nik import PROVINCE_CODES, check_nik

REFERENCE = date(2026, 1, 1)
KNOWN = {"35.71", "35.71.03", "35.72", "91.01", "91.01.01"}

_two = st.integers(0, 99).map(lambda n: f"{n:02d}")
_province = st.one_of(st.sampled_from(sorted(PROVINCE_CODES)), _two)
_day = st.one_of(st.integers(0, 75).map(lambda n: f"{n:02d}"), _two)
_nik = st.builds(
    lambda *parts: "".join(parts),
    _province,
    st.one_of(st.just("71"), st.just("01"), _two),
    st.one_of(st.just("03"), st.just("01"), _two),
    _day,
    st.one_of(st.integers(0, 13).map(lambda n: f"{n:02d}"), _two),
    _two,
    st.one_of(st.integers(0, 12).map(lambda n: f"{n:04d}"), st.integers(0, 9999).map(str)),
)


def _typed(nik: str, style: int) -> str:
    """How spreadsheets and people write a NIK."""
    forms = [
        nik,
        f" {nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]} ",
        f"'{nik}",
        f'"{nik}"',
        f"{nik}.0",
        f"{nik},00",
        f"{int(nik):,}" if nik.isdigit() else nik,
        f"{int(nik):,}".replace(",", ".") if nik.isdigit() else nik,
        f"{int(nik):.5E}" if nik.isdigit() else nik,
        f"{int(nik):.5e}".replace(".", ",") if nik.isdigit() else nik,
        nik[:-1],
        nik + "7",
        nik.replace("1", "l"),
        f"{nik[:6]}-{nik[6:12]}-{nik[12:]}",
        f"\t{nik}\u00a0",
        f"\u200b{nik}",
        nik.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"{nik}\u2013",
        f"`{nik}",
    ]
    return forms[style % len(forms)]


_text = st.one_of(
    st.builds(_typed, _nik, st.integers(0, 100)),
    st.text(alphabet="0123456789 .,-'`\"eE+\tO\u00a0\u200b\u2013１", max_size=22),
    st.text(max_size=6),
    st.none(),
)
_number = st.one_of(
    _nik.map(lambda n: float(int(n))),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**53), 2**53).map(float),
    st.floats(min_value=1e14, max_value=1e17),
)
_value = st.one_of(_text, _number)
_row = st.tuples(
    _value,
    st.one_of(st.none(), st.dates(date(1890, 1, 1), date(2035, 12, 31))),
    st.sampled_from([None, "L", "P"]),
)


def _rules_codes(
    value: str | float | None,
    birth: date | None,
    sex: str | None,
    known: set[str] | None,
    reference: date,
) -> set[str]:
    check = check_nik(
        value, birth_date=birth, sex=sex, known_regions=known, reference_date=reference
    )  # type: ignore[arg-type]
    return {p.code for p in check.problems}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(_row, min_size=1, max_size=40),
    known=st.sampled_from([None, KNOWN]),
    reference=st.dates(date(1990, 1, 1), date(2040, 12, 31)),
)
def test_same_codes_as_check_nik(
    rows: list[tuple[str | float | None, date | None, str | None]],
    known: set[str] | None,
    reference: date,
) -> None:
    frame = pl.DataFrame(
        {
            "raw": [v if not isinstance(v, float) else repr(v) for v, _, _ in rows],
            "num": [v if isinstance(v, float) else None for v, _, _ in rows],
            "birth": [b for _, b, _ in rows],
            "sex": [s for _, _, s in rows],
        },
        schema={"raw": pl.String, "num": pl.Float64, "birth": pl.Date, "sex": pl.String},
    )
    result = check_nik_column(
        frame,
        raw="raw",
        number="num",
        birth_date="birth",
        sex="sex",
        reference_date=reference,
        known_regions=known,
    )
    assert result.height == frame.height
    for (value, birth, sex), row in zip(rows, result.iter_rows(named=True), strict=True):
        got = {code for code in NIK_CODES if row[code]}
        expected = _rules_codes(value, birth, sex, known, reference)
        assert got == expected, (value, birth, sex)
        expected_nik = check_nik(value, reference_date=reference).nik  # type: ignore[arg-type]
        assert row["nik"] == expected_nik


def test_every_rules_nik_code_is_covered() -> None:
    from jaring.rules.problems import PROBLEM_SPECS

    rules_codes = {c for c in PROBLEM_SPECS if c.startswith("NIK_")}
    assert rules_codes == set(NIK_CODES)


def test_messages_match_the_rules_engine() -> None:
    values = [
        "3571031708800002",
        "357103170880000",
        "3.57103E+15",
        "3571O31708800002",
        "2071031708800002",
        "3571033102800002",
        "3571031713800002",
        "3571039908800002",
    ]
    frame = pl.DataFrame(
        {"raw": values, "birth": [date(1980, 8, 18)] * len(values), "sex": ["P"] * len(values)}
    )
    result = check_nik_column(
        frame,
        raw="raw",
        birth_date="birth",
        sex="sex",
        reference_date=REFERENCE,
        known_regions=KNOWN,
    )
    for value, row_index in zip(values, range(len(values)), strict=True):
        problems = check_nik(
            value,
            birth_date=date(1980, 8, 18),
            sex="P",
            known_regions=KNOWN,
            reference_date=REFERENCE,
        ).problems
        for problem in problems:
            text = (
                result.slice(row_index, 1)
                .select(message_expr(problem.code, "id", **nik_message_params(problem.code)))
                .item()
            )
            assert text == problem.message.render("id")
            text_en = (
                result.slice(row_index, 1)
                .select(message_expr(problem.code, "en", **nik_message_params(problem.code)))
                .item()
            )
            assert text_en == problem.message.render("en")


def test_a_million_rows_keep_order_and_height() -> None:
    values = ["3571031708800002", "3.57103E+15", None, "3571 0317 0880 0003"] * 50_000
    result = check_nik_column(pl.DataFrame({"raw": values}), raw="raw", reference_date=REFERENCE)
    assert result.height == len(values)
    assert result["nik"].head(4).to_list() == ["3571031708800002", None, None, "3571031708800003"]
    assert result["NIK_SCIENTIFIC_NOTATION"].sum() == 50_000
