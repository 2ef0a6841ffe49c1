"""``jaring match [--region CODE] [--threshold P] [--json]``: find probable duplicates."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.regions.models import Region
from jaring.registry.matching import DEFAULT_THRESHOLD, MatchingError
from jaring.registry.matching.services import REVIEW_THRESHOLD, match_run


def _probability(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")  # the engine's own check gives the clear message


class Command(BaseCommand):
    help = "Cari orang yang tercatat lebih dari sekali (pencocokan probabilistik, Splink)."
    # A data command: Django's system checks (which import every page) add seconds, not safety.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--region", default=None, help="Kode wilayah (bawaan: seluruh registri)"
        )
        parser.add_argument(
            "--threshold",
            type=_probability,
            default=REVIEW_THRESHOLD,
            help=f"Peluang terendah yang masuk antrean tinjauan, 0–1 (bawaan {REVIEW_THRESHOLD}; "
            f"≥ {DEFAULT_THRESHOLD} dihitung 'hampir pasti sama')",
        )
        parser.add_argument("--retrain", action="store_true", help="Latih ulang model")
        parser.add_argument("--json", action="store_true", help="Ringkasan sebagai JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        region = options["region"]
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"Kode wilayah {region!r} tidak dikenal; contoh: 35.71.")
        try:
            summary = match_run(
                region_code=region, threshold=options["threshold"], retrain=options["retrain"]
            )
        except MatchingError as exc:
            raise CommandError(exc.message.render("id")) from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict()))
            return
        self.stdout.write(
            f"Pencocokan #{summary.run}: {summary.people_compared:,} orang dibandingkan, "
            f"{summary.candidate_pairs:,} pasangan untuk ditinjau (≥ {summary.threshold}), "
            f"{summary.likely_duplicates:,} hampir pasti sama (≥ {DEFAULT_THRESHOLD}), "
            f"{summary.clusters:,} kelompok, {summary.seconds} detik"
            + (" (model dilatih)" if summary.trained else "")
        )
