"""Signing a decree version: its lampiran frozen, its memberships started, earlier ones ended.

One transaction, column-wise throughout:

1. the beneficiaries' records as they are today (NIK cipher, name, birth date, address, desa,
   occupation) are copied into :class:`~jaring.programmes.models.DecreeMember` rows by COPY;
   the lampiran is rendered from these rows only, so a later registry edit cannot change it;
2. the memberships of the previous version that reach into this version's months are cut to
   the month before, each with why (``continued``, or the reason the person left);
3. a :class:`~jaring.programmes.models.Membership` row per beneficiary covers this version's
   months, carrying the start of the person's unbroken coverage (``since_month``);
4. a beneficiary covered by another programme in any of the same months is flagged on both
   memberships — never dropped;
5. the membership tally (how many are in a signed SK, per region and month) takes the change
   in the same transaction (:mod:`jaring.programmes.tallies`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import polars as pl
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import bulk, crypto
from jaring.core.scoping import region_in_scope
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.models import (
    MEMBER_NIK_SLOT,
    MEMBER_STATUSES,
    Decree,
    DecreeEntry,
    DecreeMember,
    DecreeStatus,
    EntryStatus,
    Membership,
    Programme,
    ReferenceList,
)
from jaring.programmes.services.drafting import _latest_signed, leave_reasons
from jaring.programmes.tallies import membership_tally_kept
from jaring.regions.models import Region, RegionKind, RegionLevel
from jaring.registry.models.people import NIK_SLOT
from jaring.rules.messages import Message
from jaring.rules.months import Month

if TYPE_CHECKING:
    from jaring.accounts.models import User

MEMBER_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "nik_cipher": pl.Binary(),
    "name": pl.String(),
    "birth_place": pl.String(),
    "birth_date": pl.Date(),
    "sex": pl.String(),
    "address": pl.String(),
    "rt_rw": pl.String(),
    "region_id": pl.String(),
    "village_name": pl.String(),
    "district_name": pl.String(),
    "occupation_id": pl.String(),
    "category_name": pl.String(),
    "occupation_text": pl.String(),
    "income_basis": pl.Int64(),
    "status": pl.String(),
}


def issuer_of(region: Region) -> str:
    """Who signs a decree of ``region``: 'Wali Kota Kediri', 'Bupati Mojokerto'…"""
    name = region.name
    if region.level == RegionLevel.PROVINCE:
        return f"Gubernur {name}"
    if region.kind == RegionKind.KOTA:
        return f"Wali Kota {name.removeprefix('Kota ').removeprefix('KOTA ')}"
    if region.kind == RegionKind.KABUPATEN:
        return f"Bupati {name.removeprefix('Kabupaten ').removeprefix('KABUPATEN ')}"
    return f"Kepala Desa {name}"


def document_title(programme: Programme) -> str:
    return (
        "Penetapan Penerima Bantuan Iuran Jaminan Sosial Ketenagakerjaan bagi Pekerja Rentan "
        f"— {programme.name}"
    )


def members_frame(decree: Decree) -> pl.DataFrame:
    """The beneficiaries with their records as of now, in lampiran order (desa, name)."""
    frame = bulk.read_frame(
        DecreeEntry.objects.order_by()
        .filter(decree=decree, status__in=MEMBER_STATUSES)
        .values_list(
            "person_id",
            "person__nik_cipher",
            "person__name",
            "person__birth_place",
            "person__birth_date",
            "person__sex",
            "person__address",
            "person__rt_rw",
            "person__region_id",
            "person__region__name",
            "person__region__parent__name",
            "person__occupation_id",
            "person__occupation__name",
            "person__occupation_text",
            "income_basis",
            "status",
        ),
        MEMBER_SCHEMA,
    )
    # A category's name is its English msgid; the decree is an Indonesian document whoever
    # signs it, so its lampiran carries (and freezes) the Indonesian name.
    indonesian = {
        name: Message(name).render("id")
        for name in frame["category_name"].drop_nulls().unique().to_list()
    }
    return frame.sort(["region_id", pl.col("name").str.to_uppercase(), "person_id"]).with_columns(
        pl.col("category_name").replace(indonesian),
        position=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
    )


def _member_niks(decree: Decree, members: pl.DataFrame) -> pl.Series:
    """The members' NIKs encrypted again for the decree's rows: a ciphertext is bound to its
    table and row (ADR 0016), so the person's own cannot be copied."""
    niks = crypto.decrypt_many(
        members["nik_cipher"].to_list(), slot=NIK_SLOT, rows=members["person_id"].to_list()
    )
    rows = [(decree.pk, position) for position in members["position"]]
    return pl.Series(
        "nik_cipher", crypto.encrypt_many(niks, slot=MEMBER_NIK_SLOT, rows=rows), pl.Binary
    )


