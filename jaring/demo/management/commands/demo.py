"""``jaring demo [--seed N] [--reset]``: fill the registry with the seed reports' picture."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from jaring.demo.builder import demo_build, demo_exists
from jaring.demo.users import DEMO_PASSWORD, DEMO_USERS
from jaring.regions.datafiles import DataFileMissingError
from jaring.regions.models import Region
from jaring.regions.services import regions_load


class Command(BaseCommand):
    help = "Isi Jaring dengan data demo kota-kota dalam laporan berita (deterministik)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2024, help="Bilangan bulat (bawaan 2024)")
        parser.add_argument(
            "--reset", action="store_true", help="Hapus semua data lalu buat ulang demo"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo speaks Indonesian: its numbers and dates too ("392.000.000", "21 Nov 2026").
        with translation.override("id"):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        try:
            regions_load()
        except DataFileMissingError as exc:
            raise CommandError(str(exc)) from exc
        if demo_exists():
            self.stdout.write("Data demo sudah ada (pakai --reset untuk membuat ulang dari awal).")
        else:
            demo_build(seed=options["seed"], say=self.stdout.write)
        self.stdout.write(f"\nLogin demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
        codes = {code for user in DEMO_USERS for code in user.regions}
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        for user in DEMO_USERS:
            # Names for people, the code only as a hint.
            scope = (
                ", ".join(f"{names.get(code, code)} ({code})" for code in user.regions)
                or "seluruh Indonesia"
            )
            self.stdout.write(f"  {user.username:<20} {user.role.label} — {scope}")
