"""The Monev report of a region and period, as PDF (WeasyPrint) and xlsx, in Indonesian.

Fit for the six-monthly Inpres 2/2021 report and a Monev meeting: the figures with their
sources and formulas, the targets, the trend, the map of the regions below, the breakdowns and
the reported figures beside what the rows give. Charts and the map are drawn on the server as
SVG from Vega-Lite specifications (vl-convert): no browser is needed.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from jaring.core.formats import date_label, number, percent
from jaring.monitoring.selectors import (
    Coverage,
    FigureCheck,
    Slice,
    TargetProgress,
    TrendPoint,
    ancestors,
    breakdowns,
    children_coverage,
    figure_checks,
    targets_progress,
    trend,
)
from jaring.regions.models import RegionBoundary

ReportFormat = Literal["pdf", "xlsx"]

BREAKDOWN_TITLES = {
    "occupation": "Menurut kategori pekerjaan",
    "sex": "Menurut jenis kelamin",
    "age": "Menurut kelompok usia",
    "funder": "Menurut sumber dana daftar",
}
COLOURS = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]


@dataclass
class ReportData:
    coverage: Coverage
    children: list[Coverage]
    trend: list[TrendPoint]
    breakdowns: dict[str, list[Slice]]
    targets: list[TargetProgress]
    checks: list[FigureCheck]
    lineage: str

    @property
    def semester(self) -> str:
        period = self.coverage.period
        return f"Semester {'I' if period.month <= 6 else 'II'} {period.year}"


def report_data(coverage: Coverage) -> ReportData:
    place, period = coverage.place, coverage.period
    return ReportData(
        coverage=coverage,
        children=children_coverage(place, period),
        trend=trend(place, period, months=12),
        breakdowns=breakdowns(place, period),
        targets=targets_progress(coverage),
        checks=figure_checks(place.code) if place.code else [],
        lineage=" › ".join(a.name for a in ancestors(place)[1:]),
    )


# --- charts as SVG -----------------------------------------------------------------------------

_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
_FONT = {"font": "DejaVu Sans", "labelFont": "DejaVu Sans", "titleFont": "DejaVu Sans"}


# Numbers as Indonesians write them (d3-format has no id-ID locale of its own).
_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}


def _svg(spec: dict[str, Any]) -> str:
    import vl_convert

    spec = {"$schema": _SCHEMA, "config": {"view": {"stroke": None}, **_FONT}, **spec}
    svg: str = vl_convert.vegalite_to_svg(spec, format_locale=_LOCALE)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def trend_chart(points: list[TrendPoint]) -> str:
    values = [
        {"bulan": p.period.label, "urut": i, "terdaftar": p.registered}
        for i, p in enumerate(points)
    ]
    return _svg(
        {
            "width": 480,
            "height": 170,
            "data": {"values": values},
            "mark": {"type": "line", "point": True, "color": "#0b5d7a"},
            "encoding": {
                "x": {
                    "field": "bulan",
                    "type": "ordinal",
                    "sort": {"field": "urut"},
                    "title": None,
                },
                "y": {
                    "field": "terdaftar",
                    "type": "quantitative",
                    "title": "Pekerja rentan terdaftar",
                },
            },
        }
    )


def bar_chart(slices: list[Slice], title: str, *, ordered: bool = False) -> str:
    """Bars of the largest slices (``ordered``: in the order given, e.g. age bands)."""
    values = [{"kategori": s.label, "orang": s.n} for s in slices[:12]]
    return _svg(
        {
            "width": 230,
            "height": max(40, 16 * len(values)),
            "title": {"text": title, "fontSize": 11},
            "data": {"values": values},
            "mark": {"type": "bar", "color": "#2b8cbe"},
            "encoding": {
                "y": {
                    "field": "kategori",
                    "type": "nominal",
                    "sort": None if ordered else "-x",
                    "title": None,
                },
                "x": {"field": "orang", "type": "quantitative", "title": None},
            },
        }
    )


def _rewound(geometry: dict[str, Any]) -> dict[str, Any]:
    """Rings as d3-geo (Vega) wants them: exterior clockwise, holes anticlockwise (GeoJSON's
    RFC 7946 order is the opposite; drawn as is, a region would cover the rest of the globe)."""

    def area(ring: list[list[float]]) -> float:
        return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))

    def fix(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
        return [
            ring[::-1] if (area(ring) > 0) == (i == 0) else ring for i, ring in enumerate(polygon)
        ]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": fix(geometry["coordinates"])}
    return {"type": "MultiPolygon", "coordinates": [fix(p) for p in geometry["coordinates"]]}


def map_chart(children: list[Coverage], measure: str) -> str | None:
    """Choropleth of the child regions (shipped boundaries) coloured by ``measure``: "coverage"
    (UCJ %), "registered" (% of informal workers) or "count" (workers registered)."""
    codes = [c.place.code for c in children]
    shapes = dict(
        RegionBoundary.objects.filter(region_id__in=codes).values_list("region_id", "geometry")
    )
    if not shapes:
        return None
    features = []
    for child in children:
        if child.place.code not in shapes:
            continue
        value = {
            "coverage": child.coverage_pct,
            "registered": child.registered_pct,
            "count": child.registered,
        }[measure]
        features.append(
            {
                "type": "Feature",
                "geometry": _rewound(json.loads(shapes[child.place.code])),
                "properties": {
                    "nama": child.place.name,
                    "persen": float(value) if value is not None else None,
                },
            }
        )
    return _svg(
        {
            "width": 480,
            "height": 300,
            "data": {
                "values": {"type": "FeatureCollection", "features": features},
                "format": {"type": "json", "property": "features"},
            },
            "projection": {"type": "mercator"},
            "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5},
            "encoding": {
                "color": {
                    "field": "properties.persen",
                    "type": "quantitative",
                    "scale": {"range": COLOURS},
                    "title": "orang" if measure == "count" else "%",
                    "legend": {"orient": "right"},
                },
            },
        }
    )


# --- PDF ---------------------------------------------------------------------------------------


def report_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    if any(c.bpjs_active_reported for c in data.children):
        map_measure = "coverage"
    elif any(c.informal for c in data.children):
        map_measure = "registered"
    else:  # below kab/kota Sakernas gives no denominator
        map_measure = "count"
    html = render_to_string(
        "monitoring/report.html",
        {
            "data": data,
            "cov": data.coverage,
            "trend_svg": trend_chart(data.trend),
            "map_svg": map_chart(data.children, map_measure),
            "map_measure": map_measure,
            "charts": [
                (
                    BREAKDOWN_TITLES[key],
                    bar_chart(slices, BREAKDOWN_TITLES[key], ordered=key in ("age", "sex")),
                    slices,
                )
                for key, slices in data.breakdowns.items()
                if slices
            ],
            "generated": date_label(timezone.localdate()),
        },
    )
    return bytes(HTML(string=html).write_pdf())


# --- xlsx --------------------------------------------------------------------------------------


def report_xlsx(data: ReportData) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    count = book.add_format({"num_format": "#,##0"})
    pct = book.add_format({"num_format": "0.00"})
    cov = data.coverage

    sheet = book.add_worksheet("Ringkasan")
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 60)
    sheet.write(0, 0, f"Laporan Monev Jamsostek — {cov.place.name}", title)
    sheet.write(
        1,
        0,
        f"Periode {cov.period.label} ({data.semester}); dibuat {date_label(timezone.localdate())}",
    )
    rows: list[tuple[str, Any, str]] = [
        ("Penduduk bekerja", cov.working_population, cov.denominator.source),
        ("Penduduk bekerja informal", cov.informal, "BPS Sakernas"),
        (
            "Peserta aktif BPJS Ketenagakerjaan (semua segmen)",
            cov.ucj_numerator,
            "Dilaporkan BPJS"
            if cov.ucj_numerator_source == "reported"
            else "Dari baris data Jaring",
        ),
        ("Cakupan semesta (UCJ), %", _f(cov.coverage_pct), cov.coverage_formula),
        ("Pekerja rentan terdaftar", cov.registered, "Registri Jaring"),
        (
            "Pekerja rentan terdaftar, % pekerja informal",
            _f(cov.stage_pct("registered")),
            cov.stage_formula("registered"),
        ),
        ("Dalam SK penerima", cov.in_sk, "Program dan SK"),
        ("Aktif (iuran dibayar)", cov.active, "Tagihan dan pembayaran"),
    ]
    sheet.write_row(3, 0, ["Indikator", "Nilai", "Sumber / rumus"], head)
    for i, (label, value, note) in enumerate(rows, start=4):
        sheet.write(i, 0, label)
        sheet.write(i, 1, value, pct if isinstance(value, float) else count)
        sheet.write(i, 2, note)

    sheet = book.add_worksheet("Target")
    sheet.write_row(
        0, 0, ["Tahun", "Ukuran", "Target", "Realisasi", "Selisih", "Capaian %", "Sumber"], head
    )
    for i, t in enumerate(data.targets, start=1):
        sheet.write_row(
            i,
            0,
            [
                t.target.year,
                t.target.get_measure_display(),
                float(t.target.value),
                _f(t.realised),
                _f(t.gap),
                _f(t.achieved_pct),
                t.target.source,
            ],
        )

    sheet = book.add_worksheet("Tren")
    sheet.write_row(0, 0, ["Bulan", "Pekerja rentan terdaftar", "Dalam SK", "Aktif"], head)
    for i, p in enumerate(data.trend, start=1):
        sheet.write_row(i, 0, [p.period.iso, p.registered, p.in_sk, p.active])

    sheet = book.add_worksheet("Wilayah")
    sheet.set_column(1, 1, 32)
    sheet.write_row(
        0,
        0,
        [
            "Kode",
            "Wilayah",
            "Penduduk bekerja",
            "Informal",
            "Terdaftar",
            "Terdaftar % informal",
            "Peserta aktif BPJS",
            "UCJ %",
        ],
        head,
    )
    for i, c in enumerate(data.children, start=1):
        sheet.write_row(
            i,
            0,
            [
                c.place.code,
                c.place.name,
                c.working_population,
                c.informal,
                c.registered,
                _f(c.stage_pct("registered")),
                c.ucj_numerator,
                _f(c.coverage_pct),
            ],
        )

    for key, slices in data.breakdowns.items():
        sheet = book.add_worksheet(BREAKDOWN_TITLES[key].replace("Menurut ", "").capitalize()[:31])
        sheet.set_column(0, 0, 36)
        sheet.write_row(0, 0, [BREAKDOWN_TITLES[key], "Orang"], head)
        for i, s in enumerate(slices, start=1):
            sheet.write_row(i, 0, [s.label, s.n])

    sheet = book.add_worksheet("Dilaporkan vs dihitung")
    sheet.set_column(0, 6, 20)
    sheet.write_row(
        0, 0, ["Per tanggal", "Angka", "Dilaporkan", "Dihitung", "Rumus", "Status", "Sumber"], head
    )
    for i, check in enumerate(data.checks, start=1):
        sheet.write_row(
            i,
            0,
            [
                check.figure.as_of.isoformat(),
                check.figure.get_kind_display(),
                float(check.figure.value),
                _f(check.computed),
                check.formula or check.note,
                "TIDAK SESUAI" if check.flagged else "sesuai",
                check.figure.source,
            ],
        )
    sheet.write(
        len(data.checks) + 2, 0, "Sumber: BPS, Sakernas Agustus 2025; registri Jaring.", bold
    )
    book.close()
    return buffer.getvalue()


def _f(value: Any) -> float | None:
    return float(value) if value is not None else None


def monev_report(coverage: Coverage, *, file_format: ReportFormat) -> bytes:
    """The report of ``coverage``'s region and period as PDF or xlsx bytes, in Indonesian."""
    with translation.override("id"):
        data = report_data(coverage)
        return report_pdf(data) if file_format == "pdf" else report_xlsx(data)


__all__ = ["ReportFormat", "monev_report", "number", "percent"]
