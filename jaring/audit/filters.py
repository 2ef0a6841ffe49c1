"""Filters of the audit pages: who, what kind of record, which action, when."""

from __future__ import annotations

from typing import Any

import django_filters
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jaring.audit.models import Channel, DataExport
from jaring.audit.presenting import ACTIONS
from jaring.audit.registration import TRACKED
from jaring.core.forms import bootstrap_widgets


def _tracked_types(request: HttpRequest | None) -> QuerySet[ContentType]:
    """Record types the trail covers (django-filter calls this with the request)."""
    return ContentType.objects.filter(
        app_label__in={a for a, _m, _f in TRACKED},
        model__in={m.lower() for _a, m, _f in TRACKED},
    ).order_by("app_label", "model")


def _type_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    text = str(model._meta.verbose_name) if model is not None else content_type.model
    return text[:1].upper() + text[1:]


class LogEntryFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("User"), method="filter_actor")
    record = django_filters.CharFilter(
        label=_("Person or record"), field_name="object_repr", lookup_expr="icontains"
    )
    content_type = django_filters.ModelChoiceFilter(label=_("Record type"), queryset=_tracked_types)
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=[(k, v) for k, v in ACTIONS.items()]
    )
    object_pk = django_filters.CharFilter(label=_("Record number"))
    since = django_filters.DateFilter(
        label=_("From"), field_name="timestamp", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="timestamp", lookup_expr="date__lte"
    )

    class Meta:
        model = LogEntry
        fields = ["actor", "record", "content_type", "action", "object_pk", "since", "until"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Record types by the model's own name ("Orang", "Pengguna"), not "registry | person".
        self.form.fields["content_type"].label_from_instance = _type_label
        bootstrap_widgets(self.form, small=True)

    def filter_actor(
        self, queryset: QuerySet[LogEntry], name: str, value: str
    ) -> QuerySet[LogEntry]:
        """By user name or by the person's name ("Siti", "op.bandarlor")."""
        value = value.strip()
        if not value:
            return queryset
        condition = Q(actor__username__icontains=value)
        for word in value.split():
            condition |= Q(actor__first_name__icontains=word) | Q(actor__last_name__icontains=word)
        return queryset.filter(condition)


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
