from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jaring.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from jaring.core.middleware import session_seen

        user_logged_in.connect(session_seen, dispatch_uid="jaring-session-seen")
