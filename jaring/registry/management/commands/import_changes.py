"""``jaring import_changes BATCH``: the held changes of registered people's name, birth date or
sex of a saved import, listed, confirmed (``--apply``) or declined (``--keep``)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.registry.imports.applying.commit import HELD_CHANGE_CODES
from jaring.registry.imports.services import ImportRequestError, import_changes_settle
from jaring.registry.models import ImportBatch, ImportProblem


def _row(text: str) -> tuple[str, int]:
    sheet, _, row = text.rpartition(":")
    if not row.isdigit():
        raise CommandError(f"Baris {text!r} tidak terbaca; tulis LEMBAR:BARIS, mis. Sheet1:12.")
    return sheet, int(row)


class Command(BaseCommand):
    help = "Perubahan nama/tanggal lahir/jenis kelamin yang ditahan dari sebuah impor."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("batch", type=int, help="Nomor impor")
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument("--apply", action="store_true", help="Terapkan perubahan")
        choice.add_argument("--keep", action="store_true", help="Pertahankan data terdaftar")
        parser.add_argument(
            "--row", action="append", default=None, help="Hanya baris ini (LEMBAR:BARIS)"
        )
        parser.add_argument("--json", action="store_true", help="Keluaran JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = ImportBatch.objects.filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(f"Impor #{options['batch']} tidak ada.")
        rows = [_row(r) for r in options["row"]] if options["row"] else None
        if options["apply"] or options["keep"]:
            try:
                settled = import_changes_settle(batch, apply=options["apply"], user=None, rows=rows)
            except ImportRequestError as exc:
                raise CommandError(exc.message.render("id")) from exc
            result: dict[str, Any] = {
                "batch": batch.pk,
                "settled": settled,
                "applied": bool(options["apply"]),
                "changes_held": ImportBatch.objects.get(pk=batch.pk).changes_held,
            }
            if options["json"]:
                self.stdout.write(json.dumps(result))
            else:
                verb = "diterapkan" if options["apply"] else "dipertahankan seperti terdaftar"
                self.stdout.write(f"Impor #{batch.pk}: {settled} baris {verb}.")
            return
        waiting = ImportProblem.objects.filter(
            batch=batch, code__in=HELD_CHANGE_CODES.values()
        ).order_by("sheet", "row_number", "code")
        listed = [
            {
                "sheet": p.sheet,
                "row": p.row_number,
                "code": p.code,
                "message": p.message.render("id"),
            }
            for p in waiting
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps({"batch": batch.pk, "changes": listed}, ensure_ascii=False)
            )
            return
        for item in listed:
            self.stdout.write(f"{item['sheet']}:{item['row']}  {item['message']}")
        self.stdout.write(f"{len(listed)} perubahan menunggu keputusan.")
