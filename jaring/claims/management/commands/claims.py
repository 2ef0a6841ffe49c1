"""``jaring claims open|advance|summary``: report an event and see what it entitles to, move a
claim one step, and weigh the year's claims against the iuran paid. Each with ``--json``."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.claims.errors import ClaimError
from jaring.claims.models import Claim
from jaring.claims.selectors import claim_json, claims_summary, due_on
from jaring.claims.services import (
    EVENT_NAMES,
    claim_advance,
    claim_open,
    person_by_nik,
    step_of,
)
from jaring.programmes.management.commands._arguments import acting_user, day, rupiah, whole
from jaring.programmes.models import Programme
from jaring.regions.models import Region


def _common(parser: ArgumentParser) -> None:
    parser.add_argument("--user", help="Bertindak sebagai pengguna ini (wilayah dan perannya)")
    parser.add_argument("--json", action="store_true", help="Hasil sebagai JSON")


class Command(BaseCommand):
    help = "Klaim ahli waris: laporkan peristiwa, ajukan langkah berikutnya, ringkasan tahunan."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        opened = sub.add_parser("open", help="Laporkan kematian atau kecelakaan kerja")
        opened.add_argument("--nik", required=True, help="NIK peserta")
        opened.add_argument(
            "--event", required=True, help="death|work-death|work-injury|occupational-disease"
        )
        opened.add_argument("--date", required=True, help="Tanggal peristiwa, TTTT-BB-HH")
        opened.add_argument("--place", default="", help="Tempat")
        opened.add_argument("--cause", default="", help="Sebab")
        opened.add_argument("--reporter", default="", help="Pelapor (nama, hubungan)")
        _common(opened)
        advance = sub.add_parser("advance", help="Langkah berikutnya suatu klaim")
        advance.add_argument("claim", help="Nomor klaim")
        advance.add_argument(
            "--to",
            required=True,
            help="documents-complete|submitted|approved|rejected|paid|handed-over",
        )
        advance.add_argument("--date", help="Tanggal langkah, TTTT-BB-HH (bawaan hari ini)")
        advance.add_argument("--amount", help="Jumlah diterima (Rp), untuk paid")
        advance.add_argument("--note", default="", help="Catatan (alasan penolakan, selisih)")
        _common(advance)
        summary = sub.add_parser("summary", help="Klaim setahun terhadap iuran yang dibayar")
        summary.add_argument("--programme", help="Nomor program")
        summary.add_argument("--region", help="Kode wilayah, misalnya 36.72")
        summary.add_argument("--year", required=True, help="Tahun, TTTT")
        _common(summary)

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options.get("user"))
        method: Callable[[dict[str, Any], Any], dict[str, Any]] = getattr(
            self, f"_{options['action']}"
        )
        try:
            result = method(options, user)
        except ClaimError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")

    def _open(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        event = EVENT_NAMES.get(options["event"].strip().lower().replace("_", "-"))
        if event is None:
            raise ClaimError("EVENT_UNKNOWN", event=options["event"])
        event_date = day(options["date"], "Tanggal peristiwa")
        assert event_date is not None
        person = person_by_nik(user, options["nik"])
        claim = claim_open(
            user=user,
            person=person,
            event=event,
            event_date=event_date,
            place=options["place"],
            cause=options["cause"],
            reporter=options["reporter"],
        )
        return claim_json(claim)

    def _advance(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        pk = whole(options["claim"], "Nomor klaim") or 0
        claims = Claim.objects.restrict(user) if user is not None else Claim.objects.all()
        claim = claims.filter(pk=pk).first()
        if claim is None:
            raise ClaimError("NOT_FOUND", claim=options["claim"])
        amount_text = options["amount"]
        if amount_text is not None and amount_text.strip().startswith("-"):
            raise CommandError(f"Jumlah tidak boleh negatif: {amount_text!r}.")
        before = claim.status
        moved = claim_advance(
            user=user,
            claim=claim,
            to=step_of(options["to"]),
            on=day(options["date"], "Tanggal langkah"),
            amount=rupiah(amount_text, "Jumlah"),
            note=options["note"],
            confirm_documents=True,
        )
        last = moved.steps.order_by("-id").first()
        due, late = due_on(moved, on=last.on if last else moved.event_date)
        return {
            "claim": moved.pk,
            "from": before,
            "status": moved.status,
            "date": last.on.isoformat() if last else None,
            "amount": moved.amount_received,
            "total": moved.total,
            "due": due.isoformat() if due else None,
            "late_days": late,
        }

    def _summary(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        year = whole(options["year"], "Tahun") or 0
        if not 2015 <= year <= 2100:
            raise ClaimError("YEAR_INVALID", year=options["year"])
        programme = None
        if options["programme"]:
            pk = whole(options["programme"], "Nomor program") or 0
            programmes = Programme.objects.restrict(user) if user is not None else Programme.objects
            programme = programmes.filter(pk=pk).first()
            if programme is None:
                raise ClaimError("PROGRAMME_NOT_FOUND", programme=options["programme"])
        region = (options["region"] or "").strip() or None
        if region is not None and not Region.objects.filter(code=region).exists():
            raise ClaimError("REGION_UNKNOWN", code=region)
        return claims_summary(user, year=year, programme=programme, region=region).as_dict()
