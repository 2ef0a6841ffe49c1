"""``jaring serve``: the web server, the background worker and the daily upkeep, in one command.

- In production (``JARING_ENV=production``) the web server is gunicorn, a real WSGI server meant
  to sit behind a reverse proxy that ends TLS (docs/deploy.md); static files come from WhiteNoise
  (collected first). In the demo it is Django's development server, which is for one laptop.
- The worker (``jaring worker``: django-tasks' ``db_worker``) runs imports and matching in a
  child process; if it dies it is started again.
- At the start, ``settings.JARING_START_COMMANDS`` run first (``recover``: imports left running
  by a killed process are marked interrupted, its scratch files removed); the worker does the
  same at each of its starts.
- Upkeep commands (``settings.JARING_DAILY_COMMANDS``: ``purge``, the retention of uploaded
  lists) run as child processes a minute after the start and then every day.

Everything stops with the server (Ctrl+C, or SIGTERM from systemd).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# The first upkeep run waits this long after the start (the server comes up first), then daily.
UPKEEP_FIRST_DELAY = 60.0
UPKEEP_INTERVAL = 24 * 3600.0
# A worker that keeps dying is started again at most this often.
WORKER_RESTART_DELAY = 5.0


def _jaring(*args: str) -> list[str]:
    return [sys.executable, "-m", "jaring", *args]


def _split_addrport(addrport: str) -> tuple[str, int]:
    host, _, port = addrport.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"Alamat {addrport!r} tidak dapat dibaca; contoh: 127.0.0.1:8000")
    return host or "127.0.0.1", int(port)


@dataclass
class Supervisor:
    """The child processes of ``jaring serve`` and when each upkeep command runs next."""

    web: subprocess.Popen[bytes]
    worker_command: list[str] | None
    upkeep: list[str]
    worker: subprocess.Popen[bytes] | None = None
    worker_started: float = 0.0
    next_upkeep: float = field(default_factory=lambda: time.monotonic() + UPKEEP_FIRST_DELAY)
    upkeep_running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self) -> None:
        if self.worker_command is not None:
            self.worker = subprocess.Popen(self.worker_command)
            self.worker_started = time.monotonic()

    def tick(self) -> int | None:
        """One look at the children; the web server's exit status once it has ended."""
        if (code := self.web.poll()) is not None:
            return code
        now = time.monotonic()
        if (
            self.worker is not None
            and self.worker.poll() is not None
            and now - self.worker_started >= WORKER_RESTART_DELAY
        ):
            print(
                f"jaring serve: pekerja latar berhenti (kode {self.worker.returncode}); "
                "dijalankan lagi",
                file=sys.stderr,
            )
            self.start_worker()
        self.upkeep_running = [p for p in self.upkeep_running if p.poll() is None]
        if now >= self.next_upkeep:
            self.next_upkeep = now + UPKEEP_INTERVAL
            if not self.upkeep_running:  # yesterday's run still going: skip a day
                self.upkeep_running = [subprocess.Popen(_jaring(c)) for c in self.upkeep]
        return None

    def stop(self) -> None:
        children = [self.web, self.worker, *self.upkeep_running]
        for child in children:
            if child is not None and child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 30
        for child in children:
            if child is None:
                continue
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


class Command(BaseCommand):
    help = (
        "Jalankan Jaring: server web (gunicorn di produksi, server pengembangan di demo), "
        "pekerja latar (impor, pencocokan) dan pemeliharaan harian (purge)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Tanpa pekerja latar")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("JARING_WEB_WORKERS", "3")),
            help="Proses gunicorn (produksi; bawaan 3 atau JARING_WEB_WORKERS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = _split_addrport(options["addrport"])
        production = settings.JARING_ENV == "production"
        if options["workers"] < 1:
            raise CommandError("--workers harus 1 atau lebih.")
        for command in settings.JARING_START_COMMANDS:
            call_command(command)
        if production:
            call_command("collectstatic", interactive=False, verbosity=0)
            web_command = [
                sys.executable,
                "-m",
                "gunicorn",
                "jaring.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(options["workers"]),
                # An upload of a whole province's list is stored within the request.
                "--timeout",
                "300",
                "--access-logfile",
                "-",
                # Only the local reverse proxy may say the request came over HTTPS.
                "--forwarded-allow-ips",
                "127.0.0.1,::1",
                # Django is loaded once, before the workers fork: a broken setting stops the
                # start, and the first request does not wait for the imports.
                "--preload",
                # No control socket in the service account's home folder.
                "--no-control-socket",
            ]
        else:
            web_command = _jaring("runserver", f"{host}:{port}", "--noreload")
        supervisor = Supervisor(
            web=subprocess.Popen(web_command),
            worker_command=None
            if options["no_worker"]
            else _jaring("worker", "--no-reload", "--queue-name", "*"),
            upkeep=list(settings.JARING_DAILY_COMMANDS),
        )
        supervisor.start_worker()
        server = "gunicorn" if production else "server pengembangan (demo)"
        self.stdout.write(f"Jaring berjalan di http://{host}:{port}/ ({server}; Ctrl+C berhenti)")

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        code: int | None = None
        try:
            while (code := supervisor.tick()) is None:
                time.sleep(1)
        except KeyboardInterrupt:
            code = 0
        finally:
            supervisor.stop()
        if code:
            raise CommandError(f"Server web berhenti dengan kode {code}.")
