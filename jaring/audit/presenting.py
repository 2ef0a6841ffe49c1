"""Audit entries as an auditor reads them: who by name, when in local time, what in words, and
each change as the field's label with its values before → after.

django-auditlog stores field names and values as text ("birth_date": ["1980-08-17",
"1980-08-01"], "role": ["village_operator", "regency_admin"], "decided_by": ["None", "3"]). Here
they become the model's own labels — a field's ``verbose_name``, a choice's label, "2 Des 2026",
"Ya"/"Tidak", a related record's name (read in one query per related table for a whole page) —
in the reader's language. Fields nobody edits (normalised names, indexes, timestamps) are left
out. This module reads the models through the content types, never by import: the audit layer
sits below the apps whose changes it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core import formats

ACTIONS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Viewed"),
}
#: What a service recorded beside the change (``additional_data["event"]``).
EVENTS = {
    "password_reset": gettext_lazy("Password reset"),
}
_EMPTY = {"", "None", "null", "[]"}


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EntryShown:
    entry: LogEntry
    when: str
    who: str
    action: str
    record_type: str
    record: str
    lines: tuple[ChangeLine, ...]


def moment(value: datetime | None) -> str:
    """ "2 Des 2026 14.05 WIB": a stored time in the local zone (``TIME_ZONE``)."""
    if value is None:
        return "–"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{formats.date_label(local.date())} {local:%H.%M} {local.tzname() or ''}".strip()


def person_name(user: Any) -> str:
    """A user as people know them: their full name, else the user name."""
    if user is None:
        return _("system")
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or str(user)


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _shown_field(field: models.Field[Any, Any] | None, name: str) -> bool:
    if field is None:
        return name == "password"
    return bool(field.editable) and not isinstance(field, models.BinaryField)


def _label(field: models.Field[Any, Any] | None, name: str) -> str:
    if field is None:
        return _("password") if name == "password" else name
    text = str(field.verbose_name)
    return text[:1].upper() + text[1:]


def _value(field: models.Field[Any, Any] | None, raw: Any, related: dict[Any, str]) -> str:
    text = "" if raw is None else str(raw)
    if text in _EMPTY:
        return "–"
    if field is None:
        return "***" if text == "***" else text
    if field.is_relation:
        return related.get(text, text)
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        return labels.get(text, text)
    if isinstance(field, models.BooleanField):
        return _("Yes") if text in ("True", "1", "true") else _("No")
    if isinstance(field, models.DateTimeField):
        try:
            return moment(datetime.fromisoformat(text))
        except ValueError:
            return text
    if isinstance(field, models.DateField):
        try:
            return formats.date_label(date.fromisoformat(text[:10]))
        except ValueError:
            return text
    return text


def _related_names(entries: Sequence[LogEntry]) -> dict[type[models.Model], dict[str, str]]:
    """The names of every related record the entries mention, one query per related table."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                related = field.related_model
                if isinstance(related, type):
                    wanted[related].update(str(v) for v in values if str(v) not in _EMPTY)
    names: dict[type[models.Model], dict[str, str]] = {}
    for model, keys in wanted.items():
        found = model._default_manager.in_bulk(list(keys))
        names[model] = {str(pk): _record_name(obj) for pk, obj in found.items()}
    return names


def _record_name(obj: Any) -> str:
    for attribute in ("display_name", "label"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return value
    if hasattr(obj, "get_full_name"):
        return person_name(obj)
    return str(obj)


#: Fields whose whole value gives digits of a NIK: the birth date gives six of them.
BIRTH_FIELDS = frozenset({"birth_date"})


def entries_shown(entries: Iterable[LogEntry], *, viewer: Any = None) -> list[EntryShown]:
    """``entries`` (with ``actor`` and ``content_type`` selected) ready to be read. For a
    ``viewer`` whose role does not see full identities, a birth date is shown as its year, as
    on the person's page (issue 14: the date and the desa would rebuild a masked NIK)."""
    caps = getattr(viewer, "capabilities", None)
    years_only = viewer is not None and not (caps is not None and caps.see_full_nik)
    entries = list(entries)
    related = _related_names(entries)
    shown: list[EntryShown] = []
    for entry in entries:
        model = entry.content_type.model_class()
        lines = []
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if not _shown_field(field, name):
                continue
            before, after = [*list(values), None, None][:2]
            names = {}
            if field is not None and field.is_relation and field.related_model is not None:
                names = related.get(field.related_model, {})
            if years_only and name in BIRTH_FIELDS:
                lines.append(ChangeLine(_label(field, name), _year(before), _year(after)))
                continue
            lines.append(
                ChangeLine(
                    _label(field, name), _value(field, before, names), _value(field, after, names)
                )
            )
        event = (
            (entry.additional_data or {}).get("event")
            if isinstance(entry.additional_data, dict)
            else None
        )
        action = (
            str(EVENTS.get(event, ACTIONS.get(entry.action, "")))
            if event
            else str(ACTIONS.get(entry.action, ""))
        )
        shown.append(
            EntryShown(
                entry=entry,
                when=moment(entry.timestamp),
                who=person_name(entry.actor),
                action=action,
                record_type=_type_name(model),
                record=entry.object_repr,
                lines=tuple(lines),
            )
        )
    return shown


def _type_name(model: type[models.Model] | None) -> str:
    if model is None:
        return ""
    text = str(model._meta.verbose_name)
    return text[:1].upper() + text[1:]


def _year(raw: Any) -> str:
    text = "" if raw is None else str(raw)
    if text in _EMPTY:
        return "–"
    return text[:4] if text[:4].isdigit() else "–"
