from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "jaring.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from jaring.audit.registration import register_tracked_models

        register_tracked_models()
