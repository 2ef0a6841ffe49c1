"""``jaring national …``: what leaves a region, and what the national operator runs on it.

- ``jaring national export --output DIR [--region CODE] [--json]``: this deployment's export
  (Parquet, blind indexes under JARING_NATIONAL_KEY, never a plain NIK or phone; audited);
- ``jaring national coverage --input DIR [--input DIR …] --output DIR [--engine duckdb|spark]``:
  coverage per kab/kota, province and nation by month;
- with ``--engine spark``, ``--master URL`` (default ``JARING_SPARK_MASTER``, ``local[2]``)
  and ``--spark-conf NAME=VALUE`` (repeated; also ``JARING_SPARK_CONF``) choose the Spark;
- ``jaring national match --input DIR [--input DIR …] --output DIR --engine spark|duckdb``:
  cross-region candidate pairs with the trained model of ``jaring match``;
- ``jaring national import-pairs DIR``: this region's share back as cross-region flags.

Bad input: one clear message, non-zero exit, nothing written.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.national.engines import spark_for
from jaring.national.errors import NationalError
from jaring.regions.models import Region


def _spark_options(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--master",
        default=None,
        help="Master Spark: local[2] (bawaan, atau JARING_SPARK_MASTER), spark://host:7077, "
        "k8s://https://…",
    )
    parser.add_argument(
        "--spark-conf",
        action="append",
        default=None,
        metavar="NAMA=NILAI",
        help="Pengaturan Spark, mis. spark.driver.memory=8g (ulangi; juga JARING_SPARK_CONF)",
    )


class Command(BaseCommand):
    help = "Skala nasional: ekspor wilayah, cakupan dan pencocokan lintas wilayah."
    # A data command: Django's system checks (which import every page) add seconds, not safety.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="Ekspor untuk tingkat nasional (Parquet, indeks buta nasional)"
        )
        export.add_argument("--output", type=Path, required=True, help="Folder baru tujuan")
        export.add_argument(
            "--region", default="", help="Kode wilayah deployment (bawaan: seluruh registri)"
        )
        export.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

        coverage = sub.add_parser(
            "coverage", help="Cakupan per kab/kota, provinsi dan nasional per bulan"
        )
        coverage.add_argument(
            "--input",
            type=Path,
            action="append",
            required=True,
            help="Folder ekspor suatu wilayah (ulangi untuk wilayah lain)",
        )
        coverage.add_argument("--output", type=Path, required=True, help="Folder baru tujuan")
        coverage.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        _spark_options(coverage)
        coverage.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

        match = sub.add_parser("match", help="Pasangan calon orang yang sama lintas wilayah")
        match.add_argument(
            "--input",
            type=Path,
            action="append",
            required=True,
            help="Folder ekspor suatu wilayah (ulangi untuk wilayah lain)",
        )
        match.add_argument("--output", type=Path, required=True, help="Folder baru tujuan")
        match.add_argument("--engine", choices=["spark", "duckdb"], default="duckdb")
        _spark_options(match)
        match.add_argument(
            "--model",
            type=Path,
            default=None,
            help="Model terlatih dari 'jaring match' (bawaan: model deployment ini)",
        )
        match.add_argument("--threshold", type=float, default=None, help="Peluang terendah, 0–1")
        match.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

        back = sub.add_parser(
            "import-pairs", help="Tandai orang yang juga terdaftar di wilayah lain"
        )
        back.add_argument("folder", type=Path, help="Folder hasil 'jaring national match'")
        back.add_argument(
            "--region",
            action="append",
            default=None,
            help="Wilayah deployment ini di pasangan (bawaan: semua yang orangnya ada di sini)",
        )
        back.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
        except NationalError as exc:
            raise CommandError(str(exc)) from exc

    def _print(self, options: dict[str, Any], summary: dict[str, Any], text: str) -> None:
        self.stdout.write(json.dumps(summary) if options.get("json") else text)

    def _export(self, options: dict[str, Any]) -> None:
        from jaring.national.exports import national_export

        region = options["region"]
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"Kode wilayah {region!r} tidak dikenal; contoh: 35.16.")
        summary = national_export(output=options["output"], region_code=region)
        rows = summary.rows
        self._print(
            options,
            summary.as_dict(),
            f"Ekspor nasional {summary.region or 'seluruh registri'} di {summary.output}: "
            f"{rows['people']:,} orang, {rows['memberships']:,} keanggotaan, "
            f"{rows['paid']:,} bulan terbayar; kunci {summary.key_fingerprint}.",
        )

    def _coverage(self, options: dict[str, Any]) -> None:
        from jaring.national.coverage import national_coverage, summary
        from jaring.national.parts import read_exports

        exports = read_exports(options["input"])
        with spark_for(options["engine"], options["master"], options["spark_conf"]) as spark:
            frame = national_coverage(
                exports, output=options["output"], engine=options["engine"], spark=spark
            )
        result = {"output": str(options["output"]), "engine": options["engine"], **summary(frame)}
        latest = result["latest"] or {}
        self._print(
            options,
            result,
            f"Cakupan nasional ({options['engine']}) di {options['output']}: "
            f"{result['rows']['kabkota']:,} baris kab/kota, {result['months']} bulan; "
            f"bulan terakhir {latest.get('month', '-')}: {latest.get('registered', 0):,} "
            f"terdaftar, {latest.get('in_sk', 0):,} dalam SK, {latest.get('active', 0):,} aktif.",
        )

    def _match(self, options: dict[str, Any]) -> None:
        from jaring.national.matching import national_match
        from jaring.national.parts import read_exports
        from jaring.registry.matching import DEFAULT_THRESHOLD
        from jaring.registry.matching.services import model_path

        exports = read_exports(options["input"])
        threshold = options["threshold"]
        with spark_for(options["engine"], options["master"], options["spark_conf"]) as spark:
            pairs = national_match(
                exports,
                output=options["output"],
                model_path=options["model"] or model_path(),
                engine=options["engine"],
                threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                spark=spark,
            )
        result = {
            "output": str(options["output"]),
            "engine": options["engine"],
            "pairs": pairs.height,
            "regions": [e.region for e in exports.exports],
        }
        self._print(
            options,
            result,
            f"Pencocokan nasional ({options['engine']}) di {options['output']}: "
            f"{pairs.height:,} pasangan lintas wilayah.",
        )

    def _import_pairs(self, options: dict[str, Any]) -> None:
        from jaring.national.services import pairs_import

        summary = pairs_import(folder=options["folder"], region_codes=options["region"])
        self._print(
            options,
            summary.as_dict(),
            f"{summary.people:,} orang ditandai 'terdaftar di wilayah lain — hubungi Disnaker "
            f"wilayah itu' ({summary.flags:,} tanda); {summary.unknown:,} tidak dikenal di sini.",
        )
