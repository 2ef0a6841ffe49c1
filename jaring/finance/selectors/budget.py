"""The budget (DPA) of a programme year: the ceiling against what was billed and paid each
month, the projection to the year's end, and a simulator.

A billed month counts what its bill says (with corrections); a month not yet billed is
projected from the memberships that cover it (every signed decree is known in advance), each
cohort's amount from the rules engine. The simulator changes only months not yet billed: more
people on the programme's terms, JHT for everyone, more months (the decree's people kept on),
or another occupation category — and says whether the year still fits the ceiling.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl
from django.db.models import Count

from jaring.finance.errors import FinanceError
from jaring.finance.models import Bill
from jaring.finance.services.common import cohort_amounts, transport_codes
from jaring.programmes.models import Membership, Programme
from jaring.registry.models import OccupationCategory
from jaring.rules.months import Month, month_range


@dataclass(frozen=True)
class Simulation:
    """Changes to try on the months not yet billed."""

    more_people: int = 0
    jht: bool = False
    more_months: int = 0
    category: str = ""
    category_people: int = 0

    @property
    def empty(self) -> bool:
        return self == Simulation()

    def check(self) -> None:
        for what, value in (
            ("more_people", self.more_people),
            ("more_months", self.more_months),
            ("category_people", self.category_people),
        ):
            if value < 0 or value > 10_000_000:
                raise FinanceError("SIMULATION_INVALID", value=value, what=what)
        if self.category and not OccupationCategory.objects.filter(code=self.category).exists():
            raise FinanceError("CATEGORY_UNKNOWN", code=self.category)


@dataclass
class BudgetMonth:
    month: Month
    billed: int | None
    paid: int
    projected: int
    people: int
    simulated: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "billed": self.billed,
            "paid": self.paid,
            "projected": self.projected,
            "people": self.people,
            "simulated": self.simulated,
        }


@dataclass
class Budget:
    programme: int
    year: int
    ceiling: int | None
    months: list[BudgetMonth]
    simulation: Simulation = field(default_factory=Simulation)

    @property
    def billed(self) -> int:
        return sum(m.billed or 0 for m in self.months)

    @property
    def paid(self) -> int:
        return sum(m.paid for m in self.months)

    @property
    def projected(self) -> int:
        return sum(m.projected for m in self.months)

    @property
    def remaining(self) -> int | None:
        return None if self.ceiling is None else self.ceiling - self.projected

    @property
    def fits(self) -> bool | None:
        return None if self.ceiling is None else self.projected <= self.ceiling

    @property
    def simulated(self) -> int:
        return sum(m.simulated for m in self.months)

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "programme": self.programme,
            "year": self.year,
            "ceiling": self.ceiling,
            "billed": self.billed,
            "paid": self.paid,
            "projected": self.projected,
            "remaining": self.remaining,
            "fits": self.fits,
            "unpaid": self.billed - self.paid,
            "months": [m.as_dict() for m in self.months],
        }
        if not self.simulation.empty:
            result["simulation"] = {**asdict(self.simulation), "added": self.simulated}
        return result


COHORT_SCHEMA = {
    "first_month": pl.Date,
    "last_month": pl.Date,
    "income_basis": pl.Int64,
    "jht": pl.Boolean,
    "funder": pl.String,
    "occupation_id": pl.String,
    "n": pl.Int64,
}


def _cohorts(programme: Programme) -> pl.DataFrame:
    rows = (
        Membership.objects.order_by()
        .filter(programme=programme)
        .values_list("first_month", "last_month", "income_basis", "jht", "funder", "occupation_id")
        .annotate(n=Count("id"))
    )
    frame = pl.DataFrame(list(rows), schema=COHORT_SCHEMA, orient="row")
    return frame.with_columns(
        transport=pl.col("occupation_id").is_in(transport_codes()).fill_null(False)
    )


def _cost(month: Month, cohorts: pl.DataFrame, *, jht: bool | None = None) -> tuple[int, int]:
    """(iuran, people) of the cohorts covering ``month``; ``jht`` overrides their JHT."""
    covering = cohorts.filter(
        (pl.col("first_month") <= month.first_day) & (pl.col("last_month") >= month.first_day)
    )
    grouped = covering.group_by("income_basis", "jht", "funder", "transport").agg(pl.col("n").sum())
    total = people = 0
    for income, has_jht, funder, transport, n in grouped.iter_rows():
        amounts = cohort_amounts(
            int(income),
            month,
            jht=bool(has_jht) if jht is None else jht,
            transport=bool(transport),
            funder=str(funder),
        )
        total += amounts.total * int(n)
        people += int(n)
    return total, people


def programme_budget(
    programme: Programme, *, year: int | None = None, simulation: Simulation | None = None
) -> Budget:
    simulation = simulation or Simulation()
    simulation.check()
    year = year or programme.year
    start = max(Month.of(programme.first_month), Month(year, 1))
    end = min(programme.end + simulation.more_months, Month(year, 12))
    bills = {
        Month.of(b.month): b
        for b in Bill.objects.filter(
            programme=programme,
            month__gte=Month(year, 1).first_day,
            month__lte=Month(year, 12).first_day,
        )
    }
    cohorts = _cohorts(programme)
    if simulation.more_months and cohorts.height:
        # The people of the decree's last month are kept on for the extra months.
        last = programme.end.first_day
        kept = cohorts.filter(pl.col("last_month") == last).with_columns(
            first_month=pl.lit((programme.end + 1).first_day),
            last_month=pl.lit((programme.end + simulation.more_months).first_day),
        )
        cohorts = pl.concat([cohorts, kept])
    category_transport = bool(
        simulation.category
        and OccupationCategory.objects.filter(code=simulation.category, is_transport=True).exists()
    )
    months: list[BudgetMonth] = []
    for month in month_range(start, end) if end >= start else ():
        bill = bills.get(month)
        if bill is not None:
            months.append(BudgetMonth(month, bill.total, bill.paid, bill.total, bill.people))
            continue
        base, people = _cost(month, cohorts)
        projected = base
        extra = 0
        if not simulation.empty:
            if simulation.jht:
                with_jht, _ = _cost(month, cohorts, jht=True)
                extra += with_jht - base
            if simulation.more_people:
                each = cohort_amounts(
                    programme.income_basis,
                    month,
                    jht=programme.jht or simulation.jht,
                    transport=False,
                    funder=programme.funder,
                )
                extra += each.total * simulation.more_people
            if simulation.category and simulation.category_people:
                each = cohort_amounts(
                    programme.income_basis,
                    month,
                    jht=programme.jht or simulation.jht,
                    transport=category_transport,
                    funder=programme.funder,
                )
                extra += each.total * simulation.category_people
            people += simulation.more_people + simulation.category_people
        months.append(BudgetMonth(month, None, 0, projected + extra, people, simulated=extra))
    return Budget(programme.pk, year, programme.budget, months, simulation)
