"""Name search by spelling on PostgreSQL: the pg_trgm extension and a GIN trigram index on
the normalised name (``Person.postgresql_indexes``). Nothing on SQLite, which searches names
with LIKE patterns instead (registry.filters.name_like_q)."""

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations


def _indexes(apps: Any, schema_editor: Any, *, create: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    if create:
        # Django's TrigramExtension would do this, but its way back asks pg_extension on any
        # database (SQLite: "no such table"); the extension stays when the index goes.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    model = apps.get_model("registry", "Person")
    # As Person.postgresql_indexes declares it (written out: a migration stays as it was).
    index = GinIndex(fields=["name_normalized"], name="person_name_trgm", opclasses=["gin_trgm_ops"])
    if create:
        schema_editor.add_index(model, index)
    else:
        schema_editor.remove_index(model, index)


def _create(apps: Any, schema_editor: Any) -> None:
    _indexes(apps, schema_editor, create=True)


def _drop(apps: Any, schema_editor: Any) -> None:
    _indexes(apps, schema_editor, create=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0011_held_decisions")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
