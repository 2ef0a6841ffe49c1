"""``jaring bpjs registration-file|import-response|reconcile``: the exchange with the BPJS
Ketenagakerjaan branch (issue 16)."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from jaring.audit.models import Channel
from jaring.finance.exchange.applying import response_import
from jaring.finance.exchange.registration import registration_file_make
from jaring.finance.management.commands._cli import (
    FinanceCommand,
    common_options,
    decree_of,
    programme_of,
)
from jaring.finance.selectors.reconciliation import reconcile
from jaring.programmes.management.commands._arguments import day


class Command(FinanceCommand):
    help = "Pertukaran data dengan BPJS: berkas pendaftaran, berkas balasan, rekonsiliasi."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        out = sub.add_parser("registration-file", help="Berkas pendaftaran kolektif suatu SK")
        out.add_argument("sk", help="Nomor SK (versi yang sudah ditandatangani)")
        out.add_argument("--output", required=True, type=Path, help="Berkas tujuan (.xlsx/.csv)")
        out.add_argument("--format", help="xlsx|csv (bawaan: dari nama berkas)")
        out.add_argument(
            "--all", action="store_true", help="Semua peserta SK (perpanjangan), bukan hanya baru"
        )
        back = sub.add_parser("import-response", help="Baca berkas balasan dari kantor cabang")
        back.add_argument("file", type=Path, help="Berkas balasan (xlsx, xls, csv …)")
        back.add_argument("--programme", required=True, help="Nomor program")
        rec = sub.add_parser("reconcile", help="Rekonsiliasi SK dengan status di BPJS")
        rec.add_argument("--programme", required=True, help="Nomor program")
        rec.add_argument("--on", help="Tanggal, TTTT-BB-HH (bawaan: hari ini)")
        rec.add_argument("--regions", action="store_true", help="Rinci per desa/kelurahan")
        for each in (out, back, rec):
            common_options(each)

    def _registration_file(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        decree = decree_of(options["sk"], user)
        path: Path = options["output"]
        if not path.parent.is_dir():
            raise CommandError(f"Folder {path.parent} tidak ada.")
        file_format = (options["format"] or path.suffix.lstrip(".") or "xlsx").lower()
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as output:
                made = registration_file_make(
                    user=user,
                    decree=decree,
                    file_format=file_format,
                    output=output,
                    everyone=options["all"],
                    channel=Channel.CLI,
                )
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
        return {
            "rows": made.rows,
            "sk": decree.pk,
            "file": made.pk,
            "format": file_format,
            "all": options["all"],
            "output": str(path),
        }

    def _import_response(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = programme_of(options["programme"], user)
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        started = time.perf_counter()
        result = response_import(user=user, programme=programme, path=path)
        return {**result.as_dict(), "seconds": round(time.perf_counter() - started, 2)}

    def _reconcile(self, options: dict[str, Any], user: Any) -> dict[str, Any]:
        programme = programme_of(options["programme"], user)
        on = day(options["on"], "Tanggal") or timezone.localdate()
        return reconcile(programme, on).as_dict(regions=options["regions"])