def _freeze(decree: Decree, members: pl.DataFrame) -> None:
    bulk.copy_frame(
        DecreeMember,
        members.with_columns(_member_niks(decree, members)).select(
            pl.lit(decree.pk, pl.Int64).alias("decree_id"),
            "position",
            "person_id",
            "nik_cipher",
            pl.col("name"),
            pl.col("birth_place").fill_null(""),
            "birth_date",
            "sex",
            pl.col("address").fill_null(""),
            pl.col("rt_rw").fill_null(""),
            "region_id",
            pl.col("village_name").fill_null(""),
            pl.col("district_name").fill_null(""),
            "occupation_id",
            pl.coalesce("category_name", "occupation_text", pl.lit(""))
            .str.slice(0, 200)
            .alias("occupation_name"),
            "income_basis",
            (pl.col("status") == EntryStatus.ADDED).alias("added_by_hand"),
        ),
    )


def _end_previous(decree: Decree, programme: Programme) -> None:
    """Cut the programme's memberships that reach this version's first month, with why."""
    start = decree.first_month
    before = (Month.of(start) + -1).first_day
    reaching = Membership.objects.filter(programme=programme, last_month__gte=start)
    staying = DecreeEntry.objects.filter(decree=decree, status__in=MEMBER_STATUSES).values(
        "person_id"
    )
    reaching.filter(person_id__in=staying).update(
        last_month=before, ended_by=decree, end_reason="continued"
    )
    leaving = bulk.read_frame(
        DecreeEntry.objects.order_by()
        .filter(
            decree=decree,
            person_id__in=reaching.exclude(ended_by=decree).values("person_id"),
        )
        .values_list("person_id", "status", "reason", "change_reason", "exclusion_list_id"),
        {
            "person_id": pl.Int64(),
            "status": pl.String(),
            "reason": pl.Int64(),
            "change_reason": pl.String(),
            "exclusion_list_id": pl.Int64(),
        },
    )
    kinds = dict(ReferenceList.objects.values_list("pk", "kind"))
    leaving = leaving.with_columns(end_reason=leave_reasons(leaving, kinds))
    for (reason,), group in leaving.group_by(["end_reason"]):
        ids = group["person_id"].to_list()
        for first in range(0, len(ids), 10_000):
            reaching.filter(person_id__in=ids[first : first + 10_000]).update(
                last_month=before, ended_by=decree, end_reason=str(reason or "other")
            )
    # Anyone whose earlier membership still reaches (no entry at all: cannot happen, as every
    # member of the previous version is judged) ends for an unknown reason rather than overlap.
    reaching.exclude(ended_by=decree).update(last_month=before, ended_by=decree, end_reason="other")


