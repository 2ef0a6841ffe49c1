"""Name search on SQLite: the trigram full-text side table of the normalised names and the
triggers that keep it in step with ``registry_person`` (registry.nameindex). Nothing on
PostgreSQL, which has the trigram GIN index of 0012."""

from typing import Any

from django.db import migrations


def _create(apps: Any, schema_editor: Any) -> None:
    from jaring.registry.nameindex import name_index_ensure

    name_index_ensure(schema_editor.connection)


def _drop(apps: Any, schema_editor: Any) -> None:
    from jaring.registry.nameindex import name_index_drop

    name_index_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_name_search_trigrams")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
