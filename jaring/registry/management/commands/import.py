# noqa: N999 -- the module name is the sub-command users type: jaring import FILE
"""``jaring import FILE --region CODE``: check and commit a list from the command line;
``jaring import --again BATCH``: run a stored batch again (interrupted, failed, or checked only).

Before either, what a killed import left is put right (imports.recovery): its batch is marked
interrupted, its scratch files removed."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.recovery import imports_recover, recovered_message
from jaring.registry.imports.services import ImportRequestError, import_create, import_run
from jaring.registry.models import ImportBatch, OnExisting


class Command(BaseCommand):
    help = "Impor daftar pekerja (xlsx, xls, csv) ke registri: diperiksa, lalu disimpan."
    # A data command: Django's system checks (which import every page) add seconds, not safety.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", help="Berkas xlsx, xls atau csv")
        parser.add_argument(
            "--again",
            type=int,
            metavar="BATCH",
            help="Jalankan ulang impor BATCH dari berkas yang tersimpan (terputus, gagal, atau "
            "baru diperiksa)",
        )
        parser.add_argument(
            "--region",
            help="Kode wilayah daftar: kab/kota, kecamatan, atau desa/kelurahan (baris tanpa desa "
            "memakai desa ini)",
        )
        parser.add_argument("--source", default="", help="Nama sumber daftar (bawaan: nama berkas)")
        parser.add_argument("--sheet", default=None, help="Hanya lembar ini (bawaan: semua)")
        parser.add_argument(
            "--on-existing",
            choices=[c.value for c in OnExisting],
            default=OnExisting.UPDATE.value,
            help="Bila NIK sudah ada di registri (bawaan: update)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja, jangan simpan")
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["file"]
        again: int | None = options["again"]
        if (path is None) == (again is None):
            raise CommandError("Sebutkan satu: BERKAS (dengan --region) atau --again BATCH.")
        if path is not None and not options["region"]:
            raise CommandError("Sebutkan --region KODE wilayah daftar.")
        if path is not None and not path.is_file():
            raise CommandError(f"Berkas {path} tidak ada.")
        quiet = options["json"] or options["verbosity"] == 0
        if (message := recovered_message(imports_recover())) and not quiet:
            self.stderr.write(message)
        if again is not None:
            if not ImportBatch.objects.filter(pk=again).exists():
                raise CommandError(f"Impor #{again} tidak ada.")
            self._run(again, quiet=quiet, json_out=options["json"])
            return
        assert path is not None
        try:
            with path.open("rb") as source:
                batch = import_create(
                    source=source,
                    file_name=path.name,
                    region_code=options["region"],
                    source_name=options["source"],
                    on_existing=OnExisting(options["on_existing"]),
                    dry_run=options["dry_run"],
                    sheet=options["sheet"],
                )
        except (ImportRequestError, ImportFileError) as exc:
            raise CommandError(exc.message.render("id")) from exc
        self._run(batch.pk, quiet=quiet, json_out=options["json"])

    def _run(self, batch_id: int, *, quiet: bool, json_out: bool) -> None:
        try:
            summary = import_run(batch_id, progress=None if quiet else _progress_bar)
        except (ImportRequestError, ImportFileError) as exc:
            raise CommandError(exc.message.render("id")) from exc
        if not quiet:
            sys.stderr.write("\n")
        if json_out:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self._print(summary)

    def _print(self, summary: dict[str, Any]) -> None:
        verb = "disimpan" if summary["status"] == "committed" else "diperiksa (belum disimpan)"
        self.stdout.write(f"Impor #{summary['batch']} {summary['file']}: {verb}")
        self.stdout.write(
            f"  baris {summary['rows']:,} · diterima {summary['accepted']:,} · dengan peringatan "
            f"{summary['warnings']:,} · ditahan (menunggu keputusan) {summary['held']:,} · "
            f"ditolak {summary['rejected']:,}"
        )
        self.stdout.write(
            f"  orang baru {summary['created']:,} · diperbarui {summary['updated']:,} · sudah "
            f"sesuai {summary['unchanged']:,} · dilewati {summary['skipped']:,} · konflik "
            f"{summary['conflicts']:,} · ganda dalam berkas {summary['duplicates_in_file']:,}"
        )
        for code, count in summary["problems"].items():
            self.stdout.write(f"  {code}: {count:,}")
        self.stdout.write(f"  waktu {summary.get('seconds', 0)} detik")


_STAGES = {
    "reading": "membaca",
    "checking": "memeriksa",
    "protecting": "mengenkripsi",
    "saving": "menyimpan",
}


def _progress_bar(stage: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else 0
    label = _STAGES.get(stage, stage)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {label:<13} {done:>9,}/{total:,}")
    sys.stderr.flush()
