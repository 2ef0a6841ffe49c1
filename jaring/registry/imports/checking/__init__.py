"""Checking: every row of a :class:`RawTable` under a mapping, column-wise, and its state.

Every row read ends in exactly one state — ``accepted`` (no problem), ``warning`` (only
warnings), ``held`` (something only a person can decide, such as which village; kept, neither
saved nor refused) or ``rejected`` (at least one error: the row cannot be a person, e.g. no valid
NIK or no name) — and every problem has a stable code (see
:mod:`jaring.registry.imports.problems` and the rules engine's registry): accepted + warning +
held + rejected = rows. Rows in which every mapped column is empty, and rows after the last
person of a sheet that have neither NIK nor name (signature blocks, totals) are not rows: they
are counted as ``skipped_rows``.

Semantics:

* NIK: the rules engine's codes, exactly (:mod:`.nik_column`). A NIK is never corrected: a birth
  date or sex differing from the NIK is a warning.
* Birth date: day first always; only-month-first → ``BIRTH_DATE_MONTH_FIRST`` (warning);
  unreadable or impossible → taken from the NIK with ``BIRTH_DATE_INVALID`` (warning); empty →
  taken from the NIK with ``BIRTH_DATE_FROM_NIK`` (warning). In the future →
  ``BIRTH_DATE_FUTURE`` (held); age under ``min_age`` (15, the working age of BPS) →
  ``AGE_BELOW_MINIMUM`` (held: most likely a typo, a person checks); over ``max_age`` (100) →
  ``AGE_ABOVE_MAXIMUM`` (warning: possible, but check). Eligibility ages of a programme (e.g.
  18–65) are not an import matter.
* Sex: L/P/LK/PR/Laki-laki/Perempuan/Pria/Wanita/1/2…; empty → from the NIK with
  ``SEX_FROM_NIK``; anything else → ``SEX_UNREADABLE`` (warning), also taken from the NIK.
* Name and NIK are required (``NAME_MISSING``, ``NIK_EMPTY``: errors).
* Village: see :mod:`.places`; phone: normalised to +62…, ``PHONE_INVALID`` (warning, not
  stored); occupation: ``classify`` on distinct texts, fuzzy → ``OCCUPATION_FUZZY``,
  unclassified → ``OCCUPATION_UNCLASSIFIED``, empty → ``OCCUPATION_MISSING`` (warnings, never
  guessed); income: what the list declares is kept as ``declared_income``, as given — it is
  information, never a reason to refuse protection: a low or unlisted amount is no problem, an
  unreadable one is ``INCOME_UNREADABLE`` (warning, not stored). The contribution basis
  (``income_basis``) is the programme's, ``default_income``, whatever the list says.
* A formula without a stored value or an error cell in a mapped column → warning (the value is
  not used; in the NIK or name column the NIK and name checks reject); a CSV row with more fields
  than headers (shifted columns) → ``ROW_EXTRA_FIELDS`` (held).

Only a row that cannot be a person is rejected: no valid NIK, or no name. Everything else is
either used (with a warning where a person should look) or held for a person's decision.
* Duplicates in the file: see :mod:`.duplicates`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Protocol

import polars as pl

from jaring.registry.fields import WRITTEN
from jaring.registry.imports.checking import steps as step
from jaring.registry.imports.checking.duplicates import flag_duplicates
from jaring.registry.imports.checking.findings import collect, findings_for, states
from jaring.registry.imports.checking.nik_column import (
    NIK_CODES,
    clean_nik_column,
    finish_nik_column,
)
from jaring.registry.imports.checking.places import narrow_by_nik
from jaring.registry.imports.reading import RawTable
from jaring.registry.imports.reading.mapping import validate_mapping

if TYPE_CHECKING:
    from jaring.regions.selectors import NameIndex

MIN_AGE = 15
MAX_AGE = 100
#: Threads for the independent column steps (``JARING_IMPORT_THREADS``, default: CPUs, max 4).
CHECK_THREADS = int(os.environ.get("JARING_IMPORT_THREADS", min(os.cpu_count() or 1, 4)))
OccupationMatchKind = Literal["synonym", "fuzzy", "unclassified"]


class ClassifiedOccupation(Protocol):
    """What the occupation classifier made of one written text (its ``OccupationResult``)."""

    @property
    def code(self) -> str | None: ...

    @property
    def match(self) -> OccupationMatchKind: ...


#: :func:`jaring.registry.occupations.classify_occupations`, or the same with a kab/kota's own
#: synonyms bound in.
Classifier = Callable[[Sequence[str]], Mapping[str, ClassifiedOccupation]]

#: Columns of :attr:`CheckedTable.rows`, in order.
#: The columns of :attr:`CheckedTable.rows`: where the row was, its state, every field a person
#: is written with, and what the checks add (the NIK as read from a number cell, the name
#: normalised for matching, the earlier row an identical repeat points at).
ROW_COLUMNS: tuple[str, ...] = (
    "_sheet",
    "_row",
    "state",
    *WRITTEN,
    "nik_from_number",
    "name_normalized",
    "duplicate_of",
    "duplicate_of_sheet",
)


@dataclass(frozen=True)
class CheckedTable:
    """The outcome of :func:`check_table`: one row per data row, and every problem found."""

    rows: pl.DataFrame
    problems: pl.DataFrame
    skipped: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"_sheet": pl.String, "_row": pl.Int64, "reason": pl.String}
        )
    )
    mapping: Mapping[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        counts = self.rows["state"].value_counts()
        by_state = dict(zip(counts["state"].to_list(), counts["count"].to_list(), strict=True))
        codes = self.problems["code"].value_counts().sort("code")
        return {
            "rows": self.rows.height,
            "accepted": by_state.get("accepted", 0),
            "warnings": by_state.get("warning", 0),
            "held": by_state.get("held", 0),
            "rejected": by_state.get("rejected", 0),
            "problems": dict(zip(codes["code"].to_list(), codes["count"].to_list(), strict=True)),
            "duplicates_in_file": int(
                self.problems["code"]
                .is_in(["NIK_DUPLICATE_IN_FILE", "NIK_DUPLICATE_SAME_PERSON"])
                .sum()
            ),
            "conflicting_rows": int((self.problems["code"] == "NIK_DUPLICATE_CONFLICT").sum()),
            "skipped_rows": self.skipped.height,
        }


def _in_parallel(
    jobs: Mapping[str, Callable[[], Any]], here: Mapping[str, Callable[[], Any]]
) -> dict[str, Any]:
    """Run independent column steps side by side: polars releases the GIL, and most string
    kernels here use one core, so threads keep a two-core server busy. ``here`` runs in the
    calling thread meanwhile: the classifier may use the database, whose connections (and
    transactions) belong to a thread."""
    if CHECK_THREADS <= 1:
        return {name: job() for name, job in {**jobs, **here}.items()}
    with ThreadPoolExecutor(max_workers=CHECK_THREADS) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        results = {name: job() for name, job in here.items()}
        return {**results, **{name: future.result() for name, future in futures.items()}}


def check_table(
    table: RawTable,
    mapping: Mapping[str, str],
    *,
    villages: NameIndex,
    kecamatan: NameIndex | None = None,
    place: str | None = None,
    classify: Classifier,
    reference_date: date,
    default_income: int = 1_000_000,
    known_regions: Collection[str] | None = None,
    min_age: int = MIN_AGE,
    max_age: int = MAX_AGE,
) -> CheckedTable:
    """Check ``table`` under ``mapping`` (``{field: header}``, validated here) — see the module
    docstring. ``villages``/``kecamatan`` resolve names within the chosen kab/kota;
    ``place`` is where the list comes from, chosen at upload (a desa or kecamatan code;
    ``None``: the whole kab/kota); ``known_regions`` (dotted codes
    of today's kab/kota and kecamatan) enables the NIK region warnings."""
    mapping = validate_mapping(mapping, table.headers, file_name=table.file_name)
    source, skipped = step.skip_rows(step.source_frame(table, mapping), mapping)
    w = step.hstack(source, [step.cleaned_columns(source)])
    number = "n_nik" if "n_nik" in w.columns else None
    steps = _in_parallel(
        {
            "nik": lambda: clean_nik_column(w, raw="t_nik", number=number),
            "dates": lambda: step.date_columns(w, mapping, reference_date),
            "names": lambda: step.name_columns(w),
            "phones": lambda: step.phone_columns(w, mapping),
            "places": lambda: step.place_columns(
                w,
                mapping,
                villages=villages,
                kecamatan=kecamatan,
                place=place,
                title=table.title_place,
            ),
            "sex": lambda: step.sex_columns(w, mapping),
            "income": lambda: step.income_columns(w, default_income),
            "rt_rw": lambda: step.rt_rw_columns(w, mapping),
            "address": lambda: w.select(address="c_address"),
            "cells": lambda: step.cell_columns(w, mapping),
        },
        here={"occupations": lambda: step.occupation_columns(w, classify)},
    )
    cleaned_nik = steps.pop("nik")
    w = step.hstack(w, list(steps.values()))
    nik = finish_nik_column(
        cleaned_nik,
        birth_date=w["stated_date"],
        sex=w["stated_sex"],
        reference_date=reference_date,
        known_regions=known_regions,
    )
    w = step.hstack(w, [nik.rename({code: f"m_{code}" for code in NIK_CODES})])
    w = step.hstack(w, [step.birth_and_age_columns(w, reference_date, min_age, max_age)])
    w = w.with_columns(narrow_by_nik(w, place).get_columns())
    w = flag_duplicates(w, mapping)
    problems = collect(w, findings_for(w, mapping))
    rows = w.with_columns(state=states(w["_i"], problems)).select(ROW_COLUMNS)
    return CheckedTable(
        rows=rows, problems=problems.drop("_i"), skipped=skipped, mapping=dict(mapping)
    )
