"""``jaring claims open|assess|advance|summary|instalments|pay-instalment``: report an event and
see what it entitles to, enter the JKK assessment of an injury (months unable to work, the
disability), move a claim one step, weigh the year's claims against the iuran paid, list the
scholarship instalments that came due and record one paid. Each with ``--json``."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jaring.claims.errors import ClaimError
from jaring.claims.models import Claim, Instalment
from jaring.claims.selectors import (
    claim_json,
    claims_summary,
    due_on,
    instalment_json,
    instalments_due,
)
from jaring.claims.services import (
    EVENT_NAMES,
    Assessment,
    assessment_of,
    claim_advance,
    claim_assess,
    claim_open,
    instalment_pay,
    person_by_nik,
    step_of,
)
from jaring.core.formats import date_label
from jaring.finance.messages import rupiah as rupiah_label
from jaring.programmes.management.commands._arguments import acting_user, day, rupiah, whole
from jaring.programmes.models import Programme
from jaring.regions.models import Region


def _assessment_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--incapacity-months", help="Bulan tidak mampu bekerja (STMB), untuk work-injury"
    )
    parser.add_argument(
        "--disability-percent",
        help="Cacat sebagian: persen menurut tabel Lampiran III PP 44/2015, misalnya 35 atau 2,5",
    )
    parser.add_argument(
        "--function-loss",
        help="Cacat sebagian fungsi: persen fungsi yang hilang (bersama --disability-percent)",
    )
    parser.add_argument(
        "--total-disability", action="store_true", help="Cacat total tetap (56 × upah + berkala)"
    )


def _assessment(options: dict[str, Any]) -> Assessment:
    """The assessment given on the command line: the kind follows from what is given."""
    percent, loss = options["disability_percent"], options["function_loss"]
    if options["total_disability"]:
        kind = "total"
    elif loss is not None:
        kind = "functional"
    elif percent is not None:
        kind = "partial"
    else:
        kind = ""
    return assessment_of(
        incapacity_months=whole(options["incapacity_months"], "Bulan tidak mampu bekerja"),
        disability=kind,
        percent=percent,
        function_loss=loss,
    )


def _claim(options: dict[str, Any], user: Any) -> Claim:
    pk = whole(options["claim"], "Nomor klaim") or 0
    claims = Claim.objects.restrict(user) if user is not None else Claim.objects.all()
    claim = claims.filter(pk=pk).first()
    if claim is None:
        raise ClaimError("NOT_FOUND", claim=options["claim"])
    return claim


def _instalment_line(instalment: Instalment) -> str:
    """ "Anak 1, SD tahun 2: Rp 1.500.000, jatuh tempo 5 Feb 2025, dibayar 20 Feb 2025"."""
    state = (
        f"dibayar {date_label(instalment.paid_on)}"
        if instalment.paid_on
        else f"jatuh tempo {date_label(instalment.due_on)}"
    )
    return (
        f"klaim #{instalment.claim_id}, anak {instalment.child} (angsuran {instalment.number}), "
        f"{instalment.get_level_display()} tahun {instalment.year}: "
        f"{rupiah_label(instalment.amount)}, {state}"
    )


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
        _assessment_arguments(opened)
        _common(opened)
        assess = sub.add_parser(
            "assess", help="Penilaian JKK suatu kecelakaan kerja: STMB dan cacat (Disnaker)"
        )
        assess.add_argument("claim", help="Nomor klaim")
        _assessment_arguments(assess)
        assess.add_argument("--date", help="Tanggal penilaian, TTTT-BB-HH (bawaan hari ini)")
        _common(assess)
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
        instalments = sub.add_parser(
            "instalments",
            help="Angsuran beasiswa suatu klaim, atau yang jatuh tempo dan belum dibayar",
        )
        instalments.add_argument("claim", nargs="?", help="Nomor klaim (tanpa: semua klaim)")
        instalments.add_argument("--on", help="Pada tanggal, TTTT-BB-HH (bawaan hari ini)")
        _common(instalments)
        pay = sub.add_parser("pay-instalment", help="Catat angsuran beasiswa sebagai dibayar")
        pay.add_argument("claim", help="Nomor klaim")
        pay.add_argument("--child", required=True, help="Anak ke- (1 atau 2)")
        pay.add_argument("--number", required=True, help="Angsuran ke- untuk anak itu")
        pay.add_argument("--date", help="Tanggal bayar, TTTT-BB-HH (bawaan hari ini)")
        pay.add_argument("--reference", default="", help="Nomor bukti transfer BPJS")
        _common(pay)

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options.get("user"))
        method: Callable[[dict[str, Any], Any], dict[str, Any]] = getattr(
            self, f"_{options['action'].replace('-', '_')}"
        )
        try:
            result = method(options, user)
        except ClaimError as exc:
            raise CommandError(str(exc)) from exc
        lines = result.pop("instalment_lines", ())
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
            return
        for key, value in result.items():
            if key != "instalments":
                self.stdout.write(f"{key}: {value}")
        for line in lines:
            self.stdout.write(f"  {line}")

    def _open(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        event = EVENT_NAMES.get(options["event"].strip().lower().replace("_", "-"))
        if event is None:
            raise ClaimError("EVENT_UNKNOWN", event=options["event"])
        event_date = day(options["date"], "Tanggal peristiwa")
        assert event_date is not None
        assessment = _assessment(options)
        person = person_by_nik(user, options["nik"])
        claim = claim_open(
            user=user,
            person=person,
            event=event,
            event_date=event_date,
            place=options["place"],
            cause=options["cause"],
            reporter=options["reporter"],
            assessment=assessment,
        )
        return claim_json(claim)

    def _assess(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        claim = _claim(options, user)
        assessment = _assessment(options)
        assessed = claim_assess(
            user=user,
            claim=claim,
            assessment=assessment,
            on=day(options["date"], "Tanggal penilaian"),
        )
        return claim_json(assessed)

    def _instalments(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        on = day(options["on"], "Tanggal") or timezone.localdate()
        if options["claim"]:
            claim = _claim(options, user)
            rows = list(claim.instalments.order_by("due_on", "child"))
            due = [i for i in rows if i.paid_on is None and i.due_on <= on]
        else:
            rows = due = list(instalments_due(user, on=on))
        return {
            "on": on.isoformat(),
            "instalments": [{**instalment_json(i), "claim": i.claim_id} for i in rows],
            "due": len(due),
            "due_amount": sum(i.amount for i in due),
            "instalment_lines": [_instalment_line(i) for i in rows],
        }

    def _pay_instalment(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        claim = _claim(options, user)
        paid = instalment_pay(
            user=user,
            claim=claim,
            child=whole(options["child"], "Anak ke-") or 0,
            number=whole(options["number"], "Angsuran ke-") or 0,
            on=day(options["date"], "Tanggal bayar"),
            reference=options["reference"],
        )
        return {"claim": claim.pk, **instalment_json(paid)}

    def _advance(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        claim = _claim(options, user)
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
            "instalments_paid": moved.instalments.filter(paid_on__isnull=False).count(),
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