def _start_memberships(decree: Decree, programme: Programme, members: pl.DataFrame) -> int:
    start = decree.first_month
    before = (Month.of(start) + -1).first_day
    carried = bulk.read_frame(
        Membership.objects.order_by()
        .filter(programme=programme, last_month=before)
        .values_list("person_id", "since_month"),
        {"person_id": pl.Int64(), "since_month": pl.Date()},
    ).unique("person_id")
    elsewhere = bulk.read_frame(
        Membership.objects.order_by()
        .overlapping(decree.first_month, decree.last_month)
        .exclude(programme=programme)
        .filter(
            person_id__in=DecreeEntry.objects.filter(
                decree=decree, status__in=MEMBER_STATUSES
            ).values("person_id")
        )
        .values_list("person_id"),
        {"person_id": pl.Int64()},
    ).unique()
    now = timezone.now()
    rows = (
        members.join(carried, on="person_id", how="left")
        .with_columns(double_funded=pl.col("person_id").is_in(elsewhere["person_id"].implode()))
        .select(
            "person_id",
            pl.lit(programme.pk, pl.Int64).alias("programme_id"),
            pl.lit(decree.pk, pl.Int64).alias("decree_id"),
            "region_id",
            "occupation_id",
            pl.lit(decree.funder).alias("funder"),
            "income_basis",
            pl.lit(decree.jht).alias("jht"),
            pl.lit(start).alias("first_month"),
            pl.lit(decree.last_month).alias("last_month"),
            pl.col("since_month").fill_null(start),
            pl.lit("").alias("end_reason"),
            "double_funded",
            pl.lit(now).dt.convert_time_zone("UTC").alias("created_at"),
        )
    )
    first_id = bulk.reserve_ids(Membership, rows.height)
    bulk.copy_frame(
        Membership,
        rows.with_columns(id=pl.int_range(first_id, first_id + rows.height, dtype=pl.Int64)),
    )
    if elsewhere.height:
        flagged = Membership.objects.filter(decree=decree, double_funded=True).values("person_id")
        Membership.objects.overlapping(decree.first_month, decree.last_month).exclude(
            programme=programme
        ).filter(person_id__in=flagged).update(double_funded=True)
    return rows.height


def decree_sign(
    *,
    user: User | None,
    decree: Decree,
    number: str,
    signed_on: date,
    signatory_name: str = "",
    signatory_title: str = "",
) -> Decree:
    """Sign a draft version: freeze its lampiran and start its memberships (see the module
    docstring). Refused, with nothing changed, for a version already signed, a draft made
    before another version was signed, an empty decree, or one over its budget."""
    if not number.strip():
        raise ProgrammeError("DECREE_NUMBER_REQUIRED")
    with transaction.atomic(), acting_as(user):
        locked = Decree.objects.select_for_update().get(pk=decree.pk)
        if locked.status != DecreeStatus.DRAFT:
            raise ProgrammeError(
                "DECREE_SIGNED",
                version=locked.version,
                date=locked.signed_on,
                number=locked.number,
            )
        programme = Programme.objects.select_related("region").get(pk=locked.programme_id)
        if user is not None and not region_in_scope(user, programme.region_id):
            raise ProgrammeError("REGION_OUT_OF_SCOPE", code=programme.region_id)
        latest = _latest_signed(programme)
        if (latest.pk if latest else None) != locked.previous_id:
            raise ProgrammeError(
                "DECREE_STALE", version=locked.version, signed=latest.version if latest else "-"
            )
        if locked.people == 0:
            raise ProgrammeError("DECREE_EMPTY")
        if locked.budget is not None and locked.total_iuran > locked.budget:
            raise ProgrammeError(
                "DECREE_OVER_BUDGET", total=locked.total_iuran, budget=locked.budget
            )
        members = members_frame(locked)
        _freeze(locked, members)
        # Every membership this signing cuts or starts reaches the month before its first.
        reaching = Membership.objects.filter(
            programme=programme, last_month__gte=(Month.of(locked.first_month) + -1).first_day
        )
        with membership_tally_kept(reaching):
            if locked.previous_id is not None:
                _end_previous(locked, programme)
            _start_memberships(locked, programme, members)
        issuer = issuer_of(programme.region)
        locked.status = DecreeStatus.SIGNED
        locked.number = number.strip()[:120]
        locked.signed_on = signed_on
        locked.signatory_name = signatory_name.strip()[:150]
        locked.signatory_title = (signatory_title.strip() or issuer)[:150]
        locked.issuer = issuer
        locked.document_title = document_title(programme)[:300]
        locked.legal_basis = programme.legal_basis
        locked.signed_at = timezone.now()
        locked.signed_by = user
        locked.save()
    return locked
