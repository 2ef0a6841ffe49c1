"""``jaring import_held BATCH``: the rows of a saved import held for a decision, listed case by
case (``--json``), registered (``--register SHEET:ROW … [--village CODE] [--birth-date
YYYY-MM-DD]``) or not registered (``--decline SHEET:ROW …``). A row of a NIK in conflict given
to ``--register`` is the one kept; the other rows of its NIK are not registered."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from jaring.registry.imports.deciding import (
    COMPARED_VALUES,
    Key,
    held_case,
    held_cases,
    held_decline,
    held_register,
)
from jaring.registry.imports.services import ImportRequestError
from jaring.registry.models import ImportBatch


def _key(text: str, waiting: list[Key]) -> Key:
    """A row as written: ``SHEET:ROW``, or ``ROW`` alone when one sheet has it."""
    sheet, colon, row = text.rpartition(":")
    if not row.isdigit():
        raise CommandError(f"Baris {text!r} tidak terbaca; tulis BARIS atau LEMBAR:BARIS.")
    if not colon:
        sheets = [s for s, r in waiting if r == int(row)]
        if len(sheets) == 1:
            return sheets[0], int(row)
    return sheet, int(row)


class Command(BaseCommand):
    help = "Baris yang ditahan dari sebuah impor: daftar, daftarkan, atau tidak didaftarkan."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("batch", type=int, help="Nomor impor")
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--register", action="append", default=None, help="Daftarkan baris (LEMBAR:BARIS)"
        )
        choice.add_argument(
            "--decline", action="append", default=None, help="Jangan daftarkan baris"
        )
        parser.add_argument("--village", default="", help="Kode desa/kelurahan yang dipilih")
        parser.add_argument("--birth-date", default="", help="Tanggal lahir yang dibetulkan")
        parser.add_argument("--json", action="store_true", help="Keluaran JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = ImportBatch.objects.select_related("region").filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(f"Impor #{options['batch']} tidak ada.")
        if options["register"] or options["decline"]:
            self._decide(batch, options)
            return
        cases = held_cases(batch)
        waiting = [k for c in cases for k in c]
        listed = [self._case(batch, keys, waiting) for keys in cases]
        if options["json"]:
            self.stdout.write(json.dumps({"batch": batch.pk, "cases": listed}, ensure_ascii=False))
            return
        for case in listed:
            rows = ", ".join(f"{r['sheet']}:{r['row']}".lstrip(":") for r in case["rows"])
            self.stdout.write(f"[{case['kind']}] {rows}  {case['rows'][0]['name']}")
            for row in case["rows"]:
                for message in row["problems"]:
                    self.stdout.write(f"    {message}")
            for c in case["candidates"]:
                mark = " *" if c["code"] == case["preselected"] else ""
                self.stdout.write(f"    {c['code']}  {c['name']} (Kec. {c['kecamatan']}){mark}")
        self.stdout.write(f"{len(listed)} kasus menunggu keputusan.")

    def _case(self, batch: ImportBatch, keys: tuple[Key, ...], waiting: list[Key]) -> dict:
        case = held_case(batch, keys, waiting=waiting)
        return {
            "kind": case.kind,
            "rows": [
                {
                    "sheet": row.sheet,
                    "row": row.row,
                    **{
                        name: (str(v) if (v := row.value(name)) is not None else None)
                        for name in COMPARED_VALUES
                    },
                    "problems": [p.message.render("id") for p in row.problems],
                }
                for row in case.rows
            ],
            "written": case.written,
            "candidates": [
                {"code": c.code, "name": c.name, "kecamatan": c.kecamatan} for c in case.candidates
            ],
            "preselected": case.preselected,
            "differs": sorted(case.differs),
            "same_written": [f"{s}:{r}".lstrip(":") for s, r in case.same_written],
        }

    def _decide(self, batch: ImportBatch, options: dict[str, Any]) -> None:
        waiting = [k for c in held_cases(batch) for k in c]
        born = parse_date(options["birth_date"]) if options["birth_date"] else None
        if options["birth_date"] and born is None:
            raise CommandError("Tanggal lahir ditulis TTTT-BB-HH, mis. 1980-08-17.")
        try:
            if options["register"]:
                decided = held_register(
                    batch=batch,
                    user=None,
                    rows=[_key(r, waiting) for r in options["register"]],
                    village_code=options["village"],
                    birth_date=born,
                )
            else:
                decided = held_decline(
                    batch=batch, user=None, rows=[_key(r, waiting) for r in options["decline"]]
                )
        except ImportRequestError as exc:
            raise CommandError(exc.message.render("id")) from exc
        batch.refresh_from_db()
        result = {
            "batch": batch.pk,
            "created": decided.created,
            "linked": decided.linked,
            "declined": decided.declined,
            "held": batch.held,
            "decided": batch.decided,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(
                f"Impor #{batch.pk}: {decided.created} didaftarkan, {decided.linked} sudah "
                f"terdaftar, {decided.declined} tidak didaftarkan; {batch.held} menunggu."
            )
