"""Eligibility, priority and the fit to quota and budget, for every person at once (polars).

:func:`evaluate` is a pure function of frames: no database, no ORM row loop, so a million
people take a second or two, and tests can feed it small hand-made frames. The services read
the frames from the database (:mod:`jaring.programmes.services`) and write the result as the
draft's :class:`~jaring.programmes.models.DecreeEntry` rows.

Each person gets the bits of every rule they fail (:class:`jaring.rules.programmes.Ineligible`)
and the values the explanation needs (age, the other programme, the exclusion list), so a page
can say, rule by rule, "usia 67 > 65" without computing anything again.

Order of the steps, for a version of a decree:

1. the rules of eligibility, each one bit;
2. the order of priority: people added by hand, then members of the previous version, then
   the programme's criteria (category priority, poverty decile, age, registration), then the
   person id as the stable tie-break;
3. limits in that order: a category's quota, the overall quota, then the budget (the running
   sum of each person's iuran for the period, from the rules engine, must stay within it);
   a person added by hand always stays and uses up room first;
4. cautions that never take anyone out: an unknown birth date, an unclassified occupation, a
   probable duplicate (the matcher's pairs) covered by another programme or also in this decree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from jaring.rules.programmes import NOT_ELIGIBLE, Caution, Ineligible

PEOPLE_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "region_id": pl.String(),
    "occupation_id": pl.String(),
    "birth_date": pl.Date(),
    "status": pl.String(),
    "nik_index": pl.String(),
}
CATEGORY_SCHEMA: dict[str, pl.DataType] = {
    "occupation_id": pl.String(),
    "category_quota": pl.Int64(),
    "category_priority": pl.Int64(),
}
EXCLUSION_SCHEMA: dict[str, pl.DataType] = {
    "nik_index": pl.String(),
    "exclusion_list_id": pl.Int64(),
}
DECILE_SCHEMA: dict[str, pl.DataType] = {"nik_index": pl.String(), "decile": pl.Int64()}
COVERED_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "conflict_programme_id": pl.Int64(),
}
PAIR_SCHEMA: dict[str, pl.DataType] = {"person_a": pl.Int64(), "person_b": pl.Int64()}
MANUAL_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "manual": pl.String(),  # "added" or "removed"
    "change_reason": pl.String(),
    "change_note": pl.String(),
    "changed_by_id": pl.Int64(),
    "changed_at": pl.Datetime("us", "UTC"),
}

#: Columns of the result, as DecreeEntry stores them (plus ``first_iuran`` for totals).
RESULT_COLUMNS = (
    "person_id",
    "status",
    "reasons",
    "reason",
    "cautions",
    "rank",
    "age",
    "region_id",
    "occupation_id",
    "income_basis",
    "cost",
    "first_iuran",
    "incumbent",
    "conflict_programme_id",
    "exclusion_list_id",
    "partner_id",
    "change_reason",
    "change_note",
    "changed_by_id",
    "changed_at",
)


@dataclass(frozen=True)
class Terms:
    """What one version of a decree is computed with."""

    region_code: str
    first_month: date
    age_min: int
    age_max: int
    income_basis: int
    quota: int | None
    budget: int | None
    #: Priority criteria in order (jaring.programmes.models.Criterion values).
    criteria: Sequence[str]
    #: Iuran of one person for the period and for its first month, by sector.
    cost_transport: int
    cost_other: int
    first_iuran_transport: int
    first_iuran_other: int


def _empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class Inputs:
    people: pl.DataFrame
    #: The programme's categories; empty = every category.
    categories: pl.DataFrame = field(default_factory=lambda: _empty(CATEGORY_SCHEMA))
    #: Transport-sector categories (PP 50/2025), for the cost.
    transport_codes: frozenset[str] = frozenset()
    incumbents: pl.Series = field(default_factory=lambda: pl.Series("person_id", [], pl.Int64))
    exclusions: pl.DataFrame = field(default_factory=lambda: _empty(EXCLUSION_SCHEMA))
    deciles: pl.DataFrame | None = None
    covered_elsewhere: pl.DataFrame = field(default_factory=lambda: _empty(COVERED_SCHEMA))
    near_pairs: pl.DataFrame = field(default_factory=lambda: _empty(PAIR_SCHEMA))
    manual: pl.DataFrame = field(default_factory=lambda: _empty(MANUAL_SCHEMA))


def _bit(condition: pl.Expr, flag: int) -> pl.Expr:
    return pl.when(condition).then(pl.lit(flag, pl.Int64)).otherwise(pl.lit(0, pl.Int64))


def _age(first_month: date) -> pl.Expr:
    """Completed years on the first day of ``first_month``."""
    birth = pl.col("birth_date")
    before_birthday = (pl.lit(first_month.month) < birth.dt.month()) | (
        (pl.lit(first_month.month) == birth.dt.month()) & (pl.lit(1) < birth.dt.day())
    )
    return (pl.lit(first_month.year) - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(
        pl.Int64
    )


def _within(code: str) -> pl.Expr:
    return (pl.col("region_id") == code) | pl.col("region_id").str.starts_with(f"{code}.")


def evaluate(inputs: Inputs, terms: Terms) -> pl.DataFrame:
    """One row per person of ``inputs.people``: status, rule bits, rank and cost (see the
    module docstring). Columns: :data:`RESULT_COLUMNS`."""
    categories = inputs.categories
    restricted = categories.height > 0
    frame = (
        inputs.people.unique("person_id", keep="first")
        .join(categories, on="occupation_id", how="left")
        .join(inputs.exclusions.unique("nik_index", keep="first"), on="nik_index", how="left")
        .join(
            inputs.covered_elsewhere.unique("person_id", keep="first"),
            on="person_id",
            how="left",
        )
        .join(inputs.manual.unique("person_id", keep="last"), on="person_id", how="left")
        .with_columns(
            age=_age(terms.first_month),
            incumbent=pl.col("person_id").is_in(inputs.incumbents.implode()),
        )
    )
    if inputs.deciles is not None:
        frame = frame.join(inputs.deciles.unique("nik_index"), on="nik_index", how="left")
    else:
        frame = frame.with_columns(decile=pl.lit(None, pl.Int64))

    in_category = pl.col("category_priority").is_not_null() if restricted else pl.lit(value=True)
    reasons = (
        _bit(pl.col("status") == "deceased", Ineligible.DECEASED)
        | _bit(pl.col("status") == "merged", Ineligible.MERGED)
        | _bit(pl.col("status") == "inactive", Ineligible.INACTIVE)
        | _bit(~_within(terms.region_code), Ineligible.OUTSIDE_REGION)
        | _bit(~in_category, Ineligible.CATEGORY)
        | _bit(pl.col("age") < terms.age_min, Ineligible.AGE_BELOW)
        | _bit(pl.col("age") > terms.age_max, Ineligible.AGE_ABOVE)
        | _bit(pl.col("exclusion_list_id").is_not_null(), Ineligible.EXCLUSION_LIST)
        | _bit(pl.col("conflict_programme_id").is_not_null(), Ineligible.DOUBLE_FUNDED)
    )
    cautions = _bit(pl.col("birth_date").is_null(), Caution.AGE_UNKNOWN) | _bit(
        pl.col("occupation_id").is_null(), Caution.OCCUPATION_UNCLASSIFIED
    )
    sector_transport = pl.col("occupation_id").is_in(sorted(inputs.transport_codes))
    frame = frame.with_columns(
        reasons=reasons.fill_null(0),
        cautions=cautions.fill_null(0),
        income_basis=pl.lit(terms.income_basis, pl.Int64),
        cost=pl.when(sector_transport)
        .then(pl.lit(terms.cost_transport, pl.Int64))
        .otherwise(pl.lit(terms.cost_other, pl.Int64)),
        first_iuran=pl.when(sector_transport)
        .then(pl.lit(terms.first_iuran_transport, pl.Int64))
        .otherwise(pl.lit(terms.first_iuran_other, pl.Int64)),
    )
    frame = _rank_and_fit(frame, terms, restricted=restricted)
    frame = _near_duplicates(frame, inputs.near_pairs, inputs.covered_elsewhere)
    first_flag = pl.lit(0, pl.Int64)
    for flag in reversed(list(Ineligible)):
        first_flag = (
            pl.when((pl.col("reasons") & int(flag)) != 0).then(int(flag)).otherwise(first_flag)
        )
    return frame.with_columns(reason=first_flag).select(
        pl.col("person_id"),
        pl.col("status"),
        pl.col("reasons"),
        pl.col("reason"),
        pl.col("cautions"),
        pl.col("rank"),
        pl.col("age"),
        pl.col("region_id"),
        pl.col("occupation_id"),
        pl.col("income_basis"),
        pl.col("cost"),
        pl.col("first_iuran"),
        pl.col("incumbent"),
        pl.col("conflict_programme_id"),
        pl.col("exclusion_list_id"),
        pl.col("partner_id"),
        pl.col("change_reason").fill_null(""),
        pl.col("change_note").fill_null(""),
        pl.col("changed_by_id"),
        pl.col("changed_at"),
    )


def _sort_keys(terms: Terms, *, restricted: bool) -> tuple[list[pl.Expr], list[bool]]:
    keys: list[pl.Expr] = [
        (pl.col("manual") == "added").fill_null(value=False),
        pl.col("incumbent"),
    ]
    descending = [True, True]
    for criterion in terms.criteria:
        if criterion == "category" and restricted:
            keys.append(pl.col("category_priority"))
            descending.append(False)
        elif criterion == "poverty_decile":
            keys.append(pl.col("decile"))
            descending.append(False)
        elif criterion == "older_first":
            keys.append(pl.col("birth_date"))
            descending.append(False)
        elif criterion == "younger_first":
            keys.append(pl.col("birth_date"))
            descending.append(True)
        elif criterion == "registered_first":
            keys.append(pl.col("person_id"))
            descending.append(False)
    keys.append(pl.col("person_id"))
    descending.append(False)
    return keys, descending


def _rank_and_fit(frame: pl.DataFrame, terms: Terms, *, restricted: bool) -> pl.DataFrame:
    """Rank the eligible (and the added), then fit them to the category quotas, the quota and
    the budget; set ``status``, ``rank`` and the limit bits."""
    added = (pl.col("manual") == "added").fill_null(value=False)
    removed = (pl.col("manual") == "removed").fill_null(value=False)
    eligible = (pl.col("reasons") & int(NOT_ELIGIBLE)) == 0
    keys, descending = _sort_keys(terms, restricted=restricted)
    candidates = (
        frame.filter((eligible & ~removed) | added)
        .sort(keys, descending=descending, nulls_last=True)
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))
    )
    # A category's quota: the first N of each category, in rank order.
    in_category_quota = (
        pl.col("category_quota").is_null()
        | (pl.int_range(1, pl.len() + 1).over("occupation_id") <= pl.col("category_quota"))
        | added
    )
    candidates = candidates.with_columns(fits_category=in_category_quota)
    fits_quota = pl.lit(value=True)
    if terms.quota is not None:
        fits_quota = (pl.col("fits_category").cast(pl.Int64).cum_sum() <= terms.quota) | added
    candidates = candidates.with_columns(fits_quota=pl.col("fits_category") & fits_quota)
    fits_budget = pl.lit(value=True)
    if terms.budget is not None:
        spent = (pl.col("cost") * pl.col("fits_quota").cast(pl.Int64)).cum_sum()
        fits_budget = (spent <= terms.budget) | added
    candidates = candidates.with_columns(fits_budget=pl.col("fits_quota") & fits_budget)
    limit_bits = (
        pl.when(~pl.col("fits_category"))
        .then(int(Ineligible.QUOTA_CATEGORY))
        .when(~pl.col("fits_quota"))
        .then(int(Ineligible.QUOTA))
        .when(~pl.col("fits_budget"))
        .then(int(Ineligible.BUDGET))
        .otherwise(0)
    )
    candidates = candidates.select(
        "person_id", "rank", pl.col("fits_budget").alias("fits"), limit_bits.alias("limit_bits")
    )
    frame = frame.join(candidates, on="person_id", how="left").with_columns(
        reasons=pl.col("reasons") | pl.col("limit_bits").fill_null(0),
        status=pl.when(removed)
        .then(pl.lit("removed"))
        .when(added)
        .then(pl.lit("added"))
        .when(~eligible)
        .then(pl.lit("excluded"))
        .when(pl.col("fits"))
        .then(pl.lit("included"))
        .otherwise(pl.lit("over_limit")),
    )
    return frame.drop("fits", "limit_bits")


def _near_duplicates(
    frame: pl.DataFrame, pairs: pl.DataFrame, covered_elsewhere: pl.DataFrame
) -> pl.DataFrame:
    """Flag members whose probable duplicate is also a member, or is covered elsewhere."""
    if pairs.is_empty():
        return frame.with_columns(partner_id=pl.lit(None, pl.Int64))
    both_ways = pl.concat(
        [
            pairs.select(pl.col("person_a").alias("person_id"), pl.col("person_b").alias("other")),
            pairs.select(pl.col("person_b").alias("person_id"), pl.col("person_a").alias("other")),
        ]
    )
    members = frame.filter(pl.col("status").is_in(["included", "added"])).select(
        pl.col("person_id").alias("other")
    )
    in_decree = both_ways.join(members, on="other", how="semi").join(
        members.rename({"other": "person_id"}), on="person_id", how="semi"
    )
    covered = both_ways.join(
        covered_elsewhere.select(pl.col("person_id").alias("other")), on="other", how="semi"
    )
    flags = (
        pl.concat(
            [
                in_decree.with_columns(flag=pl.lit(int(Caution.NEAR_DUPLICATE_IN_DECREE))),
                covered.with_columns(flag=pl.lit(int(Caution.NEAR_DUPLICATE_COVERED))),
            ]
        )
        .group_by("person_id")
        .agg(
            pl.col("flag").unique().sum().cast(pl.Int64), pl.col("other").min().alias("partner_id")
        )
    )
    return (
        frame.join(flags, on="person_id", how="left")
        .with_columns(cautions=pl.col("cautions") | pl.col("flag").fill_null(0))
        .drop("flag")
    )
