"""Duplicates API: the review queue of pairs that may be one person, and the decisions on them.
Every pair goes through ``MatchCandidate.objects.restrict`` (both people in the user's regions);
deciding needs the ``review_matches`` capability."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from jaring.accounts.permissions import api_capability, signed_in_user
from jaring.core.messages import api_detail
from jaring.registry.matching import EVIDENCE_LABELS
from jaring.registry.matching import FIELDS as MATCH_FIELDS
from jaring.registry.matching.services import DecisionError, candidate_merge, people_distinct
from jaring.registry.models import CandidateStatus, MatchCandidate
from jaring.rules.messages import Message


class CandidateOutputSerializer(serializers.ModelSerializer[MatchCandidate]):
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = MatchCandidate
        fields = [
            "id",
            "person_low",
            "person_high",
            "probability",
            "match_weight",
            "cluster",
            "status",
            "evidence",
        ]

    @extend_schema_field(serializers.DictField())
    def get_evidence(self, candidate: MatchCandidate) -> dict[str, dict[str, Any]]:
        return {
            field: {
                "level": getattr(candidate, f"evidence_{field}"),
                **EVIDENCE_LABELS.get(
                    (field, getattr(candidate, f"evidence_{field}")), Message("")
                ).to_dict("label"),
                "weight": getattr(candidate, f"weight_{field}"),
            }
            for field in MATCH_FIELDS
        }


class DecisionInputSerializer(serializers.Serializer[Any]):
    survivor = serializers.IntegerField(required=False, help_text="For merge: the record to keep")
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class DuplicateViewSet(viewsets.ReadOnlyModelViewSet[MatchCandidate]):
    """The review queue: pairs of people (both in the user's regions) that may be one."""

    serializer_class = CandidateOutputSerializer
    permission_classes = [api_capability("review_matches")]

    def get_queryset(self) -> QuerySet[MatchCandidate]:
        candidates = MatchCandidate.objects.restrict(self.request.user).select_related(
            "person_low", "person_high"
        )
        if self.action == "list":  # the queue; a decided pair stays reachable by its id
            status_filter = self.request.query_params.get("status", CandidateStatus.OPEN)
            candidates = candidates.filter(status=status_filter)
        return candidates.order_by("-probability", "id")

    def _decide(self, request: Request, kind: str) -> Response:
        candidate = self.get_object()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = data.validated_data["note"]
        try:
            if kind == "merge":
                candidate_merge(
                    candidate,
                    survivor_id=data.validated_data.get("survivor", candidate.person_low_id),
                    user=signed_in_user(request),
                    note=note,
                )
            else:
                people_distinct(
                    first=candidate.person_low,
                    second=candidate.person_high,
                    user=signed_in_user(request),
                    candidate=candidate,
                    note=note,
                )
        except DecisionError as exc:
            raise ValidationError(api_detail(exc.message)) from exc
        candidate.refresh_from_db()
        return Response(self.get_serializer(candidate).data)

    @extend_schema(request=DecisionInputSerializer, responses=CandidateOutputSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        return self._decide(request, "merge")

    @extend_schema(request=DecisionInputSerializer, responses=CandidateOutputSerializer)
    @action(detail=True, methods=["post"])
    def distinct(self, request: Request, pk: str) -> Response:
        return self._decide(request, "distinct")
