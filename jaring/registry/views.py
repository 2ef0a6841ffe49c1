"""Pages of the registry: the people list, a person with their history, and exports."""

from __future__ import annotations

from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jaring.accounts.permissions import capability_required, signed_in_user
from jaring.accounts.scoping import region_in_scope
from jaring.audit.models import Channel
from jaring.registry.exports import ExportFormat, people_export
from jaring.registry.filters import PersonFilterSet
from jaring.registry.models import Person
from jaring.registry.selectors import people_visible, person_get, person_source_rows

PAGE_SIZE = 50


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    filterset = PersonFilterSet(request.GET, queryset=people_visible(request.user))
    people = filterset.qs if filterset.is_valid() else people_visible(request.user).none()
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "registry/_people_table.html" if request.htmx else "registry/people_list.html"  # type: ignore[attr-defined]
    return render(
        request, template, {"filter": filterset, "page": page, "query": query.urlencode()}
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = person_get(request.user, pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    history = LogEntry.objects.get_for_object(person).select_related("actor").order_by("-timestamp")
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "source_rows": person_source_rows(request.user, person),
            "history": history,
        },
    )


@capability_required("export_personal_data")
def people_export_view(request: HttpRequest) -> HttpResponse:
    file_format: ExportFormat = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    region_code = request.GET.get("region", "").strip()
    if not region_code:
        codes = request.user.region_codes  # type: ignore[union-attr]
        if not codes or len(codes) != 1:
            return HttpResponse(_("Choose a region to export."), status=400)
        region_code = codes[0]
    if not region_in_scope(request.user, region_code):
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content_type=content_type)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="jaring-orang-{region_code}-{stamp}.{file_format}"'
    )
    people_export(
        people=people_visible(request.user),
        actor=signed_in_user(request),
        channel=Channel.WEB,
        region_code=region_code,
        file_format=file_format,
        output=response,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    return response
