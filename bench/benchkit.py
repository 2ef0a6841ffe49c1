"""What the benchmark scripts that run Django in their own process share: the load average they
report, Django set up on SQLite (a file in the run's folder) or PostgreSQL (``DATABASE_URL``),
and an emptied, migrated database with the regions loaded.

Imported by the scripts as a sibling module (``python bench/<script>.py`` puts bench/ on the
path).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def django_setup(database: str, folder: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ["JARING_ENV"] = "demo"
    os.environ["JARING_DEBUG"] = "0"
    os.environ["JARING_VAR_DIR"] = str(folder)
    if database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("--database postgres needs DATABASE_URL=postgres://…")
    import django

    django.setup()


def database_empty(database: str) -> None:
    from django.core.management import call_command

    if database == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    from jaring.regions.services import regions_load

    regions_load()
