"""``jaring restore FILE [--yes] [--json]``: replace the database with a backup made by
``jaring backup`` (checked first; in one step, so a failed restore changes nothing). Stop
``jaring serve`` first; run ``jaring migrate`` afterwards if the backup is from an older
version."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.core.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Pulihkan basis data Jaring dari BERKAS cadangan (menggantikan semua data sekarang)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="Berkas cadangan dari 'jaring backup'")
        parser.add_argument("--yes", action="store_true", help="Jangan bertanya lagi")
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Pemulihan menggantikan semua data; tambahkan --yes.")
            answer = input(f"Ganti SEMUA data Jaring dengan isi {path}? Ketik 'ya': ")
            if answer.strip().lower() != "ya":
                raise CommandError("Dibatalkan; tidak ada yang berubah.")
        try:
            result = database_restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            self.stdout.write(
                f"Basis data {result.database} dipulihkan dari {result.file} "
                f"({result.tables} tabel) dalam {result.seconds:.1f} detik. "
                "Jalankan 'jaring migrate' lalu mulai lagi 'jaring serve'."
            )
