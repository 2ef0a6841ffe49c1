"""Rows held for a person's decision, decided one case at a time (issue 12 items 3–4, issue 13
item 4): the reads the page and the CLI show, and the writes that register or decline.

A saved import keeps aside the rows that only a person can settle (``state = action = held``;
docs/import-problems.md, "Held"). They come in three kinds of *case*:

* **village** — the desa/kelurahan is missing, unknown, ambiguous or outside the list's place:
  the person chooses among candidate villages (names with their kecamatan; the NIK's kecamatan
  digits, RULES.md §4, pre-select when they point at one);
* **conflict** — one NIK, several rows naming different people (§3: one NIK, one participant):
  the rows side by side, the person keeps one (the others stay beside that person as values for
  a later edit) or none;
* **check** — a birth date that cannot be right, columns shifted: registered as written (or
  with a corrected birth date), or not.

:func:`held_register` and :func:`held_decline` are the writes: one decision is one transaction,
compare-and-set on the rows still waiting, column-wise for many rows (a village chosen for
every row that wrote the same name), with one audit entry per person created and one on the
batch naming the rows decided. A registered row becomes a person exactly as a saved row does
(:func:`jaring.registry.services.person_rows`); a NIK registered meanwhile is linked, never
registered twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import polars as pl
from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When

from jaring.audit.services import RecordChange, acting_as, record_bulk_updates
from jaring.core import bulk, crypto
from jaring.core.scoping import region_in_scope
from jaring.regions.models import Region, RegionLevel
from jaring.regions.selectors import NamedRegion, NameIndex
from jaring.registry.imports.services import ImportRequestError
from jaring.registry.models import (
    ImportBatch,
    ImportProblem,
    ImportRow,
    ImportStatus,
    Person,
    RowAction,
    RowState,
)
from jaring.registry.services import person_rows, with_blind_indexes, with_ciphers
from jaring.registry.tallies import people_tally_created

if TYPE_CHECKING:
    from jaring.accounts.models import User

CONFLICT = "NIK_DUPLICATE_CONFLICT"
#: Codes that hold a row for its village.
VILLAGE_HOLDS: tuple[str, ...] = (
    "VILLAGE_AMBIGUOUS",
    "VILLAGE_UNKNOWN",
    "VILLAGE_OUTSIDE_IMPORT",
    "VILLAGE_MISSING",
)
#: Codes that hold a row for its birth date (a corrected one may be given).
BIRTH_DATE_HOLDS: tuple[str, ...] = ("BIRTH_DATE_FUTURE", "AGE_BELOW_MINIMUM")
_CANDIDATES_SHOWN = 8

Key = tuple[str, int]  # (sheet, row number): where the row was in the file
CaseKind = Literal["village", "conflict", "check"]


@dataclass(frozen=True)
class Candidate:
    """A village a held row may be in: shown by name and kecamatan (the code only as a hint)."""

    code: str
    name: str
    kecamatan: str
    in_nik_kecamatan: bool = False


@dataclass(frozen=True)
class HeldRow:
    sheet: str
    row: int
    nik: str  # as the list gave it (decrypted); pages mask it for roles that need no NIK
    name: str
    birth_place: str
    birth_date: date | None
    sex: str
    address: str
    rt_rw: str
    village: str  # the village's name, "" when the row has none
    kecamatan: str
    occupation: str
    problems: tuple[ImportProblem, ...]

    @property
    def key(self) -> str:
        return f"{self.sheet}:{self.row}"

    def value(self, name: str) -> Any:
        return getattr(self, name)


#: The values compared side by side in a conflict, in order (the page labels them).
COMPARED_VALUES: tuple[str, ...] = (
    "name",
    "birth_date",
    "sex",
    "birth_place",
    "address",
    "rt_rw",
    "village",
    "occupation",
)


@dataclass(frozen=True)
class HeldCase:
    """One decision to make: a row (or the rows of one NIK) and what there is to choose."""

    kind: CaseKind
    rows: tuple[HeldRow, ...]
    written: str = ""  # the village as the list wrote it
    hold_code: str = ""  # the village hold, when there is one
    candidates: tuple[Candidate, ...] = ()
    preselected: str = ""
    #: Every village of the list's place (or kab/kota), by kecamatan: the choice beyond the
    #: candidates.
    villages: tuple[tuple[str, tuple[Candidate, ...]], ...] = ()
    needs_village: bool = False
    needs_birth_date: bool = False
    #: Other waiting rows that wrote the same village with the same problem.
    same_written: tuple[Key, ...] = ()
    differs: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Decided:
    """What a decision did: rows registered as new people, linked to a person registered
    meanwhile, and not registered."""

    created: int = 0
    linked: int = 0
    declined: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.linked + self.declined


# --- reading ------------------------------------------------------------------------------------


def _waiting(batch: ImportBatch) -> Any:
    return ImportRow.objects.filter(
        batch=batch, state=RowState.HELD, action=RowAction.HELD, nik_cipher__isnull=False
    )


def held_cases(batch: ImportBatch) -> list[tuple[Key, ...]]:
    """The cases still waiting in ``batch``, in file order: each the keys of its rows (the rows
    of one NIK in conflict together, every other row alone). Two queries."""
    rows = list(_waiting(batch).order_by("sheet", "row_number").values_list(
        "sheet", "row_number", "nik_index"
    ))  # fmt: skip
    conflicting = set(
        ImportProblem.objects.filter(batch=batch, code=CONFLICT).values_list("sheet", "row_number")
    )
    by_nik: dict[str, list[Key]] = defaultdict(list)
    cases: list[tuple[Key, ...] | str] = []
    for sheet, row, nik_index in rows:
        if (sheet, row) in conflicting and nik_index:
            if nik_index not in by_nik:
                cases.append(nik_index)
            by_nik[nik_index].append((sheet, row))
        else:
            cases.append(((sheet, row),))
    return [tuple(by_nik[c]) if isinstance(c, str) else c for c in cases]


def _villages(regency: str, place: str | None) -> list[tuple[str, str, str, str, str]]:
    """(code, name, name_key, kind, kecamatan name) of every village of the kab/kota."""
    rows = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__startswith=f"{regency}."
    ).order_by("parent__name", "name")
    return list(rows.values_list("code", "name", "name_key", "kind", "parent__name"))


def _nik_kecamatan(nik: str) -> str:
    return f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}" if len(nik) >= 6 else ""


def _candidates(
    codes: Iterable[str], info: dict[str, tuple[str, str]], nik: str
) -> tuple[Candidate, ...]:
    kecamatan = _nik_kecamatan(nik)
    return tuple(
        Candidate(code, info[code][0], info[code][1], code.startswith(f"{kecamatan}."))
        for code in codes
        if code in info
    )


def _within(code: str, place: str | None) -> bool:
    return place is None or code == place or code.startswith(f"{place}.")


def _suggested(written: str, hold: str, index: NameIndex, place: str | None) -> list[str]:
    """Village codes a written name may mean: every village of that name, or the closest
    spellings; inside the list's place first."""
    if not written:
        return []
    match = index.resolve(written)
    codes = list(match.candidates) or ([match.code] if match.code else [])
    if not codes or hold == "VILLAGE_UNKNOWN":
        codes += index.closest(written, limit=_CANDIDATES_SHOWN)
    codes = list(dict.fromkeys(codes))
    return sorted(codes, key=lambda c: not _within(c, place))[:_CANDIDATES_SHOWN]


