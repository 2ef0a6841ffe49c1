"""Claims API: the claims a user may see, and the acts of the command line — report an event
(``open``), move a claim (``advance``), the year's ``summary`` and the ``overdue`` list — through
the same services and selectors, with the same checks, audit and JSON keys as the CLI."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaring.accounts.permissions import signed_in_user
from jaring.audit.door import PersonalPagination
from jaring.claims.errors import ClaimError
from jaring.claims.models import Claim
from jaring.claims.selectors import claim_json, claims_summary, claims_visible, due_on, overdue
from jaring.claims.services import (
    EVENT_NAMES,
    Assessment,
    assessment_of,
    claim_advance,
    claim_assess,
    claim_open,
    person_by_nik,
    step_of,
)
from jaring.core.scoping import region_in_scope
from jaring.programmes.selectors import programmes_visible
from jaring.regions.models import Region


class ClaimSerializer(serializers.ModelSerializer[Claim]):
    class Meta:
        model = Claim
        fields = [
            "id",
            "person",
            "region",
            "programme",
            "event",
            "event_date",
            "status",
            "entitled",
            "total",
            "scholarship_max",
            "tenure_months",
            "contribution_months",
            "submitted_on",
            "decided_on",
            "rejection_reason",
            "paid_on",
            "amount_received",
            "handed_over_on",
            "reported_at",
        ]


class AssessFields(serializers.Serializer[dict[str, Any]]):
    """The JKK assessment of an injury: months unable to work and the disability (partial
    with its Lampiran III percentage, functional with the share of the function lost too, or
    total)."""

    incapacity_months = serializers.IntegerField(required=False, allow_null=True)
    disability = serializers.CharField(max_length=12, required=False, allow_blank=True)
    disability_percent = serializers.CharField(
        max_length=8, required=False, allow_blank=True, allow_null=True
    )
    function_loss = serializers.CharField(
        max_length=8, required=False, allow_blank=True, allow_null=True
    )


class OpenInput(AssessFields):
    nik = serializers.CharField(max_length=24)
    event = serializers.ChoiceField(choices=list(EVENT_NAMES))
    date = serializers.DateField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    cause = serializers.CharField(max_length=300, required=False, allow_blank=True)
    reporter = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AssessInput(AssessFields):
    date = serializers.DateField(required=False)


def _assessment(values: dict[str, Any]) -> Assessment:
    return assessment_of(
        incapacity_months=values.get("incapacity_months"),
        disability=values.get("disability") or "",
        percent=values.get("disability_percent"),
        function_loss=values.get("function_loss"),
    )


class AdvanceInput(serializers.Serializer[dict[str, Any]]):
    to = serializers.CharField(max_length=24)
    date = serializers.DateField(required=False)
    amount = serializers.IntegerField(required=False, min_value=0)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


def _manager(request: Request) -> Any:
    user = signed_in_user(request)
    if not user.capabilities.manage_claims:
        raise PermissionDenied
    return user


def _day(request: Request) -> date:
    text = request.query_params.get("on")
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError as exc:
        raise ValidationError({"on": "YYYY-MM-DD"}) from exc


class ClaimViewSet(viewsets.ReadOnlyModelViewSet[Claim]):
    serializer_class = ClaimSerializer
    filterset_fields = ["status", "event", "programme"]
    # Deaths and accidents of people: beyond the first page, an export (the door).
    pagination_class = PersonalPagination
    door_kind = "claims-api"

    def get_queryset(self) -> QuerySet[Claim]:
        return claims_visible(self.request.user).order_by("-event_date", "-id")

    @extend_schema(responses={200: dict[str, Any]})
    @action(detail=True, methods=["get"])
    def entitlement(self, request: Request, pk: str | None = None) -> Response:
        """The JSON of ``jaring claims open`` for this claim."""
        return Response(claim_json(self.get_object()))

    @extend_schema(request=OpenInput, responses={201: dict[str, Any]})
    @action(detail=False, methods=["post"])
    def open(self, request: Request) -> Response:
        """Report an event (``jaring claims open``)."""
        user = _manager(request)
        data = OpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            assessment = _assessment(values)
            claim = claim_open(
                user=user,
                person=person_by_nik(user, values["nik"]),
                event=EVENT_NAMES[values["event"]],
                event_date=values["date"],
                place=values.get("place", ""),
                cause=values.get("cause", ""),
                reporter=values.get("reporter", ""),
                assessment=assessment,
            )
        except ClaimError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(claim_json(claim), status=201)

    @extend_schema(request=AssessInput, responses={200: dict[str, Any]})
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, pk: str | None = None) -> Response:
        """Enter the JKK assessment of an injury (``jaring claims assess``)."""
        user = _manager(request)
        claim = self.get_object()
        data = AssessInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            assessed = claim_assess(
                user=user, claim=claim, assessment=_assessment(values), on=values.get("date")
            )
        except ClaimError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(claim_json(assessed))

    @extend_schema(request=AdvanceInput, responses={200: dict[str, Any]})
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str | None = None) -> Response:
        """Move the claim one step (``jaring claims advance``)."""
        user = _manager(request)
        claim = self.get_object()
        data = AdvanceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        before = claim.status
        try:
            moved = claim_advance(
                user=user,
                claim=claim,
                to=step_of(values["to"]),
                on=values.get("date"),
                amount=values.get("amount"),
                note=values.get("note", ""),
                confirm_documents=True,
            )
        except ClaimError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        due, late = due_on(moved, on=timezone.localdate())
        return Response(
            {
                "claim": moved.pk,
                "from": before,
                "status": moved.status,
                "amount": moved.amount_received,
                "total": moved.total,
                "due": due.isoformat() if due else None,
                "late_days": late,
            }
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("programme", int),
            OpenApiParameter("region", str),
        ],
        responses={200: dict[str, Any]},
    )
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        """Claims of the year against the iuran paid (``jaring claims summary``)."""
        params = request.query_params
        try:
            year = int(params.get("year", ""))
        except ValueError as exc:
            raise ValidationError({"year": "YYYY"}) from exc
        if not 1900 <= year <= 2200:  # a year no date can hold was a server error (fuzzing)
            raise ValidationError({"year": "YYYY"})
        programme = None
        if params.get("programme"):
            text = params["programme"]
            programme = (
                programmes_visible(request.user).filter(pk=int(text)).first()
                if text.isdigit()
                else None
            )
            if programme is None:
                raise NotFound
        region = params.get("region") or None
        if region is not None and (
            not Region.objects.filter(code=region).exists()
            or not region_in_scope(request.user, region)
        ):
            raise NotFound
        summary = claims_summary(request.user, year=year, programme=programme, region=region)
        return Response(summary.as_dict())

    @extend_schema(
        parameters=[OpenApiParameter("on", str, description="YYYY-MM-DD (default: today)")],
        responses={200: dict[str, Any]},
    )
    @action(detail=False, methods=["get"])
    def overdue(self, request: Request) -> Response:
        """Claims past their service level on a day."""
        on = _day(request)
        frame = overdue(request.user, on=on)
        return Response(
            {
                "on": on.isoformat(),
                "count": frame.height,
                "claims": [
                    {
                        **row,
                        "event_date": str(row["event_date"]),
                        "submitted_on": str(row["submitted_on"]),
                        "due_on": str(row["due_on"]),
                    }
                    for row in frame.drop("name").head(1000).to_dicts()
                ],
            }
        )


__all__ = ["ClaimViewSet"]
