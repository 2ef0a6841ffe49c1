"""Name search on SQLite: a trigram full-text side table of the normalised names.

PostgreSQL answers name searches from the trigram GIN index ``person_name_trgm`` (pg_trgm).
SQLite has no such index; without one, a name search read every name (``LIKE '%name%'``,
0.3–0.45 s at a million people) and the spelling fallback read them once per letter changed
(1–1.9 s). Here the normalised names are also kept in an FTS5 table with the trigram tokenizer
(SQLite ≥ 3.34), ``registry_person_name``: an *external content* table over
``registry_person`` (it stores the trigrams and their places, not the names), whose rowid is
the person's id.

Kept in step by triggers on ``registry_person`` (insert, a change of ``name_normalized``,
delete), so every writer — the ORM, ``core.bulk``'s executemany and scratch-file copies,
``update_from_frame``, merges, retention's deletions, raw SQL — keeps it without knowing.
A later migration that rebuilds ``registry_person`` on SQLite (Django's way to alter a column
there) drops the table's triggers with it: every ``migrate`` therefore puts them back
(:func:`name_index_ensure`, from ``post_migrate``) and, when they were missing, rebuilds the
index from the names.

Nothing here runs on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError

TABLE = "registry_person_name"
_PERSON = "registry_person"
_TRIGGERS = {
    "registry_person_name_ai": (
        f"AFTER INSERT ON {_PERSON} BEGIN "
        f"INSERT INTO {TABLE} (rowid, name_normalized) VALUES (new.id, new.name_normalized); "
        "END"
    ),
    "registry_person_name_ad": (
        f"AFTER DELETE ON {_PERSON} BEGIN "
        f"INSERT INTO {TABLE} ({TABLE}, rowid, name_normalized) "
        "VALUES ('delete', old.id, old.name_normalized); "
        "END"
    ),
    "registry_person_name_au": (
        f"AFTER UPDATE OF id, name_normalized ON {_PERSON} "
        "WHEN old.id IS NOT new.id OR old.name_normalized IS NOT new.name_normalized BEGIN "
        f"INSERT INTO {TABLE} ({TABLE}, rowid, name_normalized) "
        "VALUES ('delete', old.id, old.name_normalized); "
        f"INSERT INTO {TABLE} (rowid, name_normalized) VALUES (new.id, new.name_normalized); "
        "END"
    ),
}


def _names(cursor: Any, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def name_index_ensure(connection: Any) -> bool:
    """Create the side table and its triggers where missing (SQLite only); rebuild the index
    from the names when anything was missing. Whether anything was done."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if _PERSON not in _names(cursor, "table"):
            return False
        made = False
        if TABLE not in _names(cursor, "table"):
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(name_normalized, "
                f"content='{_PERSON}', content_rowid='id', tokenize='trigram')"
            )
            made = True
        present = _names(cursor, "trigger")
        for name, body in _TRIGGERS.items():
            if name not in present:
                cursor.execute(f"CREATE TRIGGER {name} {body}")
                made = True
        if made:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")
    return made


def name_index_drop(connection: Any) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def name_index_in_step(connection: Any) -> bool:
    """FTS5's own check that the index holds exactly the names of the content table."""
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('integrity-check', 1)")
        except DatabaseError:
            return False
    return True
