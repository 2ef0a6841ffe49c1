from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "jaring.finance"
    label = "finance"
    verbose_name = _("BPJS exchange, bills and payments")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from jaring.core.panels import panel_register
        from jaring.finance.views import home_panel

        # The home page (registry) warns of bills due and members about to lapse.
        panel_register("home", home_panel)

        from jaring.finance.tallies import lapse_tally_kept
        from jaring.programmes.tallies import membership_tally_also_keep

        # Lapsed members are counted per membership: every write of memberships keeps them.
        membership_tally_also_keep(lapse_tally_kept)

        from jaring.finance.models import (
            Bill,
            Holiday,
            Payment,
            RegistrationColumn,
            RegistrationTemplate,
        )

        # Changed one at a time by people: audited with before and after. Bill lines,
        # enrolments and response rows are written in bulk by the audited services (their
        # audit unit is the bill, the payment or the response file).
        for model in (Bill, Payment, Holiday, RegistrationTemplate, RegistrationColumn):
            if not auditlog.contains(model):
                auditlog.register(model)
