"""``jaring sk draft|sign|diff|export|add|remove|list``: beneficiary decrees (SK)."""

from __future__ import annotations

import json
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.audit.models import Channel
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.lampiran import FORMATS, lampiran_export
from jaring.programmes.management.commands._arguments import acting_user, day, month, whole
from jaring.programmes.management.commands.programme import _programme
from jaring.programmes.models import Decree, Membership
from jaring.programmes.selectors import decree_diff, decrees_visible
from jaring.programmes.services import (
    decree_draft,
    decree_sign,
    draft_summary,
    entry_add,
    entry_remove,
)
from jaring.rules.programmes import MANUAL_REMOVAL_REASONS


def _decree(text: str, user: Any) -> Decree:
    pk = whole(text, "Nomor SK") or 0
    decrees = decrees_visible(user) if user is not None else Decree.objects.all()
    decree = decrees.select_related("programme__region").filter(pk=pk).first()
    if decree is None:
        raise CommandError(f"SK #{text} tidak ada.")
    return decree


class Command(BaseCommand):
    help = "SK penerima: susun draf, tanda tangani, bandingkan versi, ekspor lampiran."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        draft = sub.add_parser("draft", help="Susun (ulang) draf SK dari registri")
        draft.add_argument("--programme", required=True, help="Nomor program")
        draft.add_argument(
            "--from", dest="first_month", help="Bulan mulai versi perubahan, TTTT-BB"
        )
        sign = sub.add_parser("sign", help="Tanda tangani draf: dibekukan, kepesertaan dimulai")
        sign.add_argument("sk", help="Nomor SK (versi)")
        sign.add_argument("--number", required=True, help="Nomor keputusan")
        sign.add_argument("--date", required=True, help="Tanggal keputusan, TTTT-BB-HH")
        sign.add_argument("--signatory", default="", help="Nama penandatangan")
        sign.add_argument("--title", default="", help="Jabatan penandatangan")
        diff = sub.add_parser("diff", help="Bandingkan dua versi SK")
        diff.add_argument("first", help="Nomor SK")
        diff.add_argument("second", help="Nomor SK")
        export = sub.add_parser("export", help="Lampiran SK sebagai csv, xlsx atau pdf")
        export.add_argument("sk", help="Nomor SK (versi)")
        export.add_argument("--format", required=True, help="csv|xlsx|pdf")
        export.add_argument("--output", required=True, type=Path, help="Berkas tujuan")
        remove = sub.add_parser("remove", help="Keluarkan seseorang dari draf")
        remove.add_argument("sk", help="Nomor SK (draf)")
        remove.add_argument("--person", required=True, help="Nomor orang")
        remove.add_argument(
            "--reason", required=True, help="Alasan: " + "|".join(MANUAL_REMOVAL_REASONS)
        )
        remove.add_argument("--note", default="", help="Catatan")
        add = sub.add_parser("add", help="Masukkan seseorang ke draf")
        add.add_argument("sk", help="Nomor SK (draf)")
        add.add_argument("--person", required=True, help="Nomor orang")
        add.add_argument("--note", required=True, help="Alasan, sebagai catatan")
        listing = sub.add_parser("list", help="Versi SK suatu program")
        listing.add_argument("--programme", required=True, help="Nomor program")
        for each in (draft, sign, diff, export, remove, add, listing):
            each.add_argument("--user", help="Bertindak sebagai pengguna ini")
            each.add_argument("--json", action="store_true", help="Hasil sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options.get("user"))
        try:
            result = getattr(self, f"_{options['action']}")(options, user)
        except ProgrammeError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")

    def _draft(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = _programme(options["programme"], user)
        first = month(options["first_month"], "Bulan mulai")
        started = time.perf_counter()
        decree = decree_draft(user=user, programme=programme, first_month=first)
        return draft_summary(decree, round(time.perf_counter() - started, 2)).as_dict()

    def _sign(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        decree = _decree(options["sk"], user)
        signed_on = day(options["date"], "Tanggal keputusan")
        assert signed_on is not None  # required by argparse
        started = time.perf_counter()
        decree = decree_sign(
            user=user,
            decree=decree,
            number=options["number"],
            signed_on=signed_on,
            signatory_name=options["signatory"],
            signatory_title=options["title"],
        )
        return {
            "sk": decree.pk,
            "version": decree.version,
            "number": decree.number,
            "date": decree.signed_on.isoformat() if decree.signed_on else None,
            "people": decree.people,
            "memberships": Membership.objects.filter(decree=decree).count(),
            "double_funded": Membership.objects.filter(decree=decree, double_funded=True).count(),
            "first_month": f"{decree.first_month:%Y-%m}",
            "last_month": f"{decree.last_month:%Y-%m}",
            "monthly_iuran": decree.monthly_iuran,
            "total_iuran": decree.total_iuran,
            "seconds": round(time.perf_counter() - started, 2),
        }

    def _diff(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        first, second = _decree(options["first"], user), _decree(options["second"], user)
        return decree_diff(first, second).as_dict()

    def _export(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        decree = _decree(options["sk"], user)
        file_format = options["format"].strip().lower()
        if file_format not in FORMATS:
            raise ProgrammeError("FORMAT_UNKNOWN", format=options["format"])
        path: Path = options["output"]
        if not path.parent.is_dir():
            raise CommandError(f"Folder {path.parent} tidak ada.")
        quiet = options["json"] or options["verbosity"] == 0
        started = time.perf_counter()
        partial = path.with_name(path.name + ".part")
        with partial.open("wb") as output:
            rows = lampiran_export(
                decree=decree,
                user=user,
                channel=Channel.CLI,
                file_format=file_format,
                output=output,
                progress=None if quiet else _progress,
            )
        partial.replace(path)
        if not quiet:
            sys.stderr.write("\n")
        return {
            "sk": decree.pk,
            "format": file_format,
            "rows": rows,
            "output": str(path),
            "bytes": path.stat().st_size,
            "seconds": round(time.perf_counter() - started, 2),
        }

    def _remove(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        decree = _decree(options["sk"], user)
        entry = entry_remove(
            user=user,
            decree=decree,
            person_id=whole(options["person"], "Nomor orang") or 0,
            reason=options["reason"],
            note=options["note"],
        )
        decree.refresh_from_db()
        return {
            "sk": decree.pk,
            "person": entry.person_id,
            "status": entry.status,
            "people": decree.people,
        }

    def _add(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        decree = _decree(options["sk"], user)
        entry = entry_add(
            user=user,
            decree=decree,
            person_id=whole(options["person"], "Nomor orang") or 0,
            note=options["note"],
        )
        decree.refresh_from_db()
        return {
            "sk": decree.pk,
            "person": entry.person_id,
            "status": entry.status,
            "people": decree.people,
        }

    def _list(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = _programme(options["programme"], user)
        return {
            "programme": programme.pk,
            "versions": [
                {
                    "sk": d.pk,
                    "version": d.version,
                    "status": d.status,
                    "number": d.number,
                    "date": d.signed_on.isoformat() if d.signed_on else None,
                    "people": d.people,
                    "first_month": f"{d.first_month:%Y-%m}",
                    "last_month": f"{d.last_month:%Y-%m}",
                    "total_iuran": d.total_iuran,
                }
                for d in programme.decrees.order_by("version")
            ],
        }


def _progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} baris")
    sys.stderr.flush()
