"""What the finance services share: the programme checks, the contribution of each cohort
from the rules engine, and the enrolments a write needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import polars as pl
from django.utils import timezone

from jaring.core import bulk
from jaring.core.scoping import region_in_scope
from jaring.finance.errors import FinanceError
from jaring.finance.messages import day_label, month_label, rupiah
from jaring.finance.models import Enrolment
from jaring.programmes.models import Decree, DecreeStatus, Programme
from jaring.registry.models import OccupationCategory
from jaring.rules.config import DEFAULT_CONFIG, RulesConfig
from jaring.rules.contributions import contribution_for_month
from jaring.rules.months import Month
from jaring.rules.problems import RulesInputError
from jaring.rules.programmes import CONTRIBUTION_FUNDER

if TYPE_CHECKING:
    from jaring.accounts.models import User


def check_scope(user: User | None, programme: Programme) -> None:
    if user is not None and not region_in_scope(user, programme.region_id):
        raise FinanceError("REGION_OUT_OF_SCOPE", code=programme.region_id)


def signed_decrees(programme: Programme) -> list[Decree]:
    return list(
        Decree.objects.filter(programme=programme, status=DecreeStatus.SIGNED).order_by("version")
    )


def first_signed_on(programme: Programme) -> date | None:
    dates = [d.signed_on for d in signed_decrees(programme) if d.signed_on]
    return min(dates) if dates else None


def check_month(programme: Programme, month: Month) -> None:
    """Refuse a month before the programme or outside every signed decree."""
    if month < Month.of(programme.first_month):
        raise FinanceError(
            "MONTH_BEFORE_PROGRAMME",
            month=month_label(month),
            first=month_label(programme.first_month),
        )
    covered = any(
        Month.of(d.first_month) <= month <= Month.of(d.last_month)
        for d in signed_decrees(programme)
    )
    if not covered:
        raise FinanceError("MONTH_NOT_IN_DECREE", month=month_label(month))


def transport_codes() -> list[str]:
    return sorted(
        OccupationCategory.objects.filter(is_transport=True).values_list("code", flat=True)
    )


@dataclass(frozen=True)
class CohortAmounts:
    jkk: int
    jkm: int
    jht: int
    reduction: int

    @property
    def total(self) -> int:
        return self.jkk + self.jkm + self.jht - self.reduction


def cohort_amounts(
    income: int,
    month: Month,
    *,
    jht: bool,
    transport: bool,
    funder: str,
    config: RulesConfig = DEFAULT_CONFIG,
) -> CohortAmounts:
    """One participant's contribution for ``month`` from the rules engine; ``funder`` is the
    programme's (``jaring.rules.programmes.CONTRIBUTION_FUNDER`` maps it to the engine's)."""
    try:
        result = contribution_for_month(
            income,
            month,
            jht=jht,
            sector="transport" if transport else "other",
            funder=CONTRIBUTION_FUNDER[funder],  # type: ignore[index]
            config=config,
        )
    except RulesInputError as exc:
        raise FinanceError(
            "AMOUNT_RULE", income=rupiah(income), reason="; ".join(p.code for p in exc.problems)
        ) from exc
    by_code = {line.code: line.rupiah for line in result.lines}
    return CohortAmounts(
        jkk=by_code.get("JKK", 0),
        jkm=by_code.get("JKM", 0),
        jht=by_code.get("JHT", 0),
        reduction=result.reduction,
    )


AMOUNT_COLUMNS = ("jkk", "jkm", "jht", "reduction", "amount")


def with_amounts(frame: pl.DataFrame, month: Month) -> pl.DataFrame:
    """``frame`` (``income_basis``, ``jht``, ``transport``, ``funder``: the programme's funder)
    with the columns of :data:`AMOUNT_COLUMNS`, each distinct cohort computed once by the
    rules engine."""
    keys = ["income_basis", "jht", "transport", "funder"]
    cohorts = frame.select(keys).unique()
    rows = []
    for income, jht, transport, funder in cohorts.iter_rows():
        amounts = cohort_amounts(
            int(income), month, jht=bool(jht), transport=bool(transport), funder=str(funder)
        )
        rows.append(
            (income, jht, transport, funder, amounts.jkk, amounts.jkm, amounts.jht,
             amounts.reduction, amounts.total)
        )  # fmt: skip
    table = pl.DataFrame(
        rows,
        schema={
            "income_basis": pl.Int64,
            "jht": pl.Boolean,
            "transport": pl.Boolean,
            "funder": pl.String,
            "jkk": pl.Int64,
            "jkm": pl.Int64,
            "jht_amount": pl.Int64,
            "reduction": pl.Int64,
            "amount": pl.Int64,
        },
        orient="row",
    )
    return frame.join(table, on=keys, how="left")


ENROLMENT_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "paid_mask": pl.Int64(),
    "bpjs_status": pl.String(),
}


def enrolments_frame(programme: Programme) -> pl.DataFrame:
    return bulk.read_frame(
        Enrolment.objects.order_by()
        .filter(programme=programme)
        .values_list("person_id", "paid_mask", "bpjs_status"),
        ENROLMENT_SCHEMA,
    )


def enrolments_create(programme: Programme, people: pl.DataFrame, existing: pl.DataFrame) -> int:
    """Enrolments for the people (``person_id``, ``region_id``) of ``people`` who have none
    (``existing``: :func:`enrolments_frame`); returns how many were made."""
    new = people.unique("person_id", keep="last").join(
        existing.select("person_id"), on="person_id", how="anti"
    )
    if new.is_empty():
        return 0
    first_id = bulk.reserve_ids(Enrolment, new.height)
    now = timezone.now()
    bulk.copy_frame(
        Enrolment,
        new.select(
            pl.int_range(first_id, first_id + new.height, dtype=pl.Int64).alias("id"),
            pl.lit(programme.pk, pl.Int64).alias("programme_id"),
            "person_id",
            "region_id",
            pl.lit(programme.first_month).alias("base_month"),
            pl.lit(0, pl.Int64).alias("paid_mask"),
            pl.lit("").alias("kpj"),
            pl.lit("").alias("bpjs_status"),
            pl.lit("").alias("bpjs_reason"),
            pl.lit("").alias("bpjs_reason_code"),
            pl.lit(None, pl.Date).alias("tmt"),
            pl.lit(None, pl.Int64).alias("response_id"),
            pl.lit(now).dt.convert_time_zone("UTC").alias("updated_at"),
        ),
    )
    return new.height


def due_day_label(day: date) -> str:
    return day_label(day)