def held_case(batch: ImportBatch, keys: Sequence[Key], *, waiting: Sequence[Key] = ()) -> HeldCase:
    """The case of the rows ``keys`` of ``batch`` (one of :func:`held_cases`), with what there
    is to choose. ``waiting``: every key still waiting (to count the rows writing the same
    village). Four queries, five with a village to choose."""
    sheets = {s for s, _ in keys}
    numbers = [r for _, r in keys]
    stored = list(
        _waiting(batch)
        .filter(sheet__in=sheets, row_number__in=numbers)
        .select_related("region__parent", "occupation")
        .order_by("sheet", "row_number")
    )
    stored = [r for r in stored if (r.sheet, r.row_number) in set(keys)]
    problems: dict[Key, list[ImportProblem]] = defaultdict(list)
    for p in ImportProblem.objects.filter(
        batch=batch, sheet__in=sheets, row_number__in=numbers
    ).order_by("id"):
        problems[(p.sheet, p.row_number)].append(p)
    rows = tuple(
        HeldRow(
            sheet=r.sheet,
            row=r.row_number,
            nik=crypto.field_decrypt(r, "nik_cipher") or "",
            name=r.name,
            birth_place=r.birth_place,
            birth_date=r.birth_date,
            sex=r.sex,
            address=r.address,
            rt_rw=r.rt_rw,
            village=r.region.name if r.region else "",
            kecamatan=r.region.parent.name if r.region and r.region.parent else "",
            occupation=r.occupation.label if r.occupation else r.occupation_text,
            problems=tuple(problems[(r.sheet, r.row_number)]),
        )
        for r in stored
    )
    codes = {p.code for row in rows for p in row.problems if p.severity == "hold"}
    kind: CaseKind = (
        "conflict" if CONFLICT in codes else "village" if codes & set(VILLAGE_HOLDS) else "check"
    )
    needs_birth_date = len(rows) == 1 and bool(codes & set(BIRTH_DATE_HOLDS))
    differs = frozenset(
        name
        for name in COMPARED_VALUES
        if len({str(row.value(name)).strip().casefold() for row in rows}) > 1
    )
    if not any(not r.region_id for r in stored):
        return HeldCase(kind, rows, needs_birth_date=needs_birth_date, differs=differs)
    # A village to choose (a conflict's rows may lack one too).
    place = batch.region.code if batch.region.level != RegionLevel.REGENCY else None
    regency = batch.region.code[:5]
    everything = _villages(regency, place)
    info = {code: (name, kecamatan) for code, name, _k, _kind, kecamatan in everything}
    index = NameIndex(
        (NamedRegion(code, name, key, kind) for code, name, key, kind, _kec in everything),
        level=RegionLevel.VILLAGE,
    )
    first = rows[0] if rows else None
    hold = next((c for c in VILLAGE_HOLDS if c in codes), "")
    written = ""
    if first is not None:
        for p in first.problems:
            if p.code == hold:
                written = str(p.params.get("value") or "")
    nik = first.nik if first else ""
    candidates = _candidates(_suggested(written, hold, index, place), info, nik)
    if not candidates and place is not None and place.count(".") == 3:
        candidates = _candidates([place], info, nik)
    in_kecamatan = [c for c in candidates if c.in_nik_kecamatan]
    preselected = (
        in_kecamatan[0].code
        if len(in_kecamatan) == 1
        else candidates[0].code
        if len(candidates) == 1
        else ""
    )
    by_kecamatan: dict[str, list[Candidate]] = defaultdict(list)
    for code, name, _key, _kind, kecamatan in everything:
        if _within(code, place):
            by_kecamatan[kecamatan].append(Candidate(code, name, kecamatan))
    same: tuple[Key, ...] = ()
    if kind == "village" and written and waiting:
        writing = set(
            ImportProblem.objects.filter(batch=batch, code=hold, params__value=written).values_list(
                "sheet", "row_number"
            )
        )
        same = tuple(k for k in waiting if k in writing and k not in set(keys))
    return HeldCase(
        kind,
        rows,
        written=written,
        hold_code=hold,
        candidates=candidates,
        preselected=preselected,
        villages=tuple((k, tuple(v)) for k, v in by_kecamatan.items()),
        needs_village=True,
        needs_birth_date=needs_birth_date,
        same_written=same,
        differs=differs,
    )


