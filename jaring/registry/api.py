"""People API. Every list and detail goes through ``people_visible`` (the region restriction);
NIK and phone are masked, and the birth date is given as its year, for roles that don't see
full identities, exactly as on the pages."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jaring.audit.door import PersonalPagination
from jaring.audit.pacing import BrowsePacing
from jaring.registry.fields import IN_API
from jaring.registry.filters import PersonFilterSet
from jaring.registry.models import Person, PersonStatus
from jaring.registry.paging import CappedPaginator, in_name_order
from jaring.registry.selectors import people_scope_broad, people_visible


class PersonOutputSerializer(serializers.ModelSerializer[Person]):
    nik = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    # The full date only for roles that see full NIKs (day and month are six of its digits);
    # the year for everyone.
    birth_date = serializers.SerializerMethodField()
    birth_year = serializers.SerializerMethodField()
    village_code = serializers.CharField(source="region_id", read_only=True)
    village_name = serializers.CharField(source="region.name", read_only=True)
    occupation_code = serializers.CharField(source="occupation_id", allow_null=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", *IN_API, "birth_year", "created_at", "updated_at"]

    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(serializers.CharField())
    def get_nik(self, person: Person) -> str:
        return str(self._user().show_nik(person.nik))

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_birth_date(self, person: Person) -> str | None:
        if person.birth_date is None or not self._user().capabilities.see_full_nik:
            return None
        return person.birth_date.isoformat()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_birth_year(self, person: Person) -> int | None:
        return person.birth_date.year if person.birth_date else None

    @extend_schema_field(serializers.CharField())
    def get_phone(self, person: Person) -> str:
        return str(self._user().show_phone(person.phone)) if person.phone_cipher else ""


class PeoplePagination(PersonalPagination):
    """The door's pagination, counting at most :data:`~jaring.registry.paging.COUNT_CAP`
    people (``count_capped`` says the list is longer): the first page of a province's ten
    million people is read without counting them."""

    django_paginator_class = CappedPaginator

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        if isinstance(queryset, QuerySet):
            # The rows in name order as the people page reads them (registry.paging).
            rows = in_name_order(queryset, broad=people_scope_broad(request.user))
            self.django_paginator_class = partial(CappedPaginator, rows=rows)  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = bool(self.page and self.page.paginator.capped)  # type: ignore[attr-defined]
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_capped"] = {"type": "boolean"}
        return described


class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    serializer_class = PersonOutputSerializer
    filterset_class = PersonFilterSet
    # The first page is a page; more is an export (the export right, recorded).
    pagination_class = PeoplePagination
    door_kind = "people-api"
    # Record after record without the export right: paced (audit.pacing).
    throttle_classes = [BrowsePacing]

    def get_queryset(self) -> QuerySet[Person]:
        merged = self.request.query_params.get("status") == PersonStatus.MERGED
        return people_visible(self.request.user, merged=merged)
