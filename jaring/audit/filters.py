"""Filters of the audit pages: who, what kind of record, which action, when."""

from __future__ import annotations

from typing import Any

import django_filters
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jaring.audit.models import Channel, DataExport
from jaring.audit.registration import TRACKED
from jaring.core.forms import bootstrap_widgets


def _tracked_types(request: HttpRequest | None) -> QuerySet[ContentType]:
    """Record types the trail covers (django-filter calls this with the request)."""
    return ContentType.objects.filter(
        app_label__in={a for a, _m, _f in TRACKED},
        model__in={m.lower() for _a, m, _f in TRACKED},
    ).order_by("app_label", "model")


class LogEntryFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label=_("User"), field_name="actor__username", lookup_expr="icontains"
    )
    content_type = django_filters.ModelChoiceFilter(label=_("Record type"), queryset=_tracked_types)
    action = django_filters.ChoiceFilter(label=_("Action"), choices=LogEntry.Action.choices)
    object_pk = django_filters.CharFilter(label=_("Record ID"))
    since = django_filters.DateFilter(
        label=_("From"), field_name="timestamp", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="timestamp", lookup_expr="date__lte"
    )

    class Meta:
        model = LogEntry
        fields = ["actor", "content_type", "action", "object_pk", "since", "until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form, small=True)


class DataExportFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label=_("User"), field_name="actor_label", lookup_expr="icontains"
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    region_code = django_filters.CharFilter(label=_("Region"), lookup_expr="startswith")
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = DataExport
        fields = ["actor", "channel", "region_code", "since", "until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form, small=True)
