"""What leaves a region: ``jaring national export --output DIR``.

An export is a folder of Parquet parts and a ``manifest.json``:

- ``people.parquet`` — one row per registered person (not merged, inactive or deceased, as
  Monev counts them): a local ``person_id`` (meaningful only to the region that made it, so
  its flags can come back), national blind indexes of the NIK, of the NIK's parts (for
  blocking and comparing across regions) and of the phone, the normalised name, birth date,
  sex, desa code, the month first registered and the funder of the list that brought the
  person in;
- ``memberships.parquet`` — every membership (programmes): person, desa, funder, first and
  last month;
- ``paid.parquet`` — one row per enrolment (finance) and month paid for, from ``paid_mask``.

Months are ``YYYYMM`` integers with a ``*_index`` beside them (``year × 12 + month − 1``), so
the national SQL compares months with integer arithmetic only, the same on every engine.

A plain NIK or phone never leaves: each is decrypted in memory, hashed with keyed BLAKE2b
under the *national* key (``JARING_NATIONAL_KEY``, :func:`jaring.core.crypto.national_index_many`)
and dropped. The manifest names the region, the key's fingerprint (never the key), the parts'
row counts and SHA-256, and the schema version. The rows are read column-wise
(:func:`jaring.core.bulk.read_frame`); the export is audited as a personal-data export
(:func:`jaring.audit.door.take_out`), and written to a scratch folder renamed into place at the
end, so a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from jaring.audit.door import take_out
from jaring.audit.models import Channel
from jaring.core import bulk, crypto
from jaring.core.bulk import now_utc
from jaring.core.scoping import within_q
from jaring.core.scratch import written_into_place
from jaring.finance.models import Enrolment
from jaring.finance.months import months_of
from jaring.national.errors import NationalError
from jaring.programmes.models import Membership
from jaring.registry.models import Person, PersonStatus
from jaring.registry.models.people import NIK_SLOT, PHONE_SLOT

#: Bumped when a part's columns change; readers refuse another version. 2: the NIK with one
#: kecamatan digit left out (``nik_drop*_index``).
SCHEMA_VERSION = 2
MANIFEST = "manifest.json"
#: A national key shorter than this is refused (the regional keys' production minimum).
NATIONAL_KEY_MIN_LENGTH = 50

#: The parts of an export and their columns, in order.
PARTS: dict[str, dict[str, pl.DataType]] = {
    "people": {
        "person_id": pl.Int64(),
        "nik_index": pl.String(),
        "nik_head_index": pl.String(),
        "nik_tail_index": pl.String(),
        "nik_rest_index": pl.String(),
        "nik_region_index": pl.String(),
        "nik_date_index": pl.String(),
        "nik_serial_index": pl.String(),
        **{f"nik_drop{i}_index": pl.Int64() for i in range(6)},
        "phone_index": pl.String(),
        "name_norm": pl.String(),
        "birth_date": pl.Date(),
        "sex": pl.String(),
        "region": pl.String(),
        "registered_month": pl.Int32(),
        "registered_index": pl.Int32(),
        "funder": pl.String(),
    },
    "memberships": {
        "person_id": pl.Int64(),
        "region": pl.String(),
        "funder": pl.String(),
        "first_month": pl.Int32(),
        "first_index": pl.Int32(),
        "last_month": pl.Int32(),
        "last_index": pl.Int32(),
    },
    "paid": {
        "person_id": pl.Int64(),
        "region": pl.String(),
        "month": pl.Int32(),
        "month_index": pl.Int32(),
    },
}

#: The parts of a NIK (16 digits: kecamatan 6, date 6, serial 4) that get a national index of
#: their own, as the matching engine blocks and compares on them (registry.matching.prepare).
NIK_PARTS: dict[str, tuple[int, int] | tuple[tuple[int, int], tuple[int, int]]] = {
    "nik_head": (0, 12),
    "nik_tail": (6, 16),
    "nik_rest": ((0, 6), (12, 16)),
    "nik_region": (0, 6),
    "nik_date": (6, 12),
    "nik_serial": (12, 16),
}


#: The NIK's first six digits (the kecamatan that issued it): an export also carries, for each
#: of them, the keyed hash of the NIK with that digit left out (15 digits). Two NIKs one
#: kecamatan digit apart share the hash of the digit left out; two neighbouring kecamatan
#: digits swapped share it too, crosswise (digit i left out of one, i + 1 of the other). So
#: "one kecamatan digit wrong or two swapped" can be told on hashes from "another kecamatan".
NIK_DROPPED = range(6)


def nik_index_columns(niks: list[str | None], key: str) -> dict[str, list[Any]]:
    """Every national index of the NIKs ``niks`` (plain, in memory only) under ``key``: the
    NIK's, its parts' (:data:`NIK_PARTS`) and the NIK's with one kecamatan digit left out
    (:data:`NIK_DROPPED`), by column name. Keyed hashes only: without the national key they
    show which records agree on what, nothing of the digits."""
    columns: dict[str, list[Any]] = {
        "nik_index": crypto.national_index_many(niks, purpose="nik", secret=key)
    }
    for part, span in NIK_PARTS.items():
        columns[f"{part}_index"] = crypto.national_index_many(
            [nik_part(n, span) for n in niks], purpose=part, secret=key
        )
    for i in NIK_DROPPED:
        columns[f"nik_drop{i}_index"] = crypto.national_index_ints(
            [None if n is None else n[:i] + n[i + 1 :] for n in niks],
            purpose="nik_drop",
            secret=key,
        )
    return columns


def national_key() -> str:
    """The national index key from the environment, or a clear refusal."""
    key: str = getattr(settings, "JARING_NATIONAL_KEY", "") or ""
    if not key:
        raise NationalError(
            "JARING_NATIONAL_KEY belum diisi. Kunci indeks nasional diberikan oleh operator "
            "nasional dan sama untuk semua wilayah (docs/scale.md); ekspor tidak dibuat."
        )
    if len(key) < NATIONAL_KEY_MIN_LENGTH or len(set(key)) < 16:
        raise NationalError(
            f"JARING_NATIONAL_KEY terlalu pendek atau terlalu seragam (perlu ≥ "
            f"{NATIONAL_KEY_MIN_LENGTH} karakter acak); ekspor tidak dibuat."
        )
    return key


def _in_region(code: str) -> Q:
    return Q() if not code else within_q("region", [code])


def month_key(column: str) -> pl.Expr:
    return (pl.col(column).dt.year() * 100 + pl.col(column).dt.month()).cast(pl.Int32)


def month_index(column: str) -> pl.Expr:
    return (pl.col(column).dt.year() * 12 + pl.col(column).dt.month() - 1).cast(pl.Int32)


def nik_part(nik: str | None, span: Any) -> str | None:
    if nik is None:
        return None
    if isinstance(span[0], tuple):
        return "".join(nik[a:b] for a, b in span)
    return str(nik[span[0] : span[1]])


def _indexed(people: pl.DataFrame, key: str) -> pl.DataFrame:
    """Replace the cipher columns by national indexes; the plain values live only here."""
    ids = people["person_id"].to_list()
    niks = crypto.decrypt_many(people["nik_cipher"].to_list(), slot=NIK_SLOT, rows=ids)
    phones = crypto.decrypt_many(people["phone_cipher"].to_list(), slot=PHONE_SLOT, rows=ids)
    columns = nik_index_columns(niks, key)
    columns["phone_index"] = crypto.national_index_many(
        [p or None for p in phones], purpose="phone", secret=key
    )
    del niks, phones
    return people.drop("nik_cipher", "phone_cipher").with_columns(
        pl.Series(name, values, PARTS["people"][name]) for name, values in columns.items()
    )


def people_frame(people: QuerySet[Person], key: str) -> pl.DataFrame:
    frame = bulk.read_frame(
        people.filter(status=PersonStatus.REGISTERED)
        .order_by("id")
        .values_list(
            "id",
            "nik_cipher",
            "phone_cipher",
            "name_normalized",
            "birth_date",
            "sex",
            "region_id",
            ExtractYear("created_at"),
            ExtractMonth("created_at"),
            "source_batch__funder",
        ),
        {
            "person_id": pl.Int64(),
            "nik_cipher": pl.Binary(),
            "phone_cipher": pl.Binary(),
            "name_norm": pl.String(),
            "birth_date": pl.Date(),
            "sex": pl.String(),
            "region": pl.String(),
            "year": pl.Int32(),
            "month": pl.Int32(),
            "funder": pl.String(),
        },
    )
    frame = _indexed(frame, key).with_columns(
        registered_month=(pl.col("year") * 100 + pl.col("month")).cast(pl.Int32),
        registered_index=(pl.col("year") * 12 + pl.col("month") - 1).cast(pl.Int32),
        funder=pl.col("funder").fill_null(""),
    )
    return frame.select(PARTS["people"].keys()).cast(PARTS["people"])  # type: ignore[arg-type]


def memberships_frame(memberships: QuerySet[Membership]) -> pl.DataFrame:
    frame = bulk.read_frame(
        memberships.order_by("id").values_list(
            "person_id", "region_id", "funder", "first_month", "last_month"
        ),
        {
            "person_id": pl.Int64(),
            "region": pl.String(),
            "funder": pl.String(),
            "first": pl.Date(),
            "last": pl.Date(),
        },
    )
    return frame.select(
        "person_id",
        "region",
        "funder",
        month_key("first").alias("first_month"),
        month_index("first").alias("first_index"),
        month_key("last").alias("last_month"),
        month_index("last").alias("last_index"),
    )


def paid_frame(enrolments: QuerySet[Enrolment]) -> pl.DataFrame:
    """One row per enrolment and month paid. A programme's members are paid for together, so
    the distinct (first month, mask) pairs are few: each is expanded once, then joined."""
    frame = bulk.read_frame(
        enrolments.filter(paid_mask__gt=0)
        .order_by("id")
        .values_list("person_id", "region_id", "base_month", "paid_mask"),
        {
            "person_id": pl.Int64(),
            "region": pl.String(),
            "base_month": pl.Date(),
            "paid_mask": pl.Int64(),
        },
    )
    masks = frame.select("base_month", "paid_mask").unique()
    expanded: list[tuple[date, int, int, int]] = []
    for base, mask in masks.iter_rows():
        for month in months_of(int(mask), base):
            expanded.append(
                (base, mask, month.year * 100 + month.month, month.year * 12 + month.month - 1)
            )
    months = pl.DataFrame(
        expanded,
        schema={
            "base_month": pl.Date(),
            "paid_mask": pl.Int64(),
            "month": pl.Int32(),
            "month_index": pl.Int32(),
        },
        orient="row",
    )
    return frame.join(months, on=["base_month", "paid_mask"]).select(PARTS["paid"].keys())


@dataclass(frozen=True)
class ExportSummary:
    output: Path
    region: str
    regencies: list[str]
    rows: dict[str, int]
    key_fingerprint: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "region": self.region,
            "regencies": self.regencies,
            "rows": self.rows,
            "key_fingerprint": self.key_fingerprint,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _common_region(regencies: list[str]) -> str:
    if len(regencies) == 1:
        return regencies[0]
    provinces = {code[:2] for code in regencies}
    return provinces.pop() if len(provinces) == 1 else ""


def check_output(output: Path) -> None:
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise NationalError(
            f"{output} sudah ada dan tidak kosong; pilih folder baru untuk hasilnya."
        )


def write_parts(
    output: Path,
    frames: Mapping[str, pl.DataFrame],
    manifest: dict[str, Any],
    *,
    csv: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Write the parts (and a CSV copy of those named in ``csv``) and the manifest into a
    scratch folder beside ``output``, then rename it into place: a reader never sees half an
    export."""
    check_output(output)
    # Written in the scratch area, then renamed into place (core.scratch): a reader never sees
    # half an export, and a killed export leaves nothing beside the destination.
    with written_into_place(output) as scratch:
        scratch.mkdir()
        parts = {}
        for name, frame in frames.items():
            path = scratch / f"{name}.parquet"
            frame.write_parquet(path, compression="zstd", statistics=True)
            parts[name] = {
                "file": path.name,
                "rows": frame.height,
                "sha256": file_sha256(path),
                "columns": list(frame.columns),
            }
            if name in csv:
                frame.write_csv(scratch / f"{name}.csv")
        manifest = {**manifest, "parts": parts}
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def national_export(*, output: Path, region_code: str = "", actor: Any = None) -> ExportSummary:
    """Export the registry (or the region ``region_code``) for national matching and coverage.

    Refuses (:class:`NationalError`, nothing written) without a national key or when
    ``output`` holds something already."""
    key = national_key()
    check_output(output)
    where = _in_region(region_code)
    with transaction.atomic():
        frames = {
            "people": people_frame(Person.objects.filter(where), key),
            "memberships": memberships_frame(Membership.objects.filter(where)),
            "paid": paid_frame(Enrolment.objects.filter(where)),
        }
        regencies = sorted(
            set().union(*(set(f["region"].str.slice(0, 5).unique()) for f in frames.values()))
        )
        region = region_code or _common_region(regencies)
        fingerprint = crypto.key_fingerprint(key)
        take_out(
            actor=actor,
            channel=Channel.CLI,
            kind="national_export",
            description=f"Ekspor nasional (indeks buta, tanpa NIK/telepon) {region or 'semua'}",
            region_code=region,
            row_count=frames["people"].height,
            file_format="parquet",
        )
        write_parts(
            output,
            frames,
            {
                "schema_version": SCHEMA_VERSION,
                "kind": "jaring-national-export",
                "region": region,
                "regencies": regencies,
                "key_fingerprint": fingerprint,
                "created_at": now_utc().isoformat(timespec="seconds"),
            },
        )
    return ExportSummary(
        output=output,
        region=region,
        regencies=regencies,
        rows={name: frame.height for name, frame in frames.items()},
        key_fingerprint=fingerprint,
    )
