"""Monitoring API: coverage, reported-against-computed checks and the Paritrana ranking, with the
same keys as ``jaring monev … --json``; each limited to the user's regions."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jaring.core.scoping import region_in_scope, user_region_codes
from jaring.core.tallies import versioned
from jaring.monitoring.models import AwardCategory
from jaring.monitoring.periods import Period, PeriodError
from jaring.monitoring.scorecard import AwardError, award_json, award_rank
from jaring.monitoring.selectors import (
    CoverageError,
    as_json,
    children_coverage,
    coverage_checked,
    figure_checks,
    place_check_scope,
    place_get,
)


class CoverageSerializer(serializers.Serializer[Any]):
    region = serializers.CharField()
    name = serializers.CharField()
    period = serializers.CharField()
    working_population = serializers.IntegerField(allow_null=True)
    informal = serializers.IntegerField(allow_null=True)
    working_population_source = serializers.CharField()
    registered = serializers.IntegerField()
    in_sk = serializers.IntegerField()
    bpjs_registered = serializers.IntegerField()
    active = serializers.IntegerField()
    lapsed = serializers.IntegerField()
    bpjs_active = serializers.IntegerField()
    bpjs_active_source = serializers.ChoiceField(choices=["reported", "rows"])
    coverage_pct = serializers.FloatField(allow_null=True)
    coverage_formula = serializers.CharField()
    registered_pct_of_informal = serializers.FloatField(allow_null=True)
    level = serializers.IntegerField()


class CoverageWithChildrenSerializer(CoverageSerializer):
    children = CoverageSerializer(many=True)


def _bad(message: str, status: int = 400) -> Response:
    return Response({"detail": message}, status=status)


def _region(text: str) -> str:
    return "" if text.strip().upper() in ("", "ID") else text.strip()


class CoverageView(APIView):
    """Coverage of a region (``ID``: the country) at the end of a month, with its children.

    The answer is the same for everyone who may see the region, so it is kept as the bytes
    DRF's JSON renderer gives, until the next write (``core.tallies.versioned``): a repeated
    request costs the session, the user, the user's regions and the data versions — four
    queries, no region row, no rendering. The scope is checked on the code before anything is
    read (a code is inside a region when it is the region's or starts with it and a dot); a
    refusal takes the slow path, which says why (unknown code, or outside the user's regions).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, required=True, description="35.16, ID"),
            OpenApiParameter("period", OpenApiTypes.STR, description="YYYY-MM (default: now)"),
        ],
        responses=CoverageWithChildrenSerializer,
    )
    def get(self, request: Request) -> HttpResponse:
        code = _region(request.query_params.get("region", ""))
        try:
            period = (
                Period.parse(request.query_params["period"])
                if request.query_params.get("period")
                else Period.current()
            )
            if not _in_scope(request.user, code):
                place_check_scope(request.user, place_get(code))  # raises: says why
            wants_json = request.accepted_renderer.format == "json"
            answer = versioned(
                ("api-coverage", code, period.key, wants_json),
                lambda: _coverage_bytes(code, period) if wants_json else _coverage(code, period),
            )
        except PeriodError as exc:
            return _bad(str(exc))
        except CoverageError as exc:
            return _bad(str(exc), 404)
        if isinstance(answer, bytes):
            return HttpResponse(answer, content_type="application/json")
        return Response(answer)


def _in_scope(user: Any, code: str) -> bool:
    """Whether ``user`` may read region ``code`` (the country: only users of every region);
    the same rule as :func:`place_check_scope`, on the code alone."""
    scope = user_region_codes(user)
    if scope is None:
        return True
    return code != "" and region_in_scope(user, code)


def _coverage(code: str, period: Period) -> dict[str, Any]:
    coverage = coverage_checked(code, period)
    result = as_json(coverage)
    result["children"] = [as_json(c) for c in children_coverage(coverage.place, period)]
    return result


def _coverage_bytes(code: str, period: Period) -> bytes:
    return bytes(JSONRenderer().render(_coverage(code, period)))


class FigureCheckSerializer(serializers.Serializer[Any]):
    region = serializers.CharField()
    kind = serializers.CharField()
    as_of = serializers.DateField()
    reported = serializers.FloatField()
    computed = serializers.FloatField(allow_null=True)
    formula = serializers.CharField()
    flagged = serializers.BooleanField()
    source = serializers.CharField()  # type: ignore[assignment]


class ChecksView(APIView):
    """Figures reported for a region beside what the rows give; ``flagged`` when they differ."""

    @extend_schema(
        parameters=[OpenApiParameter("region", OpenApiTypes.STR, required=True)],
        responses=FigureCheckSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        try:
            place = place_get(_region(request.query_params.get("region", "")))
            place_check_scope(request.user, place)
        except CoverageError as exc:
            return _bad(str(exc), 404)
        return Response(
            [
                {
                    "region": c.figure.region_id,
                    "kind": c.figure.kind,
                    "as_of": c.figure.as_of.isoformat(),
                    "reported": float(c.figure.value),
                    "computed": float(c.computed) if c.computed is not None else None,
                    "formula": c.formula or c.note,
                    "flagged": c.flagged,
                    "source": c.figure.source,
                }
                for c in figure_checks(place.code)
            ]
        )


class AwardView(APIView):
    """The Paritrana ranking of a province's kab/kota (or desa) for a year."""

    @extend_schema(
        parameters=[
            OpenApiParameter("province", OpenApiTypes.STR, required=True),
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("category", OpenApiTypes.STR, enum=AwardCategory.values),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        province = request.query_params.get("province", "")
        scope = user_region_codes(request.user)
        if scope is not None and province not in scope:
            return _bad(f"Provinsi {province!r} di luar wilayah kerja Anda.", 404)
        category = request.query_params.get("category", AwardCategory.REGENCY)
        if category not in AwardCategory.values:
            return _bad(f"Kategori {category!r} tidak dikenal; pakai kabkota atau desa.")
        try:
            year = int(request.query_params.get("year", ""))
            ranking = award_rank(
                province_code=province, year=year, category=AwardCategory(category)
            )
        except ValueError as exc:  # AwardError is a ValueError too
            message = str(exc) if isinstance(exc, AwardError) else "Tahun harus angka, mis. 2024."
            return _bad(message)
        return Response(award_json(ranking))
