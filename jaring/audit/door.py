"""The one door through which personal data leaves Jaring in bulk (issue 14, item 1).

Every export, every downloaded workbook (an import's result workbook, an SK lampiran, a BPJS
registration file, the people export) and every API list read beyond its first page passes
here: :func:`take_out` checks that the actor may take personal data away (the
``export_personal_data`` capability), and writes one :class:`~jaring.audit.models.DataExport`
record; :func:`masked` applies the actor's masking to the frame that leaves. A producer of a
file calls both in the transaction that reads the rows, so a file without its record, or a
record of a refused file, cannot happen.

Two exceptions, both narrower than the rule:

* the command line (no user account) is trusted like the operating-system account running it
  (its record names that account);
* the person who uploaded a list may take back the problem rows of *that* file (what they
  brought in, with Jaring's remarks), so a desa operator can fix a list without the export
  right. The record is written all the same.

A *raw* release — the rows of an uploaded file as they came, whose columns Jaring cannot
mask one by one — is given only to a role that would see every field unmasked.

Pages that show one page of rows are not exports; the web list of people and the API's first
page (:class:`PersonalPagination`) stay open to every role within its regions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.pagination import PageNumberPagination

from jaring.accounts.roles import mask_nik, mask_phone
from jaring.audit.models import Channel, DataExport
from jaring.audit.services import export_record

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from jaring.accounts.models import User


class DoorClosed(PermissionDenied):
    """The actor may not take this data away (a page answers 403)."""


@dataclass(frozen=True)
class Masking:
    """What an actor sees of a person's identifying fields."""

    full_nik: bool
    phone: bool
    birth_date: bool  # the full date; otherwise the birth year only

    @property
    def nothing(self) -> bool:
        return self.full_nik and self.phone and self.birth_date


def masking_for(actor: User | None) -> Masking:
    """The command line sees everything; a user what the role allows."""
    if actor is None:
        return Masking(full_nik=True, phone=True, birth_date=True)
    caps = actor.capabilities
    return Masking(full_nik=caps.see_full_nik, phone=caps.see_phone, birth_date=caps.see_full_nik)


def may_take(actor: User | None, *, raw: bool = False) -> bool:
    """Whether ``actor`` may take personal data away in bulk (``raw``: unmaskable rows)."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.capabilities.export_personal_data):
        return False
    return not raw or masking_for(actor).nothing


def door_check(actor: User | None, *, raw: bool = False, own_upload: bool = False) -> None:
    """Raise :class:`DoorClosed` unless ``actor`` may take the data (before building a file
    that is costly to make; :func:`take_out` checks again and records)."""
    allowed = may_take(actor, raw=raw) or (
        own_upload and actor is not None and (not raw or masking_for(actor).nothing)
    )
    if not allowed:
        raise DoorClosed(_("Your role may not take personal data out of Jaring."))


def take_out(
    *,
    actor: User | None,
    channel: Channel,
    kind: str,
    description: str,
    region_code: str,
    row_count: int,
    file_format: str,
    remote_addr: str | None = None,
    raw: bool = False,
    own_upload: bool = False,
) -> DataExport:
    """Let personal data out, or raise :class:`DoorClosed`: the check and the one record.

    ``own_upload``: the rows are the actor's own uploaded file coming back (see the module's
    docstring); ``raw``: the rows cannot be masked field by field.
    """
    door_check(actor, raw=raw, own_upload=own_upload)
    return export_record(
        actor=actor,
        channel=channel,
        kind=kind,
        description=description,
        region_code=region_code[:13],
        row_count=row_count,
        file_format=file_format,
        remote_addr=remote_addr,
    )


def masked(
    frame: pl.DataFrame,
    actor: User | None,
    *,
    nik: Iterable[str] = (),
    phone: Iterable[str] = (),
    birth_date: Iterable[str] = (),
) -> pl.DataFrame:
    """``frame`` as ``actor`` may see it: the named NIK, phone and birth-date columns masked
    column-wise when the role does not see them whole (a birth date becomes its year)."""
    masking = masking_for(actor)
    changes: list[pl.Expr] = []
    if not masking.full_nik:
        changes += [
            pl.col(c).map_elements(mask_nik, return_dtype=pl.String)
            for c in nik
            if c in frame.columns
        ]
    if not masking.phone:
        changes += [
            pl.col(c).map_elements(mask_phone, return_dtype=pl.String)
            for c in phone
            if c in frame.columns
        ]
    if not masking.birth_date:
        changes += [_year(frame, c) for c in birth_date if c in frame.columns]
    return frame.with_columns(changes) if changes else frame


def _year(frame: pl.DataFrame, column: str) -> pl.Expr:
    if frame.schema[column] in (pl.Date, pl.Datetime):
        return pl.col(column).dt.year().cast(pl.String).alias(column)
    # A date written out ("17 Agustus 1980", "1980-08-17"): its four-digit year.
    return pl.col(column).cast(pl.String).str.extract(r"(\d{4})").alias(column)


# --- the API: a list read beyond its first page is an export -----------------------------


class PersonalPagination(PageNumberPagination):
    """The pagination of API lists of people or their records.

    The first page at the default size is a page like any other. A later page, or a larger
    one, is a bulk read: it needs the export right and is recorded (one record per page, with
    its row count). The viewset names what it lists in ``door_kind``.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        rows = super().paginate_queryset(queryset, request, view)
        if rows is None or self.page is None:
            return rows
        return self.through_the_door(rows, request, view)

    def through_the_door(
        self, rows: list[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        """``rows`` of ``self.page``: free on the first page at the default size; otherwise
        an export, recorded, or refused without the export right."""
        assert self.page is not None
        size = self.get_page_size(request) or self.page_size
        if self.page.number == 1 and size <= self.page_size:
            return rows
        user = request.user
        kind = getattr(view, "door_kind", "api-list")
        codes = getattr(user, "region_codes", None)
        try:
            take_out(
                actor=user,  # type: ignore[arg-type]
                channel=Channel.API,
                kind=kind,
                description=f"API {request.path} halaman {self.page.number} ({size} baris/hal)",
                region_code=",".join(codes) if codes else "",
                row_count=len(rows),
                file_format="json",
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
        except DoorClosed as exc:
            raise ApiPermissionDenied(
                _(
                    "Beyond its first page of %(size)s rows, a list of people is an export, "
                    "which your role may not take: narrow the list with its filters."
                )
                % {"size": self.page_size}
            ) from exc
        return rows
