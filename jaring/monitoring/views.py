"""Pages of monitoring: the dashboard, its map shapes, the working population, targets and
reported figures, the Paritrana scorecard, and the Monev report downloads."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.permissions import capability_required, has_capability, signed_in_user
from jaring.audit.services import acting_as
from jaring.core.formats import date_label
from jaring.core.scoping import region_in_scope, user_region_codes
from jaring.core.tallies import versioned
from jaring.monitoring.forms import FigureForm, PeriodForm, ScoreForm, TargetForm
from jaring.monitoring.models import AwardCategory, ReportedFigure, Target
from jaring.monitoring.periods import Period, PeriodError
from jaring.monitoring.reports import monev_report
from jaring.monitoring.scorecard import AwardError, award_rank, scheme_for, score_set
from jaring.monitoring.selectors import (
    NATIONAL,
    Coverage,
    CoverageError,
    ancestors,
    breakdowns,
    children_coverage,
    coverage_checked,
    default_place_code,
    figure_checks,
    place_check_scope,
    place_get,
    ratio,
    targets_progress,
    trend,
)
from jaring.monitoring.services import MonitoringInputError, figure_report, target_set
from jaring.regions.models import Region, RegionBoundary, WorkingPopulation
from jaring.registry.selectors import people_tally_totals

URL_NATIONAL = "ID"


def _code(url_code: str) -> str:
    return NATIONAL if url_code.upper() == URL_NATIONAL else url_code


def url_code(code: str) -> str:
    return code or URL_NATIONAL


def _period(request: HttpRequest) -> tuple[Period, str | None]:
    text = request.GET.get("periode", "").strip()
    if not text:
        return Period.current(), None
    try:
        return Period.parse(text), None
    except PeriodError as exc:
        return Period.current(), str(exc)


@login_required
def dashboard_home(request: HttpRequest) -> HttpResponse:
    return redirect("monev-dashboard", url_code(default_place_code(request.user)))


def _chart_payload(coverage: Coverage, children: list[Coverage]) -> dict[str, Any]:
    place, period = coverage.place, coverage.period
    points = trend(place, period)
    with_denominators = any(c.informal for c in children)
    centroids = {
        code: [lng, lat]
        for code, lat, lng in RegionBoundary.objects.filter(
            region_id__in=[c.place.code for c in children]
        ).values_list("region_id", "centroid_lat", "centroid_lng")
    }
    return {
        # Sakernas stops at kab/kota: below it the map shows counts, not shares.
        "mapMeasure": "registered_pct" if with_denominators else "registered",
        "region": place.code,
        "mapUrl": reverse("monev-map", args=[url_code(place.code)]) if place.level <= 2 else None,
        "peopleUrl": reverse("people-list"),
        "trend": {
            "labels": [p.period.label for p in points],
            "registered": [p.registered for p in points],
            "in_sk": [p.in_sk for p in points],
            "active": [p.active for p in points],
        },
        "children": [
            {
                "code": c.place.code,
                "name": c.place.name,
                "registered": c.registered,
                "registered_pct": float(c.registered_pct) if c.registered_pct is not None else None,
                "coverage_pct": float(c.coverage_pct) if c.coverage_pct is not None else None,
                "centroid": centroids.get(c.place.code),
            }
            for c in children
        ],
        "breakdowns": {
            key: [{"label": s.label, "n": s.n, "drill": s.drill} for s in slices]
            for key, slices in breakdowns(place, period).items()
        },
    }


def _dashboard_body(code: str, period: Period, can_enter: bool) -> dict[str, Any]:
    """The dashboard below its header, rendered: the same for every user allowed to see the
    region, so it is cached until the next write (``core.tallies.versioned``)."""
    try:
        coverage = coverage_checked(code, period)
    except CoverageError as exc:
        html = render_to_string("monitoring/_dashboard_body.html", {"error": str(exc)})
        return {"html": html, "has_data": False}
    children = children_coverage(coverage.place, period)
    previous_month = _registered_at(coverage, period.shift(-1))
    year_before = _registered_at(coverage, period.shift(-12))
    breakdown = breakdowns(coverage.place, period)
    payload = _chart_payload(coverage, children)
    context = {
        "place": coverage.place,
        "cov": coverage,
        "period": period,
        "children": children,
        "growth_month": coverage.registered - previous_month,
        "growth_year": coverage.registered - year_before,
        "previous_label": period.shift(-1).label,
        "year_before_label": period.shift(-12).label,
        "targets": targets_progress(coverage),
        "checks": figure_checks(coverage.place.code) if coverage.place.code else [],
        "breakdowns": [(key, _BREAKDOWN_TITLES[key], slices) for key, slices in breakdown.items()],
        "payload": payload,
        "trend_rows": list(
            zip(payload["trend"]["labels"], payload["trend"]["registered"], strict=True)
        ),
        "children_have_denominators": payload["mapMeasure"] == "registered_pct",
        "can_enter": can_enter,
    }
    return {"html": render_to_string("monitoring/_dashboard_body.html", context), "has_data": True}


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    period, period_error = _period(request)
    try:
        place = place_get(_code(code))
        place_check_scope(request.user, place)
    except CoverageError as exc:
        raise Http404(str(exc)) from exc
    can_enter = has_capability(request.user, "enter_monitoring_figures")
    body = versioned(
        ("monev-dashboard", place.code, period.key, can_enter),
        lambda: _dashboard_body(place.code, period, can_enter),
    )
    scope = user_region_codes(request.user)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "place": place,
            "period": period,
            "period_error": period_error,
            "period_form": PeriodForm(initial={"periode": period.iso}),
            "ancestors": [
                a
                for a in ancestors(place)
                if scope is None or (a.code and region_in_scope(request.user, a.code))
            ],
            "body": mark_safe(body["html"]),
            "has_data": body["has_data"],
            "url_code": url_code(place.code),
        },
    )


_BREAKDOWN_TITLES = {
    "occupation": "Kategori pekerjaan",
    "sex": "Jenis kelamin",
    "age": "Kelompok usia",
    "funder": "Sumber dana daftar",
}


def _registered_at(coverage: Coverage, period: Period) -> int:
    return people_tally_totals([coverage.place.code], upto=period.key)[coverage.place.code]


@login_required
def map_shapes(request: HttpRequest, code: str) -> HttpResponse:
    """GeoJSON of the child regions' boundaries (provinces for the country): static, cached."""
    place = place_get_or_404(_code(code))
    level = place.level + 1
    if level > 3:
        raise Http404
    boundaries = RegionBoundary.objects.filter(region__level=level)
    if place.code:
        boundaries = boundaries.filter(region__parent_id=place.code)
    rows = list(
        boundaries.order_by("region_id").values_list(
            "region_id", "region__name", "region__kind", "geometry"
        )
    )
    prefix = {"kecamatan": "Kec. "}
    features = [
        {
            "type": "Feature",
            "id": c,
            "properties": {"code": c, "name": prefix.get(kind, "") + name},
            "geometry": "@@",
        }
        for c, name, kind, _geometry in rows
    ]
    # The stored geometries are GeoJSON text already: spliced in, not parsed and dumped again.
    parts = json.dumps(features, separators=(",", ":")).split('"@@"')
    geometries = [g for *_, g in rows]
    body_parts = [parts[0]]
    for geometry, rest in zip(geometries, parts[1:], strict=True):
        body_parts += [geometry, rest]
    body = '{"type":"FeatureCollection","features":' + "".join(body_parts) + "}"
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304)
    response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400"
    return response


