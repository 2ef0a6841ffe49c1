"""The ``jaring`` console command: Django's management commands with Jaring's settings.

``jaring rules ...`` goes straight to the rules engine, which needs no Django and no database;
``jaring keys new`` prints fresh keys, before any setting is read (production refuses to start
without them); ``jaring keys new --field N`` one more field key, number N, for the key ring.
Every other sub-command (``migrate``, ``demo``, ``serve``, ``regions``, ``import``, ...) runs as a
Django management command. Errors a user can fix (a database that does not answer, a missing
setting) end with one line on stderr and a non-zero exit status, not a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys


def _fail(message: str) -> int:
    print(f"jaring: {message}", file=sys.stderr)
    return 1


def _keys_new(args: list[str]) -> int:
    import secrets

    if args[:1] == ["--field"]:
        number = args[1] if len(args) == 2 else ""
        if not number.isdigit() or not 1 <= int(number) <= 255:
            return _fail("keys new --field NOMOR: nomor kunci 1–255 (yang belum dipakai).")
        print(f"# Kunci data nomor {number}: tambahkan ke JARING_FIELD_KEYS (docs/deploy.md §4).")
        print(f"{int(number)}:{secrets.token_urlsafe(48)}")
        return 0
    if args:
        return _fail("keys new [--field NOMOR]")
    print("# Kunci baru Jaring: simpan di lingkungan server (docs/deploy.md), jangan di git.")
    print(f"JARING_SECRET_KEY={secrets.token_urlsafe(48)}")
    print(f"JARING_FIELD_KEYS=1:{secrets.token_urlsafe(48)}")
    print("JARING_FIELD_KEY_CURRENT=1")
    print(f"JARING_INDEX_KEY={secrets.token_urlsafe(48)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else ["jaring", *argv])
    if len(args) > 1 and args[1] == "rules":
        from jaring.rules.cli import main as rules_main

        return rules_main(args[2:])
    if args[1:3] == ["keys", "new"]:
        return _keys_new(args[3:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line
        from django.db import DatabaseError, InterfaceError

        from jaring.core.scratch import route_temp_files

        # Temporary files (uploads, workbooks, scratch) in the data folder, never in /tmp.
        with contextlib.suppress(OSError):  # a data folder not writable: the command says so
            route_temp_files()
        execute_from_command_line(args)
    except ImproperlyConfigured as exc:
        return _fail(f"konfigurasi salah: {exc}")
    except (DatabaseError, InterfaceError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _fail(
            f"basis data tidak dapat dipakai ({first_line}). Periksa DATABASE_URL dan "
            "pastikan servernya berjalan, lalu jalankan 'jaring migrate'."
        )
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
