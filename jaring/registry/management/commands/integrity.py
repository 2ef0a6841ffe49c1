"""``jaring integrity``: prove that no row points at a region, category or batch that is gone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jaring.registry.integrity import dangling_references


class Command(BaseCommand):
    help = "Periksa rujukan antar-tabel yang tidak dijaga oleh basis data (ADR 0004)."
    # A data command: Django's system checks (which import every page) add seconds, not safety.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        counts = dangling_references()
        for label, count in counts.items():
            self.stdout.write(f"{label:<24} {count:>8,}")
        broken = {k: v for k, v in counts.items() if v}
        if broken:
            raise CommandError(f"Rujukan putus: {broken}")
        self.stdout.write("Semua rujukan utuh.")
