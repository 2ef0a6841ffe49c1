from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "jaring.programmes"
    label = "programmes"
    verbose_name = _("Programmes and decrees")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from jaring.core.panels import panel_register
        from jaring.programmes.models import Decree, Programme, ProgrammeCategory, ReferenceList
        from jaring.programmes.views import person_programmes_panel

        # The registry's person page lists the programmes that covered the person.
        panel_register("person", person_programmes_panel)

        # Programmes and decrees are changed one at a time by people: every change is audited
        # with before and after. Decree rows, members and memberships are written in bulk by
        # the audited services (their audit unit is the decree).
        for model in (Programme, ProgrammeCategory, ReferenceList):
            if not auditlog.contains(model):
                auditlog.register(model)
        if not auditlog.contains(Decree):
            auditlog.register(Decree, exclude_fields=["computed_at"])
