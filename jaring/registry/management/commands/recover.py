"""``jaring recover [--json]``: after a crash, mark the imports whose process is gone as
interrupted and remove the scratch files of processes that are gone. ``jaring serve``, ``jaring
worker`` and ``jaring import`` do it at their start; by hand it is safe at any time (a batch a
live process runs is never touched)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from jaring.registry.imports.recovery import imports_recover, recovered_message


class Command(BaseCommand):
    help = (
        "Tandai impor yang prosesnya berhenti (mis. dimatikan) sebagai terputus, dan hapus "
        "berkas sementaranya."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = imports_recover()
        if options["json"]:
            self.stdout.write(json.dumps(recovered.as_dict()))
            return
        self.stdout.write(recovered_message(recovered) or "Tidak ada impor yang terputus.")
