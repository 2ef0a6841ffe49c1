"""One person typed on a page: the checks of an import row, for a row of one.

An operator who finds a new worker, or corrects a birth date, goes through the same checks as a
list (:func:`jaring.registry.imports.checking.check_table`): the NIK's rules, dates read and
bounded by age, sex and the NIK, the phone normalised, the occupation classified with the
kab/kota's own synonyms. The desa is picked from the user's own (never resolved from a name),
so the place checks of a list do not apply. Errors refuse the person; warnings are kept and
shown, as an import keeps a row with warnings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from typing import Any

import polars as pl
from django.utils import timezone

from jaring.regions.models import Region, RegionLevel
from jaring.regions.selectors import region_name_index
from jaring.registry.fields import WRITTEN
from jaring.registry.imports.checking import check_table
from jaring.registry.imports.checking.places import PLACE_CODES
from jaring.registry.imports.problems import problem_message
from jaring.registry.imports.reading import RawTable
from jaring.registry.models import OccupationSynonym
from jaring.registry.occupations import classify_occupations
from jaring.rules.messages import Message

#: The fields a page asks for, as the import's mapping names them.
TYPED: tuple[str, ...] = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "rt_rw",
    "phone",
    "occupation",
)


@dataclass(frozen=True)
class Problem:
    field: str | None
    severity: str
    message: Message

    @property
    def blocking(self) -> bool:
        return self.severity != "warning" and self.severity != "info"


@dataclass(frozen=True)
class CheckedPerson:
    """What the checks made of the typed values: the person's columns (:data:`WRITTEN`, plus
    ``name_normalized``) and the problems found."""

    values: Mapping[str, Any]
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def refused(self) -> bool:
        return any(p.blocking for p in self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.blocking)


@lru_cache(maxsize=1)
def _known_regions() -> frozenset[str]:
    return frozenset(
        Region.objects.filter(level__in=[RegionLevel.REGENCY, RegionLevel.DISTRICT]).values_list(
            "code", flat=True
        )
    )


def _classifier(regency: str) -> Any:
    local = dict(
        OccupationSynonym.objects.filter(region_id=regency).values_list("key", "category_id")
    )
    return partial(classify_occupations, extra_synonyms=local)


def _typed_date(text: str) -> str:
    """A date picker's ``1980-08-17`` as lists write it (day first: ``17-08-1980``)."""
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
    return text


def person_check(
    typed: Mapping[str, str], *, village: Region, today: date | None = None
) -> CheckedPerson:
    """Check one person's typed values (:data:`TYPED`) living in ``village`` (a desa)."""
    today = today or timezone.localdate()
    values = {name: (typed.get(name) or "").strip() for name in TYPED}
    values["birth_date"] = _typed_date(values["birth_date"])
    headers = tuple(name for name in TYPED if values[name])
    frame = pl.DataFrame(
        {
            **{name: [values[name]] for name in headers},
            "_sheet": [""],
            "_row": [1],
        },
        schema={**dict.fromkeys(headers, pl.String), "_sheet": pl.String, "_row": pl.Int64},
    )
    table = RawTable(
        file_name="formulir",
        format="form",
        sheets=("",),
        header_row=0,
        headers=headers,
        frame=frame,
    )
    regency = village.code[:5]
    checked = check_table(
        table,
        {name: name for name in headers},
        villages=region_name_index(within=regency, level=RegionLevel.VILLAGE),
        classify=_classifier(regency),
        reference_date=today,
        known_regions=_known_regions(),
    )
    problems = tuple(
        Problem(
            field=row["column"],
            severity=row["severity"],
            message=problem_message(row["code"], json.loads(row["params"] or "{}")),
        )
        for row in checked.problems.iter_rows(named=True)
        # The desa is picked from a list, not written: no place to resolve.
        if row["code"] not in PLACE_CODES
    )
    if checked.rows.height == 0:  # nothing typed at all
        return CheckedPerson(
            values={},
            problems=(Problem("name", "error", problem_message("NAME_MISSING", {})),),
        )
    row = checked.rows.row(0, named=True)
    person = {name: row[name] for name in WRITTEN} | {"name_normalized": row["name_normalized"]}
    person["village_code"] = village.code
    return CheckedPerson(values=person, problems=problems)
