"""Fixtures of the claims tests: a member of a signed programme whose months are billed and
paid through the finance services, so a claim reads its coverage from real rows."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from jaring.finance.services import bill_issue, payment_record
from jaring.programmes.models import Programme
from jaring.programmes.services import decree_draft, decree_sign, programme_create
from jaring.registry.models import Person
from jaring.registry.services import people_bulk_create
from jaring.rules.months import Month
from jaring.synthetic.people import generate_people


@dataclass
class Member:
    programme: Programme
    people: pl.DataFrame

    @property
    def person(self) -> Person:
        return Person.objects.get(pk=int(self.people["id"][0]))

    @property
    def nik(self) -> str:
        return str(self.people["nik"][0])


@pytest.fixture
def member(db: None) -> Callable[..., Member]:
    """``n`` people (Kota Kediri by default) in a programme from ``first`` for ``months``
    months, with the bills of ``paid`` months (from ``first``) issued and paid."""

    def make(
        *,
        first: Month,
        months: int = 12,
        paid: int = 0,
        n: int = 1,
        regency: str = "35.71",
        seed: int = 1,
        born: date = date(1980, 5, 17),
    ) -> Member:
        people = generate_people(n, regency=regency, seed=seed).with_columns(
            occupation_code=pl.lit("becak"),
            occupation_match=pl.lit("synonym"),
            birth_date=pl.lit(born),
        )
        ids = people_bulk_create(people)
        programme, _ = programme_create(
            user=None,
            region_code=regency,
            name=f"Pekerja rentan {regency} {first}",
            year=first.year,
            funder="apbd",
            first_month=first.first_day,
            months=months,
        )
        signed_on = (first + -1).first_day
        decree_sign(
            user=None,
            decree=decree_draft(user=None, programme=programme),
            number=f"188/{first}",
            signed_on=signed_on,
        )
        for i in range(paid):
            bill = bill_issue(user=None, programme=programme, month=first + i)[0]
            payment_record(
                user=None,
                bill=bill,
                amount=bill.total,
                paid_on=max(bill.due_date, signed_on),
                reference=f"SP2D/{programme.pk}/{first + i}",
            )
        return Member(programme, people.with_columns(id=ids))

    return make


def run(*args: str) -> dict[str, Any]:
    """``jaring claims ARGS --json``, read back."""
    out = io.StringIO()
    call_command("claims", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def fails(*args: str) -> str:
    """The one message of ``jaring claims ARGS --json`` refusing its input."""
    with pytest.raises(CommandError) as caught:
        call_command("claims", *args, "--json", stdout=io.StringIO())
    return str(caught.value)
