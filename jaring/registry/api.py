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
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from jaring.audit.door import PersonalPagination
from jaring.audit.pacing import FREE_PAGES, BrowsePacing, paced
from jaring.registry.fields import IN_API
from jaring.registry.filters import PersonFilterSet
from jaring.registry.models import Person, PersonStatus
from jaring.registry.paging import (
    CappedPaginator,
    KeysetPage,
    in_name_order,
    keyset_page,
    page_number_of,
)
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
    million people is read without counting them.

    Pages are keyset pages, as on the people page (registry.paging): the ``next`` and
    ``previous`` links carry a signed cursor (``?after=`` / ``?before=``), so page 5,000 of an
    export costs what page 1 costs. ``?page=N`` is still read (``OFFSET``), for clients that
    count pages themselves. Either way a page beyond the first is an export (the door)."""

    django_paginator_class = CappedPaginator

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        if not isinstance(queryset, QuerySet):
            return super().paginate_queryset(queryset, request, view)
        broad = people_scope_broad(request.user)
        if self.page_query_param in request.query_params:
            # The rows in name order as the people page reads them (registry.paging).
            rows = in_name_order(queryset, broad=broad)
            self.django_paginator_class = partial(CappedPaginator, rows=rows)  # type: ignore[assignment]
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        size = self.get_page_size(request) or self.page_size
        page = keyset_page(queryset, request.query_params, size, broad=broad)
        self.page = page  # type: ignore[assignment]
        return self.through_the_door(list(page), request, view)

    def _cursor_link(self, name: str, cursor: str) -> str | None:
        if not cursor:
            return None
        assert self.request is not None
        url = self.request.build_absolute_uri()
        for other in ("after", "before", self.page_query_param):
            url = remove_query_param(url, other)
        return replace_query_param(url, name, cursor)

    def get_next_link(self) -> str | None:
        if isinstance(self.page, KeysetPage):
            return self._cursor_link("after", self.page.next_cursor)
        return super().get_next_link()

    def get_previous_link(self) -> str | None:
        if isinstance(self.page, KeysetPage):
            return self._cursor_link("before", self.page.previous_cursor)
        return super().get_previous_link()

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = bool(self.page and self.page.paginator.capped)  # type: ignore[attr-defined]
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_capped"] = {"type": "boolean"}
        return described


class PeoplePacing(BrowsePacing):
    """:class:`BrowsePacing`, reading the page's number from its signed cursor too."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        params = request.query_params
        if not (params.get("after") or params.get("before")):
            return super().allow_request(request, view)
        if getattr(view, "action", None) == "list" and page_number_of(params) <= FREE_PAGES:
            return True
        self.seconds = paced(request.user)
        return self.seconds is None


class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    serializer_class = PersonOutputSerializer
    filterset_class = PersonFilterSet
    # The first page is a page; more is an export (the export right, recorded).
    pagination_class = PeoplePagination
    door_kind = "people-api"
    # Record after record without the export right: paced (audit.pacing).
    throttle_classes = [PeoplePacing]

    def get_queryset(self) -> QuerySet[Person]:
        merged = self.request.query_params.get("status") == PersonStatus.MERGED
        return people_visible(self.request.user, merged=merged)
