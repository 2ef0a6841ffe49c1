"""``jaring regions load|stats|find``: the Kemendagri region table and its reference data."""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.regions.datafiles import DataFileMissingError
from jaring.regions.models import Region, RegionLevel
from jaring.regions.selectors import region_counts_by_level, region_lookup
from jaring.regions.services import regions_load

LEVELS = {
    "provinsi": RegionLevel.PROVINCE,
    "kabkota": RegionLevel.REGENCY,
    "kecamatan": RegionLevel.DISTRICT,
    "desa": RegionLevel.VILLAGE,
}


class Command(BaseCommand):
    help = "Muat dan periksa tabel wilayah Kemendagri (load, stats, find)."
    # A data command: Django's system checks (which import every page) add seconds, not safety.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Muat wilayah, batas wilayah dan penduduk bekerja BPS")
        load.add_argument("--force", action="store_true", help="Muat ulang walau tidak berubah")
        stats = sub.add_parser("stats", help="Jumlah wilayah per tingkat")
        stats.add_argument("--json", action="store_true")
        find = sub.add_parser("find", help="Cari nama wilayah di dalam wilayah induk")
        find.add_argument("name")
        find.add_argument("--within", required=True, help="Kode wilayah induk, mis. 35.71")
        find.add_argument("--level", choices=sorted(LEVELS), default="desa")
        find.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "load":
            self._load(force=options["force"])
        elif action == "stats":
            self._stats(as_json=options["json"])
        else:
            self._find(options["name"], options["within"], options["level"], options["json"])

    def _load(self, *, force: bool) -> None:
        started = time.perf_counter()
        try:
            results = regions_load(force=force)
        except DataFileMissingError as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            state = "tidak berubah" if result.skipped else "dimuat"
            self.stdout.write(f"{result.dataset}: {result.rows:,} baris {state}")
        self.stdout.write(f"Selesai dalam {time.perf_counter() - started:.1f} detik.")

    def _stats(self, *, as_json: bool) -> None:
        counts = region_counts_by_level()
        if as_json:
            self.stdout.write(json.dumps(counts))
            return
        for level, count in counts.items():
            self.stdout.write(f"{level:>16}: {count:,}")

    def _find(self, name: str, within: str, level: str, as_json: bool) -> None:
        if not Region.objects.filter(code=within).exists():
            raise CommandError(
                f"Kode wilayah {within!r} tidak dikenal. Contoh kode: 35.71 (Kota Kediri); "
                "jalankan 'jaring regions load' bila tabel wilayah masih kosong."
            )
        match = region_lookup(within=within, names=[name], level=LEVELS[level])[name]
        if as_json:
            self.stdout.write(json.dumps(match.__dict__))
            return
        if match.code:
            self.stdout.write(f"{match.status}: {match.code} {match.name} ({match.score:.0f})")
        elif match.candidates:
            self.stdout.write(f"{match.status}: {', '.join(match.candidates)}")
        else:
            raise CommandError(f"Tidak ditemukan: {name!r} di {within}")
