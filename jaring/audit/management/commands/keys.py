"""``jaring keys status [--json]`` and ``jaring keys rotate [--batch-rows N] [--json]``: how many
ciphertexts each field key holds, and re-encrypting them all under the current key
(:mod:`jaring.core.rotation`; the procedure is in docs/deploy.md §4). ``jaring keys new``
prints new keys before any setting is read (``jaring.__main__``)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.audit.services import cli_actor_label
from jaring.core.rotation import (
    BATCH_ROWS,
    CipherColumn,
    RotationError,
    key_status,
    keys_rotate,
)


class Command(BaseCommand):
    help = "Kunci enkripsi data: status (berapa sandi per kunci) dan rotate (enkripsi ulang)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        status = actions.add_parser("status", help="Jumlah sandi di tiap kolom per nomor kunci")
        status.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")
        rotate = actions.add_parser(
            "rotate", help="Enkripsi ulang semua sandi dengan kunci sekarang (dapat dilanjutkan)"
        )
        rotate.add_argument(
            "--batch-rows", type=int, default=BATCH_ROWS, help="Baris per transaksi"
        )
        rotate.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")
        actions.add_parser("new", help="Cetak kunci baru (jalankan sebagai: jaring keys new)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "new":
            raise CommandError("Jalankan 'jaring keys new' (tanpa manage.py).")
        if options["action"] == "status":
            self._status(as_json=options["json"])
        else:
            self._rotate(batch_rows=options["batch_rows"], as_json=options["json"])

    def _status(self, *, as_json: bool) -> None:
        status = key_status()
        if as_json:
            self.stdout.write(json.dumps(status.as_dict()))
            return
        ring = ", ".join(map(str, sorted(status.ring)))
        self.stdout.write(f"Kunci sekarang: {status.current}; cincin kunci: {ring}.")
        for column in status.columns:
            parts = [f"kunci {k}: {n:,}" for k, n in sorted(column.by_key.items())]
            if column.legacy:
                parts.append(f"tanpa nomor kunci (lama): {column.legacy:,}")
            if column.unbound:
                parts.append(f"belum terikat ke barisnya: {column.unbound:,}")
            if column.unreadable:
                parts.append(f"bukan sandi: {column.unreadable:,}")
            self.stdout.write(
                f"  {column.table}.{column.field}: {column.rows:,} sandi"
                + (f" ({'; '.join(parts)})" if parts else "")
            )
        left = status.to_rotate()
        self.stdout.write(
            f"{left:,} sandi belum di bawah kunci {status.current}"
            + (": jalankan 'jaring keys rotate'." if left else "; kunci lain boleh dilepas.")
        )

    def _rotate(self, *, batch_rows: int, as_json: bool) -> None:
        if batch_rows < 1:
            raise CommandError("--batch-rows harus 1 atau lebih.")

        def progress(column: CipherColumn, written: int) -> None:
            if not as_json:
                self.stderr.write(f"  {column.label}: +{written:,}")

        try:
            result = keys_rotate(
                actor_label=cli_actor_label(), batch_rows=batch_rows, after_batch=progress
            )
        except RotationError as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        for column in result.columns:
            self.stdout.write(
                f"  {column.table}.{column.field}: {column.rewritten:,} dienkripsi ulang"
                + (
                    f", {column.changed_meanwhile:,} berubah sementara"
                    if column.changed_meanwhile
                    else ""
                )
            )
        self.stdout.write(
            f"Selesai: {result.rotation.rewritten:,} sandi kini di bawah kunci "
            f"{result.rotation.key_id} ({result.seconds:.1f} detik)."
        )
