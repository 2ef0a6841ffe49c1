"""``jaring worker``: the background worker (django-tasks' ``db_worker``, same options), which
first puts right what a killed predecessor left: its batches marked interrupted, its scratch
files removed (:mod:`jaring.registry.imports.recovery`). ``jaring serve`` runs it."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jaring.registry.imports.recovery import imports_recover, recovered_message


class Command(DBWorkerCommand):
    help = "Pekerja latar (impor, pencocokan); menandai impor yang terputus lebih dulu."

    def handle(self, *args: Any, **options: Any) -> None:
        if message := recovered_message(imports_recover()):
            self.stderr.write(message)
        super().handle(*args, **options)
