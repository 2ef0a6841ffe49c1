"""The column-wise SLA deadlines give exactly the rules engine's working days."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.claims.selectors import working_day_deadlines
from jaring.rules.claims import add_working_days, working_days_after

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(
    starts=st.lists(DAYS, min_size=1, max_size=20),
    holidays=st.sets(DAYS, max_size=40),
    days=st.integers(min_value=0, max_value=10),
    offset=st.integers(min_value=-5, max_value=60),
)
def test_same_answers_as_the_rules_engine(
    starts: list[date], holidays: set[date], days: int, offset: int
) -> None:
    today = max(starts) + timedelta(days=offset)
    calendar = np.array(sorted(holidays), dtype="datetime64[D]")
    due, late = working_day_deadlines(
        np.array(starts, dtype="datetime64[D]"), np.datetime64(today, "D"), days, calendar
    )
    for start, got_due, got_late in zip(starts, due.tolist(), late.tolist(), strict=True):
        expected = add_working_days(start, days, holidays)
        assert got_due == expected
        assert got_late == working_days_after(expected, today, holidays)
