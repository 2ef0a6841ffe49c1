"""Regions API: the Kemendagri table (public reference data, no personal data)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from jaring.regions.models import Region


class RegionSerializer(serializers.ModelSerializer[Region]):
    parent_code = serializers.CharField(source="parent_id", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent_code"]


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent_id")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Region
        fields = ["parent", "level", "kind", "name"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    lookup_value_regex = r"[0-9.]+"

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.order_by("code")
