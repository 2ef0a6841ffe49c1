"""Fixtures of the national tests: signed programmes with paid months in two regions, and the
national key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import polars as pl
import pytest
from django.test import override_settings

from jaring.finance.models import Enrolment
from jaring.finance.months import range_mask
from jaring.finance.services.common import enrolments_create, enrolments_frame
from jaring.finance.tallies import enrolment_tallies_kept
from tests.finance.conftest import Signed, signed_programme

__all__ = ["signed_programme"]

KEY = "national-test-key-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH"
OTHER_KEY = "another-national-key-" + "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvu"


@pytest.fixture
def national_key() -> Iterator[str]:
    with override_settings(JARING_NATIONAL_KEY=KEY):
        yield KEY


def pay(signed: Signed, first: date, last: date, *, every: int = 1) -> int:
    """Enrol the programme's members and mark ``first``..``last`` paid for every ``every``-th
    one; returns how many were paid."""
    members = signed.people.select(
        pl.col("id").alias("person_id"), pl.col("village_code").alias("region_id")
    )
    programme = signed.programme
    enrolments_create(programme, members, enrolments_frame(programme))
    chosen = members["person_id"].to_list()[::every]
    rows = Enrolment.objects.filter(programme=programme, person_id__in=chosen)
    with enrolment_tallies_kept(rows):
        rows.update(paid_mask=range_mask(first, last, programme.first_month))
    return len(chosen)


@pytest.fixture
def two_regions(signed_programme: Callable[..., Signed]) -> dict[str, Signed]:
    """Kota Kediri (35.71: 12 people, Sep–Dec 2023, 6 paid Sep–Oct) and Kota Cilegon (36.72:
    8 people, Oct–Dec 2023, all paid Oct)."""
    kediri = signed_programme(12, regency="35.71", seed=1)
    cilegon = signed_programme(
        8,
        regency="36.72",
        seed=2,
        first_month=date(2023, 10, 1),
        months=3,
        signed_on=date(2023, 9, 20),
    )
    pay(kediri, date(2023, 9, 1), date(2023, 10, 1), every=2)
    pay(cilegon, date(2023, 10, 1), date(2023, 10, 1))
    return {"35.71": kediri, "36.72": cilegon}