def place_get_or_404(code: str) -> Any:
    try:
        return place_get(code)
    except CoverageError as exc:
        raise Http404(str(exc)) from exc


@login_required
def report_download(request: HttpRequest, code: str, file_format: str) -> HttpResponse:
    period, error = _period(request)
    if error or file_format not in ("pdf", "xlsx"):
        raise Http404(error or file_format)
    try:
        coverage = coverage_checked(_code(code), period, user=request.user)
    except CoverageError as exc:
        raise Http404(str(exc)) from exc
    content = monev_report(coverage, file_format=file_format)  # type: ignore[arg-type]
    types = {
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[file_format])
    name = f"laporan-monev-{url_code(coverage.place.code)}-{period.iso}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def working_population(request: HttpRequest) -> HttpResponse:
    """BPS Sakernas: employed and informally employed persons per kab/kota of a province (or per
    province), the denominators of coverage."""
    code = request.GET.get("wilayah", "").strip()
    scope = user_region_codes(request.user)
    if not code and scope:
        code = scope[0][:2]
    province = None
    if code:
        province = Region.objects.filter(code=code[:2], level=1).first()
        if province is None:
            raise Http404
    rows = WorkingPopulation.objects.select_related("region").order_by("region_id", "-year")
    rows = (
        rows.filter(region__parent_id=province.code) if province else rows.filter(region__level=1)
    )
    population = list(rows)
    for row in population:
        row.informal_share_pct = ratio(row.employed_informal, row.employed_total)  # type: ignore[attr-defined]
    total = sum(r.employed_total for r in population)
    informal = sum(r.employed_informal for r in population)
    return render(
        request,
        "monitoring/working_population.html",
        {
            "province": province,
            "rows": population,
            "total": total,
            "informal": informal,
            "provinces": Region.objects.filter(level=1).order_by("code"),
        },
    )


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Targets and reported figures of the user's regions, each figure beside what the rows
    give, with forms to add them for those who may."""
    user = signed_in_user(request)
    can_enter = has_capability(user, "enter_monitoring_figures")
    target_form = TargetForm(prefix="target")
    figure_form = FigureForm(prefix="figure")
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        which = request.POST.get("form")
        try:
            if which == "target":
                target_form = TargetForm(request.POST, prefix="target")
                if target_form.is_valid():
                    target_set(user=user, **target_form.cleaned_data)
                    messages.success(request, _("Target saved."))
                    return redirect("monev-figures")
            elif which == "figure":
                figure_form = FigureForm(request.POST, prefix="figure")
                if figure_form.is_valid():
                    figure = figure_report(user=user, **figure_form.cleaned_data)
                    check = next(
                        c for c in figure_checks(figure.region_id) if c.figure.pk == figure.pk
                    )
                    level = messages.WARNING if check.flagged else messages.SUCCESS
                    text = _("Figure saved.") + (f" {check.formula}" if check.formula else "")
                    if check.flagged:
                        text += " — " + _("it disagrees with what the rows give.")
                    messages.add_message(request, level, text)
                    return redirect("monev-figures")
        except MonitoringInputError as exc:
            messages.error(request, str(exc))
    targets = Target.objects.restrict(user).select_related("region").order_by("region_id", "-year")
    regions = sorted({f.region_id for f in ReportedFigure.objects.restrict(user).only("region")})
    names = dict(Region.objects.filter(code__in=regions).values_list("code", "name"))
    checks = [(names.get(code, code), code, figure_checks(code)) for code in regions]
    return render(
        request,
        "monitoring/figures.html",
        {
            "targets": targets,
            "checks": checks,
            "target_form": target_form,
            "figure_form": figure_form,
            "can_enter": can_enter,
        },
    )


@login_required
def award(request: HttpRequest, province: str, year: int) -> HttpResponse:
    user = signed_in_user(request)
    category = (
        AwardCategory(request.GET.get("kategori", AwardCategory.REGENCY))
        if request.GET.get("kategori") in AwardCategory.values
        else AwardCategory.REGENCY
    )
    scope = user_region_codes(user)
    if scope is not None and province not in scope:
        raise Http404
    error = None
    ranking = None
    try:
        if request.method == "POST":
            if not has_capability(user, "enter_monitoring_figures"):
                raise PermissionDenied
            form = ScoreForm(request.POST)
            if form.is_valid():
                scheme = scheme_for(province, year, category)
                with acting_as(user):
                    score_set(scheme=scheme, **form.cleaned_data)
                messages.success(request, _("Score saved."))
                return redirect(
                    f"{reverse('monev-award', args=[province, year])}?kategori={category}"
                )
        ranking = award_rank(province_code=province, year=year, category=category)
    except AwardError as exc:
        error = str(exc)
    return render(
        request,
        "monitoring/award.html",
        {
            "province": Region.objects.filter(code=province).first(),
            "year": year,
            "category": category,
            "categories": AwardCategory.choices,
            "ranking": ranking,
            "error": error,
            "can_enter": has_capability(user, "enter_monitoring_figures"),
            "score_form": ScoreForm(),
            "today": date_label(None),
        },
    )


__all__ = ["capability_required", "require_POST"]
