"""``jaring users create|import``: accounts from the command line (issue 13).

``jaring users create USERNAME --role ROLE --region CODE [--region CODE…] [--name TEXT]`` prints
the new password once; ``jaring users import FILE`` creates every user of a list (xlsx or csv:
username, name, desa code, role, phone or email) or none, and prints each one's one-time link to
choose a password. Both take ``--json``. Without ``--user`` the command acts as the server's
owner; with it, as that administrator (their role and regions bound what may be given).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.accounts.errors import AccountError
from jaring.accounts.models import User
from jaring.accounts.services import Created, UserSpec, user_create, users_file_read, users_import
from jaring.core.messages import shown


def _acting(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Pengguna {username!r} tidak ada atau tidak aktif.")
    return user


def created_dict(created: Created) -> dict[str, Any]:
    user = created.user
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "role": user.role,
        "regions": list(created.regions),
        "email": user.email,
        "phone": user.phone,
        "password": created.password,
        "link": created.link,
        "must_change_password": user.must_change_password,
    }


class Command(BaseCommand):
    help = "Pengguna: buat satu, atau impor daftar operator desa dari xlsx."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Buat satu pengguna")
        create.add_argument("username", help="Nama pengguna")
        create.add_argument("--role", required=True, help="Peran, mis. village_operator")
        create.add_argument(
            "--region", action="append", default=[], help="Kode wilayah (boleh berulang)"
        )
        create.add_argument("--name", default="", help="Nama lengkap")
        imports = sub.add_parser("import", help="Impor daftar pengguna (xlsx atau csv)")
        imports.add_argument("file", help="Berkas: username, nama, kode desa, peran, HP/email")
        for sub_parser in (create, imports):
            sub_parser.add_argument("--user", help="Bertindak sebagai administrator ini")
            sub_parser.add_argument("--json", action="store_true", help="Hasil sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        admin = _acting(options.get("user"))
        try:
            if options["action"] == "create":
                created = [
                    user_create(
                        admin=admin,
                        spec=UserSpec(
                            username=options["username"],
                            role=options["role"],
                            regions=tuple(options["region"]),
                            name=options["name"],
                        ),
                    )
                ]
            else:
                path = Path(options["file"])
                if not path.is_file():
                    raise CommandError(f"Berkas {path} tidak ada.")
                created = users_import(admin=admin, rows=users_file_read(path))
        except AccountError as exc:
            lines = [str(exc), *(shown(p) for p in exc.problems)]
            raise CommandError("\n".join(lines)) from exc
        rows = [created_dict(c) for c in created]
        if options["json"]:
            body = (
                rows[0] if options["action"] == "create" else {"created": len(rows), "users": rows}
            )
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        for row in rows:
            secret = (
                f"kata sandi (sekali tampil): {row['password']}"
                if row["password"]
                else f"tautan pilih sandi: {row['link']}"
            )
            self.stdout.write(
                f"{row['username']} ({row['role']}, {', '.join(row['regions'])}) dibuat; {secret}"
            )