# --- deciding -----------------------------------------------------------------------------------


def _decidable(batch: ImportBatch) -> None:
    if batch.status != ImportStatus.COMMITTED:
        raise ImportRequestError("IMPORT_NOT_SAVED")


def _village(batch: ImportBatch, code: str, user: User | None) -> Region:
    village = Region.objects.filter(code=code, level=RegionLevel.VILLAGE).first()
    regency = batch.region.code[:5]
    if village is None or not village.code.startswith(f"{regency}."):
        raise ImportRequestError("IMPORT_HELD_VILLAGE_OUTSIDE", code=code, region=regency)
    if user is not None and not region_in_scope(user, village.code):
        raise ImportRequestError("REGION_OUT_OF_SCOPE", code=village.code)
    return village


_STAGED = {
    "_sheet": pl.String,
    "_row": pl.Int64,
    "nik_cipher": pl.Binary,
    "nik_index": pl.String,
    "name": pl.String,
    "birth_place": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "address": pl.String,
    "rt_rw": pl.String,
    "village_code": pl.String,
    "phone_cipher": pl.Binary,
    "occupation_text": pl.String,
    "occupation_code": pl.String,
    "occupation_match": pl.String,
    "income_basis": pl.Int64,
    "declared_income": pl.Int64,
}


def _locked_rows(batch: ImportBatch, keys: Collection[Key]) -> pl.DataFrame:
    """The staging rows of ``keys`` still waiting (read inside the decision's transaction):
    every key must be, else someone decided meanwhile and nothing is written."""
    numbers = sorted({r for _, r in keys})
    found: list[tuple[Any, ...]] = []
    for start in range(0, len(numbers), 500):
        found += list(
            _waiting(batch)
            .filter(row_number__in=numbers[start : start + 500])
            .values_list(
                "sheet",
                "row_number",
                "nik_cipher",
                "nik_index",
                "name",
                "birth_place",
                "birth_date",
                "sex",
                "address",
                "rt_rw",
                "region_id",
                "phone_cipher",
                "occupation_text",
                "occupation_id",
                "occupation_match",
                "income_basis",
                "declared_income",
            )
        )
    frame = pl.DataFrame(
        [(*r[:2], bytes(r[2]), *r[3:11], bytes(r[11]) if r[11] else None, *r[12:]) for r in found],
        schema=_STAGED,
        orient="row",
    )
    wanted = pl.DataFrame(list(keys), schema={"_sheet": pl.String, "_row": pl.Int64}, orient="row")
    frame = frame.join(wanted, on=["_sheet", "_row"], how="semi")
    if frame.height != wanted.unique().height:
        missing = wanted.join(frame, on=["_sheet", "_row"], how="anti").row(0)
        raise ImportRequestError("IMPORT_HELD_DECIDED", row=f"{missing[0]} {missing[1]}".strip())
    return frame


