"""``jaring export people --region CODE``: the registry of a region as csv or xlsx (audited)."""

from __future__ import annotations

import contextlib
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError

from jaring.audit.models import Channel
from jaring.core.scratch import written_into_place
from jaring.regions.models import Region
from jaring.registry.exports import people_export
from jaring.registry.models import Person


class Command(BaseCommand):
    help = "Ekspor data pribadi (tercatat di jejak audit)."
    # A data command: Django's system checks (which import every page) add seconds, not safety.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        people = sub.add_parser("people", help="Daftar orang suatu wilayah, NIK lengkap")
        people.add_argument("--region", required=True, help="Kode wilayah, mis. 35.71")
        people.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        people.add_argument(
            "--output", type=Path, default=None, help="Berkas tujuan (bawaan: keluaran standar)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        region = options["region"]
        if not Region.objects.filter(code=region).exists():
            raise CommandError(f"Kode wilayah {region!r} tidak dikenal; contoh: 35.71.")
        if options["format"] == "xlsx" and options["output"] is None:
            raise CommandError("Ekspor xlsx perlu --output BERKAS.xlsx.")
        output = options["output"]
        with contextlib.ExitStack() as stack:
            destination: BinaryIO
            if output:
                # Written in the scratch area and renamed into place: a killed export leaves
                # no half list at the destination (core.scratch).
                destination = stack.enter_context(
                    stack.enter_context(written_into_place(output)).open("wb")
                )
            else:
                destination = sys.stdout.buffer
            rows = people_export(
                people=Person.objects.all(),
                actor=None,
                channel=Channel.CLI,
                region_code=region,
                file_format=options["format"],
                output=destination,
            )
            if not output:
                destination.flush()
        if output:
            self.stderr.write(f"{rows:,} orang diekspor ke {output}.")
