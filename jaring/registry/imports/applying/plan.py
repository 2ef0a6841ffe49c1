"""What committing a checked file would do to the registry, decided column-wise.

Given the checked rows (with the blind index of each NIK) and the people already registered
under those NIKs, every row gets exactly one action:

- ``none``       rejected by the checks; nothing is saved;
- ``held``       held by the checks for a person's decision (which village, which row of a NIK);
                 nothing is saved until then;
- ``duplicate``  an identical repeat of an earlier row of the file; it points at the same person;
- ``created``    a NIK the registry does not know: a new person;
- ``unchanged``  the registry already holds what the row says;
- ``updated``    the row differs and the user chose *update*: the person takes the new values;
- ``skipped``    the row differs and the user chose *skip*: the registry is kept as it is;
- ``conflict``   the row differs and the user chose *conflict*, or the person is registered
                 outside the import's region (a list never moves someone out of another kab/kota
                 silently) — then whether the row differs is not even said: the importer learns
                 only "registered in another region" (``NIK_IN_ANOTHER_REGION``, issue 14).

Comparison and update use only the values a row *has*: a list without a phone column neither
counts as "different" nor erases phone numbers ("fill, don't erase").

Under *update*, what identifies a person — name, birth date, sex (:data:`IDENTITY`) — is never
changed by a list on its own: such a change is listed in ``held_changes`` (with the value before
and after, ``before_<field>``/``after_<field>``) and waits for a person's confirmation; the
row's other changes are applied (``updated``), or, when it has none, the row is ``held``.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from jaring.registry import fields
from jaring.registry.models import OnExisting, RowAction, RowState

# Person columns a row can change, with the checked-row column that carries the new value.
COMPARED: Final[dict[str, str]] = fields.COMPARED
#: What identifies a person: a list's change to these waits for a person's confirmation.
IDENTITY: Final[tuple[str, ...]] = ("name", "birth_date", "sex")

EXISTING_SCHEMA: Final[dict[str, pl.DataType]] = {
    "person_id": pl.Int64(),
    "nik_index": pl.String(),
    **{f.attname: pl.String() if f.secret else f.dtype for f in fields.PERSON_FIELDS if f.compared},
}


def _differs(row_col: str, person_col: str) -> pl.Expr:
    new, old = pl.col(row_col), pl.col(f"{person_col}__person")
    return new.is_not_null() & (old.is_null() | (new.cast(pl.String) != old.cast(pl.String)))


def _shown(column: str, value: pl.Expr) -> pl.Expr:
    """A value as a message shows it: dates day-month-year, as written in Indonesia."""
    if column == "birth_date":
        return value.dt.strftime("%d-%m-%Y")
    return value.cast(pl.String)


def plan_actions(
    rows: pl.DataFrame, existing: pl.DataFrame, *, on_existing: OnExisting, scope: str
) -> pl.DataFrame:
    """``rows`` (checked rows with ``nik_index`` and ``phone_index``) with ``action``,
    ``person_id`` (the existing person, else null), ``changed`` (list of person columns the row
    changes), ``held_changes`` (identity columns whose change waits for a confirmation, with
    ``before_<column>``/``after_<column>``) and ``in_scope``. ``existing``:
    :data:`EXISTING_SCHEMA`; ``scope``: the import's region code — people registered outside it
    are never updated by this list."""
    people = existing.rename({c: f"{c}__person" for c in COMPARED}).rename(
        {"person_id": "existing_id"}
    )
    found = pl.col("existing_id").is_not_null()
    no_change = pl.lit([], dtype=pl.List(pl.String))
    differs = [
        pl.when(_differs(row_col, person_col)).then(pl.lit(person_col)).otherwise(None)
        for person_col, row_col in COMPARED.items()
    ]
    # Comparing only matters for rows whose NIK is registered; a fresh list skips the work.
    changed = (
        no_change
        if existing.is_empty()
        else pl.when(found).then(pl.concat_list(differs).list.drop_nulls()).otherwise(no_change)
    )
    # One join and new columns beside the old ones: a million rows joined to a million people
    # are several hundred MB a copy, and filtering, concatenating and sorting held three.
    joined = rows.join(people, on="nik_index", how="left", maintain_order="left").with_columns(
        changed=changed,
        in_scope=pl.col("region_id__person").is_null()
        | (pl.col("region_id__person") == scope)
        | pl.col("region_id__person").str.starts_with(f"{scope}."),
    )
    updating = on_existing == OnExisting.UPDATE
    identity = pl.lit(list(IDENTITY), dtype=pl.List(pl.String))
    held = (
        pl.when(found & pl.col("in_scope"))
        .then(pl.col("changed").list.set_intersection(identity))
        .otherwise(no_change)
        if updating and not existing.is_empty()
        else no_change
    )
    joined = joined.with_columns(held_changes=held).with_columns(
        changed=pl.col("changed").list.set_difference(pl.col("held_changes")),
        **{
            f"before_{c}": pl.when(pl.col("held_changes").list.contains(c)).then(
                _shown(c, pl.col(f"{c}__person"))
            )
            for c in IDENTITY
        },
        **{
            f"after_{c}": pl.when(pl.col("held_changes").list.contains(c)).then(
                _shown(c, pl.col(COMPARED[c]))
            )
            for c in IDENTITY
        },
    )
    different = pl.col("changed").list.len() > 0
    waits = pl.col("held_changes").list.len() > 0
    chosen = {
        OnExisting.UPDATE: RowAction.UPDATED,
        OnExisting.SKIP: RowAction.SKIPPED,
        OnExisting.CONFLICT: RowAction.CONFLICT,
    }[on_existing]
    action = (
        pl.when(pl.col("state") == RowState.REJECTED.value)
        .then(pl.lit(RowAction.NONE.value))
        .when(pl.col("state") == RowState.HELD.value)
        .then(pl.lit(RowAction.HELD.value))
        .when(pl.col("duplicate_of").is_not_null())
        .then(pl.lit(RowAction.DUPLICATE.value))
        .when(~found)
        .then(pl.lit(RowAction.CREATED.value))
        .when(~pl.col("in_scope"))
        .then(pl.lit(RowAction.CONFLICT.value))
        .when(~different & waits)
        .then(pl.lit(RowAction.HELD.value))
        .when(~different)
        .then(pl.lit(RowAction.UNCHANGED.value))
        .otherwise(pl.lit(chosen.value))
    )
    keeps_person = ~pl.col("state").is_in([RowState.REJECTED.value, RowState.HELD.value])
    return joined.with_columns(
        action=action,
        person_id=pl.when(keeps_person).then(pl.col("existing_id")).otherwise(None),
    ).drop([f"{c}__person" for c in COMPARED] + ["existing_id"])


def changes(planned: pl.DataFrame) -> dict[str, int]:
    """How many people each field of the person was changed for (updated rows), by the field's
    column name (``address``, ``village_code``, …): what the result page says changed."""
    applied = planned.filter(pl.col("action") == RowAction.UPDATED.value)
    columns = {**COMPARED, "phone_index": "phone"}
    fields = applied.select(pl.col("changed").explode().drop_nulls().alias("field"))
    tally = fields["field"].value_counts().sort("field")
    return {
        columns.get(f, f): int(n)
        for f, n in zip(tally["field"].to_list(), tally["count"].to_list(), strict=True)
    }


def counts(planned: pl.DataFrame) -> dict[str, int]:
    """Rows per action, how many rows named a NIK already in the registry, and how many wait
    for a confirmation of a change to a registered person's name, birth date or sex."""
    tally = planned["action"].value_counts()
    by_action = dict(zip(tally["action"].to_list(), tally["count"].to_list(), strict=True))
    waiting = planned["held_changes"].list.len() > 0
    only_waiting = int((waiting & (planned["action"] == RowAction.HELD.value)).sum())
    return {
        "changes_held": int(waiting.sum()),
        "created": by_action.get(RowAction.CREATED.value, 0),
        "updated": by_action.get(RowAction.UPDATED.value, 0),
        "unchanged": by_action.get(RowAction.UNCHANGED.value, 0),
        "skipped": by_action.get(RowAction.SKIPPED.value, 0),
        "conflicts": by_action.get(RowAction.CONFLICT.value, 0),
        # Rows (not rejected, not repeats) naming a NIK the registry already holds.
        "existing": sum(
            by_action.get(a.value, 0)
            for a in (RowAction.UNCHANGED, RowAction.UPDATED, RowAction.SKIPPED, RowAction.CONFLICT)
        )
        + only_waiting,
    }
