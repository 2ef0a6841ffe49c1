"""Property tests of the column-wise parsers: whatever way a value is written, it reads back."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.registry.imports.checking.values import (
    parse_dates,
    parse_income,
    parse_phones,
    parse_rt_rw,
    parse_sex,
)
from jaring.synthetic.messy.damage import MONTHS_ID, SEX_SPELLINGS, date_text

REFERENCE = date(2026, 1, 1)
_dates = st.dates(date(1927, 6, 1), date(2025, 12, 31))


def _dates_of(texts: list[str | None], numbers: list[float | None] | None = None) -> pl.DataFrame:
    frame = pl.DataFrame(
        {"t": texts, "n": numbers or [None] * len(texts)},
        schema={"t": pl.String, "n": pl.Float64},
    )
    return parse_dates(frame, "t", "n", reference_date=REFERENCE)


def _written(value: date, style: int, spacing: str, upper: bool) -> str:
    forms = [
        date_text(value, style),
        f"{value.day}{spacing}{MONTHS_ID[value.month - 1][:3]}{spacing}{value.year}",
        f"{value.day:02d}-{MONTHS_ID[value.month - 1]}-{value.year}",
        f"{value.day:02d}{value.month:02d}{value.year}",
        f"{value.isoformat()} 00:00:00",
        f"  {value.day:02d} / {value.month:02d} / {value.year} ",
    ]
    text = forms[style % len(forms)]
    return text.upper() if upper else text


# Each call plans a sizeable query (~50 ms), so examples are few but carry many values.
@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(_dates, st.integers(0, 50), st.sampled_from([" ", "-", "."]), st.booleans()),
        min_size=1,
        max_size=80,
    )
)
def test_day_first_dates_in_every_form(cases: list[tuple[date, int, str, bool]]) -> None:
    texts = [_written(*case) for case in cases]
    parsed = _dates_of(texts)
    assert parsed["date"].to_list() == [case[0] for case in cases], texts
    assert not parsed["invalid"].any()
    assert not parsed["month_first"].any()


@settings(max_examples=30, deadline=None)
@given(st.lists(_dates, min_size=1, max_size=80))
def test_excel_serials_and_date_cells(values: list[date]) -> None:
    serials = [float((v - date(1899, 12, 30)).days) for v in values]
    parsed = _dates_of([str(int(s)) for s in serials], serials)
    assert parsed["date"].to_list() == values
    # A fraction of a day (a date-time cell) is the same day.
    parsed = _dates_of([None] * len(values), [s + 0.75 for s in serials])
    assert parsed["date"].to_list() == values


@settings(max_examples=30, deadline=None)
@given(st.lists(_dates.filter(lambda d: d.day > 12), min_size=1, max_size=40))
def test_month_first_only_when_day_first_is_impossible(values: list[date]) -> None:
    parsed = _dates_of([f"{v.month:02d}/{v.day:02d}/{v.year}" for v in values])
    assert parsed["date"].to_list() == values
    assert parsed["month_first"].all()


def test_impossible_and_unreadable_dates() -> None:
    texts = [
        "31-02-1980",
        "30/02/2000",
        "29-02-1900",
        "32-01-1980",
        "13-13-1980",
        "kemarin",
        "1980",
    ]
    parsed = _dates_of([*texts, "29-02-2000", "", "-", None])
    assert parsed["invalid"].to_list() == [True] * len(texts) + [False, False, False, False]
    assert parsed["date"][len(texts)] == date(2000, 2, 29)


def test_two_digit_years_prefer_a_working_age() -> None:
    parsed = _dates_of(["12-05-80", "12-05-05", "12-05-15"])
    assert parsed["date"].to_list() == [date(1980, 5, 12), date(2005, 5, 12), date(1915, 5, 12)]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["L", "P"]), st.integers(0, 6), st.booleans(), st.booleans()),
        min_size=1,
        max_size=30,
    )
)
def test_sex_codes_in_all_spellings(cases: list[tuple[str, int, bool, bool]]) -> None:
    extra = {"L": ["laki2", "Lelaki", "L.", "1"], "P": ["Pr.", "wanita ", "2", "PEREMPUAN"]}
    texts = []
    for sex, style, upper, padded in cases:
        spellings = [*SEX_SPELLINGS[sex], *extra[sex]]
        text = spellings[style % len(spellings)]
        text = text.upper() if upper else text.lower()
        texts.append(f" {text} " if padded else text)
    parsed = parse_sex(pl.DataFrame({"t": texts}), "t")
    assert parsed["sex"].to_list() == [case[0] for case in cases]
    assert not parsed["unreadable"].any()
    unknown = parse_sex(pl.DataFrame({"t": ["X", "?", "L/P", None, "-"]}), "t")
    assert unknown["unreadable"].to_list() == [True, True, True, False, False]


_national = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(["8", "2", "3"]),
    st.text(alphabet="0123456789", min_size=7, max_size=11),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_national, st.integers(0, 5)), min_size=1, max_size=30))
def test_phones_normalise_to_plus_62(cases: list[tuple[str, int]]) -> None:
    texts = []
    for national, style in cases:
        grouped = f"{national[:3]}-{national[3:7]}-{national[7:]}"
        spaced = grouped.replace("-", " ")
        forms = [f"0{national}", f"+62{national}", f"62{national}", f"0{grouped}",
                 f"+62 {spaced}", f"(0{national[:3]}) {national[3:]}"]  # fmt: skip
        texts.append(forms[style])
    parsed = parse_phones(pl.DataFrame({"t": texts}), "t", None)
    assert parsed["phone"].to_list() == [f"+62{n}" for n, _ in cases]
    assert not parsed["invalid"].any()


def test_phones_from_number_cells_and_invalid_ones() -> None:
    frame = pl.DataFrame(
        {
            "t": ["81234567890", "0812", "0812345678901234", "bukan nomor", None, "-"],
            "n": [81234567890.0, None, None, None, None, None],
        }
    )
    parsed = parse_phones(frame, "t", "n")
    assert parsed["phone"].to_list() == ["+6281234567890", None, None, None, None, None]
    assert parsed["invalid"].to_list() == [False, True, True, True, False, False]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 99_999), st.integers(0, 5)), min_size=1, max_size=30))
def test_income_in_rupiah_forms(cases: list[tuple[int, int]]) -> None:
    texts = []
    for thousands, style in cases:
        value = thousands * 1000
        dotted = f"{value:,}".replace(",", ".")
        forms = [dotted, f"Rp {dotted}", f"Rp.{dotted},-", str(value), f"{value:,}", f"{dotted},00"]
        texts.append(forms[style])
    parsed = parse_income(pl.DataFrame({"t": texts}), "t", None)
    assert parsed["income"].to_list() == [t * 1000 for t, _ in cases]
    assert not parsed["unreadable"].any()


def test_income_in_millions_and_unreadable() -> None:
    parsed = parse_income(pl.DataFrame({"t": ["1 jt", "1,5 juta", "sejuta", None]}), "t", None)
    assert parsed["income"].to_list() == [1_000_000, 1_500_000, None, None]
    assert parsed["unreadable"].to_list() == [False, False, True, False]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 999), st.integers(1, 999), st.integers(0, 4)),
        min_size=1,
        max_size=30,
    )
)
def test_rt_rw_forms(cases: list[tuple[int, int, int]]) -> None:
    texts = []
    for rt, rw, style in cases:
        forms = [
            f"{rt:03d}/{rw:03d}",
            f"{rt}/{rw}",
            f"RT {rt:02d} RW {rw:02d}",
            f"RT.{rt:03d}/RW.{rw:03d}",
            f"{rt}-{rw}",
        ]
        texts.append(forms[style])
    parsed = parse_rt_rw(pl.DataFrame({"t": texts}), "t")
    assert parsed["rt_rw"].to_list() == [f"{rt:03d}/{rw:03d}" for rt, rw, _ in cases]
    assert not parsed["invalid"].any()


def test_dates_of_a_big_column_are_parsed_per_distinct_value() -> None:
    start = date(1960, 1, 1)
    values = [start + timedelta(days=i % 5000) for i in range(200_000)]
    parsed = _dates_of([v.strftime("%d-%m-%Y") for v in values])
    assert parsed["date"].to_list() == values
