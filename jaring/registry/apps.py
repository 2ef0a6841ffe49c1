from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_taxonomy(sender: AppConfig, **kwargs: Any) -> None:
    """Every ``migrate`` brings the occupation categories up to the shipped taxonomy, so a code
    the classifier can return always exists in the database (ADR 0004)."""
    from jaring.registry.services import occupation_taxonomy_sync

    occupation_taxonomy_sync(using=kwargs.get("using", "default"))


def _name_index(sender: AppConfig, **kwargs: Any) -> None:
    """Every ``migrate`` on SQLite puts back the name search's side table and triggers where a
    rebuild of the person table dropped them (registry.nameindex)."""
    from django.db import connections

    from jaring.registry.nameindex import name_index_ensure

    name_index_ensure(connections[kwargs.get("using", "default")])


class RegistryConfig(AppConfig):
    name = "jaring.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from jaring.registry.filters import trigram_threshold_set

        post_migrate.connect(_sync_taxonomy, sender=self)
        post_migrate.connect(_name_index, sender=self)
        # Name search by trigrams on PostgreSQL asks for this similarity (registry.filters).
        connection_created.connect(trigram_threshold_set, dispatch_uid="jaring-trigram-threshold")
