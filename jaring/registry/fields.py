"""The fields of a person, declared once: what imports carry, services write, exports and the
API show.

Every frame of people — a checked import row, the frame :func:`~jaring.registry.services.
people_bulk_create` takes, an export — names its columns after :attr:`PersonField.column`;
:data:`PERSON_FIELDS` is their order (the order of an export's columns). The lists the rest of
the code uses are read from here: :data:`WRITTEN` (given when people are created, carried by a
checked row, kept on a staging row), :data:`COMPARED` (what a list can change on a registered
person), :data:`EXPORTED`, :data:`IN_API`.

Adding a field: one :class:`PersonField` here, the model field on ``Person`` (and on
``ImportRow`` when a list carries it) with a migration — tests/registry/test_fields.py checks
that the two agree — and, when a list can carry it, the column aliases and the check that
reads it (:mod:`jaring.registry.imports.reading.mapping`, :mod:`jaring.registry.imports.checking.
steps`). No Django import here, so the import front-end can read it without a configured Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class PersonField:
    column: str
    dtype: pl.DataType
    #: The ``Person`` column it is stored in, when not ``column`` (a foreign key's ``…_id``).
    stored_as: str | None = None
    #: How it is read when it is not stored on the person (``region__name``).
    lookup: str | None = None
    #: Longest text the columns hold (``Person`` and ``ImportRow``); longer text is cut.
    max_length: int | None = None
    #: What a missing value is written as; ``None`` leaves it missing.
    fill: object = None
    #: Stored encrypted, with a keyed blind index (``<column>_cipher``, ``<column>_index``).
    secret: bool = False
    #: Given when people are created and carried by every checked row of a list.
    written: bool = True
    #: A frame of people may lack it (filled with nulls): a field most lists do not carry.
    optional: bool = False
    #: A list can change it on a person already registered (compared, then updated).
    compared: bool = True
    exported: bool = True
    in_api: bool = True

    @property
    def attname(self) -> str:
        """The ``Person`` column holding the value (the blind index, for a secret field)."""
        if self.secret:
            return f"{self.column}_index"
        return self.stored_as or self.column


PERSON_FIELDS: tuple[PersonField, ...] = (
    # The key: never compared, a list with another NIK is another person.
    PersonField("nik", pl.String(), secret=True, compared=False),
    PersonField("name", pl.String(), max_length=150),
    PersonField("birth_place", pl.String(), max_length=100, fill=""),
    PersonField("birth_date", pl.Date()),
    PersonField("sex", pl.String(), max_length=1),
    PersonField("village_code", pl.String(), stored_as="region_id"),
    PersonField("village_name", pl.String(), lookup="region__name", written=False, compared=False),
    PersonField("address", pl.String(), max_length=255, fill=""),
    PersonField("rt_rw", pl.String(), max_length=9, fill=""),
    PersonField("phone", pl.String(), secret=True, exported=False),
    PersonField("occupation_text", pl.String(), max_length=200, fill=""),
    PersonField("occupation_code", pl.String(), stored_as="occupation_id"),
    PersonField(
        "occupation_match",
        pl.String(),
        max_length=12,
        fill="unclassified",
        compared=False,
        exported=False,
    ),
    # The contribution basis: the programme's (Rp 1.000.000 unless it says otherwise), never a
    # list's. What a list declares as the person's income is kept beside it, as given.
    PersonField("income_basis", pl.Int64(), fill=1_000_000, exported=False, compared=False),
    PersonField("declared_income", pl.Int64(), optional=True, exported=False),
    PersonField("status", pl.String(), written=False, compared=False),
)

FIELDS_BY_COLUMN: dict[str, PersonField] = {f.column: f for f in PERSON_FIELDS}
#: Columns a caller supplies to create people, and every checked row of a list carries.
WRITTEN: tuple[str, ...] = tuple(f.column for f in PERSON_FIELDS if f.written)
#: Written columns a frame of people may lack (nulls then).
OPTIONAL: tuple[str, ...] = tuple(f.column for f in PERSON_FIELDS if f.written and f.optional)
#: Columns of a person an import row can change, by their ``Person`` column.
COMPARED: dict[str, str] = {
    f.attname: f"{f.column}_index" if f.secret else f.column for f in PERSON_FIELDS if f.compared
}
#: Columns of an export, in order.
EXPORTED: tuple[str, ...] = tuple(f.column for f in PERSON_FIELDS if f.exported)
#: Fields of a person in the API (besides ``id`` and the timestamps), in order.
IN_API: tuple[str, ...] = tuple(f.column for f in PERSON_FIELDS if f.in_api)


def column_schema(columns: tuple[str, ...]) -> dict[str, pl.DataType]:
    """The polars schema of ``columns`` (person columns)."""
    return {c: FIELDS_BY_COLUMN[c].dtype for c in columns}
