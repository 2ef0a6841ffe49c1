"""Programmes API: programmes, decree versions (with draft and sign actions), the rows of a
decree with their explanation, and memberships (for bills, claims and monitoring clients).

Every list goes through the region restriction; writes go through the same services as the
pages and the command line, so the same checks and the same audit apply."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaring.accounts.permissions import signed_in_user
from jaring.audit.door import PersonalPagination
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.messages import entry_explanation
from jaring.programmes.models import Decree, DecreeEntry, Membership, Programme
from jaring.programmes.selectors import decree_diff, decrees_visible, programmes_visible
from jaring.programmes.services import decree_draft, decree_sign, draft_summary
from jaring.rules.months import Month


class ProgrammeOutputSerializer(serializers.ModelSerializer[Programme]):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "year",
            "legal_basis",
            "legal_basis_date",
            "funder",
            "apbdes_source",
            "sponsor",
            "wadah",
            "jht",
            "income_basis",
            "first_month",
            "months",
            "budget",
            "quota",
            "target",
            "age_min",
            "age_max",
        ]


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet[Programme]):
    serializer_class = ProgrammeOutputSerializer
    filterset_fields = ["region", "year", "funder"]

    def get_queryset(self) -> QuerySet[Programme]:
        return programmes_visible(self.request.user).order_by("id")

    @extend_schema(request=None, responses={200: dict[str, Any]})
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, pk: str | None = None) -> Response:
        """Compute the draft of the next decree version (as ``jaring sk draft``)."""
        user = signed_in_user(request)
        if not user.capabilities.manage_programmes:
            raise PermissionDenied
        first = request.data.get("first_month") if hasattr(request.data, "get") else None
        try:
            decree = decree_draft(
                user=user,
                programme=self.get_object(),
                first_month=Month.parse(first) if first else None,
            )
        except (ProgrammeError, ValueError) as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(draft_summary(decree).as_dict())


class DecreeOutputSerializer(serializers.ModelSerializer[Decree]):
    class Meta:
        model = Decree
        fields = [
            "id",
            "programme",
            "version",
            "status",
            "previous",
            "first_month",
            "last_month",
            "considered",
            "eligible",
            "people",
            "over_limit",
            "not_eligible",
            "monthly_iuran",
            "total_iuran",
            "number",
            "signed_on",
            "signatory_name",
            "signatory_title",
            "issuer",
            "signed_at",
        ]


class SignInputSerializer(serializers.Serializer[dict[str, Any]]):
    number = serializers.CharField(max_length=120)
    signed_on = serializers.DateField()
    signatory_name = serializers.CharField(max_length=150, required=False, default="")
    signatory_title = serializers.CharField(max_length=150, required=False, default="")


class DecreeViewSet(viewsets.ReadOnlyModelViewSet[Decree]):
    serializer_class = DecreeOutputSerializer
    filterset_fields = ["programme", "status"]

    def get_queryset(self) -> QuerySet[Decree]:
        return decrees_visible(self.request.user).order_by("id")

    @extend_schema(request=SignInputSerializer, responses=DecreeOutputSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        user = signed_in_user(request)
        if not user.capabilities.manage_programmes:
            raise PermissionDenied
        data = SignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decree = decree_sign(user=user, decree=self.get_object(), **data.validated_data)
        except ProgrammeError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(DecreeOutputSerializer(decree).data)

    @extend_schema(responses={200: dict[str, Any]})
    @action(detail=True, methods=["get"], url_path="diff/(?P<other>[0-9]+)")
    def diff(self, request: Request, pk: str | None = None, other: str = "") -> Response:
        """Added, removed (by reason) and kept people against another version."""
        second = decrees_visible(request.user).filter(pk=other).first()
        if second is None:
            raise ValidationError({"detail": "unknown decree"})
        try:
            return Response(decree_diff(self.get_object(), second).as_dict())
        except ProgrammeError as exc:
            raise ValidationError({"detail": str(exc)}) from exc


class EntryOutputSerializer(serializers.ModelSerializer[DecreeEntry]):
    name = serializers.CharField(source="person.name", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = DecreeEntry
        fields = [
            "decree",
            "person",
            "name",
            "status",
            "rank",
            "reasons",
            "cautions",
            "age",
            "region",
            "occupation",
            "cost",
            "incumbent",
            "change_reason",
            "change_note",
            "explanation",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_explanation(self, entry: DecreeEntry) -> list[str]:
        return entry_explanation(entry)


class EntryFilterSet(filters.FilterSet):
    decree = filters.NumberFilter(field_name="decree_id", required=True)
    status = filters.CharFilter()
    reason = filters.NumberFilter()

    class Meta:
        model = DecreeEntry
        fields = ["decree", "status", "reason"]


class DecreeEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[DecreeEntry]):
    """The people considered for a decree version (``?decree=ID`` is required). A list only:
    an entry is a person within a version (its key is the pair), found by filtering."""

    serializer_class = EntryOutputSerializer
    filterset_class = EntryFilterSet
    # Names, ages and places of people: beyond the first page, an export (the door).
    pagination_class = PersonalPagination
    door_kind = "decree-entries-api"

    def get_queryset(self) -> QuerySet[DecreeEntry]:
        return (
            DecreeEntry.objects.restrict(self.request.user)
            .select_related(
                "decree", "person", "region", "occupation", "conflict_programme", "exclusion_list"
            )
            .order_by("decree_id", "rank", "person_id")
        )


class MembershipOutputSerializer(serializers.ModelSerializer[Membership]):
    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "programme",
            "decree",
            "region",
            "occupation",
            "funder",
            "income_basis",
            "jht",
            "first_month",
            "last_month",
            "since_month",
            "ended_by",
            "end_reason",
            "double_funded",
        ]


class MembershipFilterSet(filters.FilterSet):
    month = filters.CharFilter(method="covering", label="YYYY-MM")

    class Meta:
        model = Membership
        fields = ["person", "programme", "decree", "double_funded"]

    def covering(self, queryset: Any, name: str, value: str) -> Any:
        try:
            return queryset.covering(Month.parse(value))
        except ValueError as exc:
            raise ValidationError({"month": "YYYY-MM"}) from exc


class MembershipViewSet(viewsets.ReadOnlyModelViewSet[Membership]):
    serializer_class = MembershipOutputSerializer
    filterset_class = MembershipFilterSet

    def get_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.restrict(self.request.user).order_by("id")
