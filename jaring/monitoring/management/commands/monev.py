"""``jaring monev …``: coverage, Monev reports, the Paritrana scorecard, targets and reported
figures from the command line. Every command takes ``--json``; bad input ends with one clear
message, a non-zero exit status, and nothing changed."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jaring.core.formats import number, percent
from jaring.monitoring.models import AwardCategory, FigureKind, Measure
from jaring.monitoring.periods import Period, PeriodError
from jaring.monitoring.selectors import (
    NATIONAL,
    CoverageError,
    as_json,
    children_coverage,
    coverage_checked,
    figure_checks,
)
from jaring.monitoring.services import (
    MonitoringInputError,
    decimal_value,
    figure_report,
    tallies_recompute,
    target_set,
)

NATIONAL_NAMES = {"", "id", "nasional", "indonesia"}


def _region(text: str) -> str:
    return NATIONAL if text.strip().lower() in NATIONAL_NAMES else text.strip()


class Command(BaseCommand):
    help = "Monev: cakupan kepesertaan, laporan, Paritrana Award, target dan angka dilaporkan."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        coverage = sub.add_parser("coverage", help="Cakupan suatu wilayah dan wilayah di bawahnya")
        coverage.add_argument("--region", required=True, help="Kode wilayah (ID: nasional)")
        coverage.add_argument("--period", default=None, help="YYYY-MM (bawaan: bulan ini)")
        coverage.add_argument("--user", default=None, help="Batasi ke wilayah kerja pengguna ini")
        coverage.add_argument("--json", action="store_true")

        report = sub.add_parser("report", help="Laporan Monev (PDF atau xlsx)")
        report.add_argument("--region", required=True)
        report.add_argument("--period", required=True, help="YYYY-MM")
        report.add_argument("--format", required=True, help="pdf atau xlsx")
        report.add_argument("--output", required=True, type=Path)
        report.add_argument("--json", action="store_true")

        award = sub.add_parser("award", help="Penilaian Paritrana Award suatu provinsi")
        award.add_argument("--province", required=True)
        award.add_argument("--year", required=True, type=int)
        award.add_argument(
            "--category", default=AwardCategory.REGENCY, choices=AwardCategory.values
        )
        award.add_argument("--json", action="store_true")

        target = sub.add_parser("target", help="Tetapkan target wilayah untuk satu tahun")
        target.add_argument("--region", required=True)
        target.add_argument("--year", required=True, type=int)
        target.add_argument("--measure", required=True, choices=Measure.values)
        target.add_argument("--value", required=True)
        target.add_argument("--source", default="")
        target.add_argument("--json", action="store_true")

        figure = sub.add_parser("figure", help="Catat angka yang dilaporkan pihak lain")
        figure.add_argument("--region", required=True)
        figure.add_argument("--date", required=True, help="YYYY-MM-DD (per tanggal)")
        figure.add_argument("--kind", required=True, choices=FigureKind.values)
        figure.add_argument("--value", required=True)
        figure.add_argument("--source", required=True)
        figure.add_argument("--categories", default="", help="Kode kategori, dipisah koma")
        figure.add_argument("--json", action="store_true")

        checks = sub.add_parser("checks", help="Angka dilaporkan dibanding hasil hitung")
        checks.add_argument("--region", required=True)
        checks.add_argument("--json", action="store_true")

        recompute = sub.add_parser("recompute", help="Hitung ulang semua rekap dari baris data")
        recompute.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            result = getattr(self, f"_{action}")(options)
        except (CoverageError, PeriodError, MonitoringInputError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))

    # --- coverage ----------------------------------------------------------------------------

    def _coverage(self, options: dict[str, Any]) -> dict[str, Any]:
        period = Period.parse(options["period"]) if options["period"] else Period.current()
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user '%(user)s'.") % {"user": options["user"]})
        coverage = coverage_checked(_region(options["region"]), period, user=user)
        result = as_json(coverage)
        result["children"] = [as_json(c) for c in children_coverage(coverage.place, period)]
        if not options["json"]:
            self.stdout.write(
                f"{coverage.place.name}, akhir {period.label}: "
                f"{number(coverage.registered)} pekerja rentan terdaftar; penduduk bekerja "
                f"{number(coverage.working_population)} ({coverage.denominator.source}); "
                f"cakupan {percent(coverage.coverage_pct)}"
                + (f" = {coverage.coverage_formula}" if coverage.coverage_formula else "")
            )
        return result

    # --- targets and reported figures --------------------------------------------------------

    def _target(self, options: dict[str, Any]) -> dict[str, Any]:
        measure = Measure(options["measure"])
        value = decimal_value(options["value"], percent=measure.is_percent, what=_("Target"))
        target = target_set(
            region_code=options["region"],
            year=options["year"],
            measure=measure,
            value=value,
            source=options["source"],
            user=None,
        )
        if not options["json"]:
            self.stdout.write(f"Target {target.region_id} {target.year}: {target.value}")
        return {
            "target": target.pk,
            "region": target.region_id,
            "year": target.year,
            "measure": target.measure,
            "value": float(target.value),
        }

    def _figure(self, options: dict[str, Any]) -> dict[str, Any]:
        kind = FigureKind(options["kind"])
        try:
            as_of = date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(
                f"Tanggal {options['date']!r} tidak dapat dibaca; contoh 2023-12-31."
            ) from exc
        figure = figure_report(
            region_code=options["region"],
            as_of=as_of,
            kind=kind,
            value=decimal_value(options["value"], percent=kind.is_percent, what=_("Figure")),
            source=options["source"],
            categories=[c.strip() for c in options["categories"].split(",") if c.strip()],
            user=None,
        )
        check = next(c for c in figure_checks(figure.region_id) if c.figure.pk == figure.pk)
        if not options["json"]:
            flag = " — TIDAK SESUAI" if check.flagged else ""
            self.stdout.write(
                f"Dicatat: {figure.value} per {figure.as_of}; hitung: {check.formula}{flag}"
            )
        return {"figure": figure.pk, **_check_json(check)}

    def _checks(self, options: dict[str, Any]) -> dict[str, Any]:
        from jaring.monitoring.selectors import place_get

        place = place_get(_region(options["region"]))
        checks = [_check_json(c) for c in figure_checks(place.code)]
        if not options["json"]:
            for c in checks:
                flag = (
                    "TIDAK SESUAI"
                    if c["flagged"]
                    else ("sesuai" if c["computed"] is not None else "tidak dapat diperiksa")
                )
                self.stdout.write(
                    f"{c['as_of']} {c['kind']}: dilaporkan {c['reported']}, "
                    f"hitung {c['computed']} ({c['formula']}) — {flag}"
                )
        return {"region": place.code, "checks": checks}

    # --- recomputation -----------------------------------------------------------------------

    def _recompute(self, options: dict[str, Any]) -> dict[str, Any]:
        results = tallies_recompute()
        if not options["json"]:
            for r in results:
                self.stdout.write(f"Rekap {r.tally}: {r.rows:,} baris dalam {r.seconds} detik")
        return {
            "tallies": [{"tally": r.tally, "rows": r.rows, "seconds": r.seconds} for r in results]
        }

    # --- reports and awards ------------------------------------------------------------------

    def _report(self, options: dict[str, Any]) -> dict[str, Any]:
        from jaring.monitoring.reports import ReportFormat, monev_report

        fmt = options["format"]
        if fmt not in ReportFormat.__args__:  # type: ignore[attr-defined]
            raise CommandError(_("Unknown format '%(format)s'; use pdf or xlsx.") % {"format": fmt})
        period = Period.parse(options["period"])
        output: Path = options["output"]
        if not output.parent.exists():
            raise CommandError(
                _("The folder %(folder)s does not exist.") % {"folder": output.parent}
            )
        coverage = coverage_checked(_region(options["region"]), period)
        content = monev_report(coverage, file_format=fmt)
        output.write_bytes(content)
        if not options["json"]:
            self.stdout.write(f"Laporan Monev {coverage.place.name} {period.label}: {output}")
        return {
            "region": coverage.place.code,
            "period": period.iso,
            "format": fmt,
            "output": str(output),
            "bytes": len(content),
        }

    def _award(self, options: dict[str, Any]) -> dict[str, Any]:
        from jaring.monitoring.scorecard import AwardError, award_json, award_rank

        try:
            ranking = award_rank(
                province_code=options["province"],
                year=options["year"],
                category=AwardCategory(options["category"]),
            )
        except AwardError as exc:
            raise CommandError(str(exc)) from exc
        if not options["json"]:
            for row in ranking.rows:
                self.stdout.write(f"{row.rank:>3}. {row.place.name:<35} {row.score:6.2f}")
        return award_json(ranking)


def _check_json(check: Any) -> dict[str, Any]:
    return {
        "region": check.figure.region_id,
        "kind": check.figure.kind,
        "as_of": check.figure.as_of.isoformat(),
        "reported": float(check.figure.value),
        "computed": float(check.computed) if check.computed is not None else None,
        "formula": check.formula,
        "flagged": check.flagged,
        "source": check.figure.source,
        "note": check.note,
    }
