"""``jaring serve``: the web server plus the background worker that runs imports.

One command for a Pemda's laptop or a small server: the worker (django-tasks' ``db_worker``)
runs in a child process and stops with the server.
"""

from __future__ import annotations

import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Jalankan server web Jaring beserta pekerja latar belakang (impor)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Tanpa pekerja latar")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen(
                [sys.executable, "-m", "jaring", "db_worker", "--no-reload", "--queue-name", "*"]
            )
        self.stdout.write(
            f"Jaring berjalan di http://{options['addrport']}/ (Ctrl+C untuk berhenti)"
        )
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
