"""Which models django-auditlog tracks: every domain record a person can change."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

# (app label, model name, fields never written into the trail)
TRACKED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("core", "KeyRotation", ()),
    ("accounts", "User", ("password", "last_login")),
    ("accounts", "UserRegion", ()),
    ("registry", "Person", ("nik_cipher", "nik_index", "phone_cipher", "phone_index")),
    ("registry", "OccupationCategory", ()),
    ("registry", "OccupationSynonym", ()),
    ("registry", "ImportBatch", ("stage", "progress_done", "progress_total")),
    ("registry", "MatchDecision", ()),
    ("regions", "WorkingPopulation", ()),
    ("monitoring", "Target", ()),
    ("monitoring", "ReportedFigure", ()),
    ("monitoring", "AwardScheme", ()),
    ("monitoring", "AwardIndicator", ()),
    ("monitoring", "AwardScore", ()),
)


def register_tracked_models() -> None:
    for app_label, model_name, excluded in TRACKED:
        model = apps.get_model(app_label, model_name)
        if not auditlog.contains(model):
            auditlog.register(model, exclude_fields=list(excluded))
