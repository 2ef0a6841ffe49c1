"""``jaring purge [--days N] [--dry-run] [--json]``: remove uploaded lists and result workbooks
older than the retention period (``JARING_RETENTION_DAYS``, default 90). ``jaring serve`` runs it
every day."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.registry.retention import import_files_purge


class Command(BaseCommand):
    help = "Hapus berkas unggahan dan buku kerja hasil impor yang melewati masa simpan."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Masa simpan dalam hari (bawaan: pengaturan)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Hanya hitung, jangan hapus")
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] is not None and options["days"] < 0:
            raise CommandError("--days harus 0 atau lebih.")
        result = import_files_purge(days=options["days"], dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        verb = "akan dihapus" if result.dry_run else "dihapus"
        self.stdout.write(
            f"{result.uploads} berkas unggahan, {result.workbooks} buku kerja hasil dan "
            f"{result.stray_files} berkas lain {verb} ({result.bytes / 1024 / 1024:.1f} MB), "
            f"batas {result.cutoff:%Y-%m-%d}."
        )
