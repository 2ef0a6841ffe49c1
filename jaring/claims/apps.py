from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "jaring.claims"
    label = "claims"
    verbose_name = _("Claims for heirs")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from jaring.claims.models import Claim, ClaimDocument, Heir, Instalment
        from jaring.claims.views import person_claims_panel
        from jaring.core.panels import panel_register

        # The registry's person page lists the person's claims.
        panel_register("person", person_claims_panel)

        # A claim, its heirs (payee and bank account, encrypted) and its documents change one
        # at a time: every change is audited with before and after (ciphers left out).
        if not auditlog.contains(Claim):
            auditlog.register(Claim)
        if not auditlog.contains(Heir):
            auditlog.register(Heir, exclude_fields=["nik_cipher", "account_cipher"])
        if not auditlog.contains(ClaimDocument):
            auditlog.register(ClaimDocument)
        # A scholarship instalment recorded paid (with the claim, or a later year's).
        if not auditlog.contains(Instalment):
            auditlog.register(Instalment)
