"""The auditor's pages: the change log and the log of personal-data exports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jaring.accounts.permissions import capability_required
from jaring.audit.filters import DataExportFilterSet, LogEntryFilterSet
from jaring.audit.presenting import entries_shown
from jaring.audit.selectors import exports_visible, log_entries_visible

PAGE_SIZE = 50


@capability_required("view_audit")
def change_log(request: HttpRequest) -> HttpResponse:
    filterset = LogEntryFilterSet(request.GET, queryset=log_entries_visible(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/change_log.html",
        {
            "filter": filterset,
            "page": page,
            "entries": entries_shown(page.object_list, viewer=request.user),
        },
    )


@capability_required("view_audit")
def export_log(request: HttpRequest) -> HttpResponse:
    filterset = DataExportFilterSet(request.GET, queryset=exports_visible(request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/export_log.html", {"filter": filterset, "page": page})
