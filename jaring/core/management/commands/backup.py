"""``jaring backup FILE [--json]``: a backup of the database while Jaring keeps running
(SQLite's online backup API, or ``pg_dump``); see :mod:`jaring.core.backup`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.core.backup import BackupError, database_backup


class Command(BaseCommand):
    help = "Buat cadangan basis data Jaring ke BERKAS (kunci tidak ikut; simpan terpisah)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="Berkas cadangan yang ditulis")
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = database_backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            self.stdout.write(
                f"Cadangan {result.database} ({result.tables} tabel, "
                f"{result.bytes / 1024 / 1024:.1f} MB) ditulis ke {result.file} "
                f"dalam {result.seconds:.1f} detik."
            )