_STAGED_NIK = crypto.slot(ImportRow, "nik_cipher")
_STAGED_PHONE = crypto.slot(ImportRow, "phone_cipher")


def _listed_values(batch: ImportBatch, rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (staging rows of ``batch``) with their NIK and phone as the list gave them
    (``nik``, ``phone``), each opened with its staging row's binding (batch, sheet, row)."""
    keys = [(batch.pk, sheet, row) for sheet, row in rows.select("_sheet", "_row").rows()]
    return rows.with_columns(
        nik=pl.Series(
            crypto.decrypt_many(rows["nik_cipher"].to_list(), slot=_STAGED_NIK, rows=keys),
            dtype=pl.String,
        ),
        phone=pl.Series(
            crypto.decrypt_many(rows["phone_cipher"].to_list(), slot=_STAGED_PHONE, rows=keys),
            dtype=pl.String,
        ),
    ).drop("nik_cipher", "phone_cipher")


def _same_nik_waiting(batch: ImportBatch, nik_indexes: list[str]) -> pl.DataFrame:
    rows = list(
        _waiting(batch)
        .filter(nik_index__in=nik_indexes)
        .values_list("sheet", "row_number", "nik_index")
    )
    return pl.DataFrame(
        rows, schema={"_sheet": pl.String, "_row": pl.Int64, "nik_index": pl.String}, orient="row"
    )


def _set_rows(
    batch: ImportBatch,
    keys: pl.DataFrame,
    *,
    action: RowAction,
    village: str | None = None,
    person: str | None = None,
    birth_date: date | None = None,
) -> None:
    """Mark staging rows decided, chunk by chunk: their action, their village when one was
    chosen, their person (``person`` names a column of ``keys``), and their NIK cipher gone."""
    for (sheet,), part in keys.group_by("_sheet"):
        for chunk in part.iter_slices(500):
            values: dict[str, Any] = {"action": action, "nik_cipher": None}
            if village is not None:
                values["region_id"] = village
            if birth_date is not None:
                values["birth_date"] = birth_date
            if person is not None:
                values["person_id"] = Case(
                    *[
                        When(row_number=row, then=Value(pid))
                        for row, pid in chunk.select("_row", person).iter_rows()
                    ],
                    output_field=IntegerField(),
                )
            ImportRow.objects.filter(
                batch=batch, sheet=sheet, row_number__in=chunk["_row"].to_list()
            ).update(**values)


def _existing_people(nik_indexes: list[str]) -> pl.DataFrame:
    found = list(
        Person.objects.filter(nik_index__in=nik_indexes).values_list(
            "nik_index", "id", "merged_into_id"
        )
    )
    return pl.DataFrame(
        [(i, merged or pk) for i, pk, merged in found],
        schema={"nik_index": pl.String, "existing_id": pl.Int64},
        orient="row",
    )


def _batch_audit(
    batch: ImportBatch, user: User | None, decided: Decided, context: dict[str, Any]
) -> None:
    """Move the batch's counters and write the one audit entry of the decision on it."""
    held, done, created = (
        ImportBatch.objects.filter(pk=batch.pk).values_list("held", "decided", "created").get()
    )
    before = {"held": held, "decided": done, "created": created}
    ImportBatch.objects.filter(pk=batch.pk).update(
        held=F("held") - decided.rows,
        decided=F("decided") + decided.rows,
        created=F("created") + decided.created,
        existing=F("existing") + decided.linked,
        skipped=F("skipped") + decided.linked,
    )
    after = {
        "held": before["held"] - decided.rows,
        "decided": before["decided"] + decided.rows,
        "created": before["created"] + decided.created,
    }
    changes = {k: [str(before[k]), str(after[k])] for k in after if before[k] != after[k]}
    record_bulk_updates(
        ImportBatch,
        [RecordChange(batch.pk, str(batch), changes, {**context, "region": batch.region_id})],
        actor=user,
    )
    batch.refresh_from_db()


def held_register(
    *,
    batch: ImportBatch,
    user: User | None,
    rows: Collection[Key],
    village_code: str = "",
    birth_date: date | None = None,
) -> Decided:
    """Register the held rows ``rows`` of a saved batch, as they were listed, with the village
    ``village_code`` when one is chosen (needed by a row without one) and, for one row, a
    corrected ``birth_date``. A row of a NIK in conflict is the one kept: the other rows of its
    NIK are not registered and stay beside the person (their values for a later edit). A NIK
    registered meanwhile is linked to that person, not registered twice. One transaction;
    column-wise for many rows; audited (a creation entry per person, one entry on the batch)."""
    _decidable(batch)
    village = _village(batch, village_code, user) if village_code else None
    with transaction.atomic(), acting_as(user):
        bulk.lock_table(Person)
        chosen = _locked_rows(batch, rows)
        if chosen["nik_index"].is_duplicated().any():
            raise ImportRequestError("IMPORT_HELD_TWO_OF_ONE_NIK")
        if village is None and chosen["village_code"].null_count():
            missing = chosen.filter(pl.col("village_code").is_null()).row(0)
            raise ImportRequestError("IMPORT_HELD_VILLAGE_NEEDED", row=f"{missing[0]} {missing[1]}")
        if village is not None:
            chosen = chosen.with_columns(village_code=pl.lit(village.code))
        if birth_date is not None and chosen.height == 1:
            chosen = chosen.with_columns(birth_date=pl.lit(birth_date))
        nik_indexes = chosen["nik_index"].to_list()
        existing = _existing_people(nik_indexes)
        chosen = chosen.join(existing, on="nik_index", how="left", maintain_order="left")
        new = chosen.filter(pl.col("existing_id").is_null())
        first = bulk.reserve_ids(Person, new.height) if new.height else 0
        new = _listed_values(batch, new).with_columns(
            person_id=pl.int_range(first, first + new.height, dtype=pl.Int64)
        )
        if new.height:
            # Encrypted again for each new person's row: a staging row's ciphertext is bound
            # to that row and does not open in another (ADR 0016).
            bulk.copy_frame(
                Person,
                with_blind_indexes(new),
                prepare=lambda chunk: person_rows(with_ciphers(chunk), batch_id=batch.pk),
            )
            people_tally_created(first, new.height)
        linked = chosen.filter(pl.col("existing_id").is_not_null())
        # The other rows of each kept NIK: not registered, kept beside the person.
        persons = pl.concat(
            [
                new.select("nik_index", "person_id"),
                linked.select("nik_index", pl.col("existing_id").alias("person_id")),
            ]
        )
        others = (
            _same_nik_waiting(batch, nik_indexes)
            .join(chosen.select("_sheet", "_row"), on=["_sheet", "_row"], how="anti")
            .join(persons, on="nik_index")
        )
        override = birth_date if chosen.height == 1 else None
        _set_rows(
            batch,
            new,
            action=RowAction.CREATED,
            village=village.code if village else None,
            person="person_id",
            birth_date=override,
        )
        _set_rows(
            batch,
            linked,
            action=RowAction.SKIPPED,
            village=village.code if village else None,
            person="existing_id",
            birth_date=override,
        )
        _set_rows(batch, others, action=RowAction.DECLINED, person="person_id")
        _audit_created(batch, new, user)
        decided = Decided(created=new.height, linked=linked.height, declined=others.height)
        _batch_audit(
            batch,
            user,
            decided,
            {
                "decision": "register",
                "rows": _row_labels(chosen),
                "declined": _row_labels(others),
                "village": village.code if village else None,
            },
        )
    return decided


def held_decline(*, batch: ImportBatch, user: User | None, rows: Collection[Key]) -> Decided:
    """Register none of the held rows ``rows`` of a saved batch (e.g. neither row of a NIK in
    conflict): they stay in the import as listed, not registered. Audited on the batch."""
    _decidable(batch)
    with transaction.atomic(), acting_as(user):
        bulk.lock_table(Person)
        declined = _locked_rows(batch, rows)
        _set_rows(batch, declined, action=RowAction.DECLINED)
        decided = Decided(declined=declined.height)
        _batch_audit(batch, user, decided, {"decision": "decline", "rows": _row_labels(declined)})
    return decided


def _row_labels(frame: pl.DataFrame) -> list[str]:
    return [f"{s}:{r}" if s else str(r) for s, r in frame.select("_sheet", "_row").iter_rows()]


def _audit_created(batch: ImportBatch, new: pl.DataFrame, user: User | None) -> None:
    """One creation entry per registered person, as a page's creation writes it, with the file,
    sheet and row it came from and that a person decided it."""
    entries = (
        RecordChange(
            pk,
            name or "",
            {
                "name": ["None", name or ""],
                "birth_date": ["None", str(born) if born else "None"],
                "region": ["None", village],
            },
            {
                "import_batch": batch.pk,
                "file": batch.file_name,
                "sheet": sheet,
                "row": row,
                "region": village,
                "decided": True,
            },
        )
        for pk, name, born, village, sheet, row in new.select(
            "person_id", "name", "birth_date", "village_code", "_sheet", "_row"
        ).iter_rows()
    )
    record_bulk_updates(Person, entries, actor=user, action=LogEntry.Action.CREATE)
