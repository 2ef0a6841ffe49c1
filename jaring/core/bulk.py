"""Writing whole columns into a table: COPY on PostgreSQL; on SQLite, Arrow into a scratch file
and one ``INSERT … SELECT`` (``executemany`` for small frames).

The ORM's ``bulk_create`` builds a parameter list per row and tops out around 50k rows a
second; an import of a million rows needs COPY. The functions here take a polars frame whose
columns are named after the model's columns (``Field.column``) and do these things only:

- :func:`lock_table` takes a write lock for the rest of the transaction, so nothing else inserts
  into the table while ids are reserved and rows copied (imports run one at a time anyway);
- :func:`reserve_ids` hands out a block of primary keys, so rows of two tables that point at
  each other (a person and the import row it came from) can be written in one pass;
- :func:`copy_frame` writes the rows (building the table's secondary and unique indexes
  afterwards when the rows at least double the table), :func:`copy_frames` those of several
  tables, one preparing while the other is written;
- :func:`rows_matching` reads the rows whose key is in a large set (one join with a temporary
  table or a JSON array, instead of thousands of ``IN (...)`` queries);
- :func:`update_from_frame` sets columns of the rows whose key is in a frame, one statement
  (``UPDATE … FROM`` a temporary table) instead of one per row.

Table and column names come from the model's ``_meta``, never from string literals.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import queue
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
from django.db import OperationalError, connection, models
from django.db.models import QuerySet

from jaring.core import failpoints
from jaring.core.scratch import scratch_folder

_Batch = TypeVar("_Batch")


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[models.Model], field_name: str) -> str:
    column = getattr(model._meta.get_field(field_name), "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{model.__name__}.{field_name} is not a concrete column")
    return column


def _pk_column(model: type[models.Model]) -> str:
    pk = model._meta.pk
    if pk is None or pk.column is None:
        raise ValueError(f"{model.__name__} has no primary-key column")
    return pk.column


def lock_table(model: type[models.Model]) -> None:
    """Block other writers of ``model``'s table until the current transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_table must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {_table(model)} IN SHARE ROW EXCLUSIVE MODE")
    # SQLite: the IMMEDIATE transaction (settings) already holds the database's write lock.


def reserve_ids(model: type[models.Model], count: int) -> int:
    """First of ``count`` consecutive unused primary keys of ``model`` (call after lock_table)."""
    pk = connection.ops.quote_name(_pk_column(model))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)",
                [model._meta.db_table, _pk_column(model)],
            )
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {_table(model)}")
            in_table = cursor.fetchone()[0]
            cursor.execute("SELECT last_value, is_called FROM " + sequence)
            last_value, is_called = cursor.fetchone()
            first = max(in_table, last_value if is_called else last_value - 1) + 1
            if count:
                cursor.execute("SELECT setval(%s, %s, true)", [sequence, first + count - 1])
            return int(first)
        cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {_table(model)}")
        return int(cursor.fetchone()[0]) + 1


def _for_postgres(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns as COPY's CSV format reads them: bytea as \\x-hex, times with offset."""
    conversions = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Binary:
            conversions.append(
                pl.when(pl.col(name).is_null())
                .then(None)
                .otherwise(pl.lit("\\x") + pl.col(name).bin.encode("hex"))
                .alias(name)
            )
        elif isinstance(dtype, pl.Datetime):
            conversions.append(
                pl.col(name).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.f+00")
            )
    return frame.with_columns(conversions) if conversions else frame


def _for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns as Django stores them in SQLite: ISO dates, naive UTC date-times."""
    conversions = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            conversions.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            conversions.append(
                pl.col(name).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.6f")
            )
        elif dtype == pl.Boolean:
            conversions.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(conversions) if conversions else frame


# Fewer rows than this are written through the indexes whatever the table's size: dropping and
# building an index costs more than it saves on a small insert.
DEFER_INDEXES_FROM_ROWS = 50_000
# A copy of at least this many rows, and this share of the rows PostgreSQL's statistics know the
# table to have, refreshes those statistics (:func:`_statistics_refreshed`).
ANALYZE_FROM_ROWS = 100
ANALYZE_FROM_SHARE = 0.1


@dataclass(frozen=True)
class FrameCopy:
    """Rows for one table: ``frame``, and ``prepare``, which turns each chunk into the table's
    rows just before it is written (encrypting it, for instance)."""

    model: type[models.Model]
    frame: pl.DataFrame
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None

    def chunks(self, rows: int) -> Iterator[pl.DataFrame]:
        """The prepared chunks, the first checked against the table's columns."""
        known = {f.column for f in self.model._meta.concrete_fields}
        for start in range(0, self.frame.height, rows):
            chunk = self.frame.slice(start, rows)
            chunk = self.prepare(chunk) if self.prepare else chunk
            if start == 0 and (unknown := set(chunk.columns) - known):
                raise ValueError(f"{self.model.__name__} has no column(s) {sorted(unknown)}")
            yield chunk


def copy_frame(
    model: type[models.Model],
    frame: pl.DataFrame,
    *,
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
    chunk_rows: int = 100_000,
) -> int:
    """Insert every row of ``frame`` into ``model``'s table; returns the number of rows.
    ``prepare``: see :class:`FrameCopy`."""
    copy_frames(FrameCopy(model, frame, prepare), chunk_rows=chunk_rows)
    return frame.height


def copy_frames(*copies: FrameCopy, chunk_rows: int = 100_000) -> None:
    """Insert the rows of each copy, one table after another, in the caller's transaction.

    Two cores at work, not one. On PostgreSQL a background thread streams the finished chunks
    of each COPY, so the next chunk is prepared while the server ingests the last one. On
    SQLite the large copies go through scratch files (:func:`_write_scratch`), written one
    after another in a background thread: the next table's file is prepared and written while
    this thread inserts the previous one and builds its indexes — SQLite's own work, which
    releases the GIL.
    """
    copies = tuple(c for c in copies if not c.frame.is_empty())
    if connection.vendor == "postgresql":
        for copy in copies:
            with (
                _statistics_refreshed(copy.model, copy.frame.height),
                _indexes_deferred(copy.model, copy.frame.height),
            ):
                _copy_postgres(copy, chunk_rows)
            failpoints.reached("bulk-copied")
        return
    with (
        connection.cursor() as cursor,
        _sqlite_bulk_cache(cursor),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="jaring-scratch") as stager,
    ):
        free, folder = _free_attachments(cursor), scratch_folder()
        staged: list[Future[tuple[Path, list[str]]] | None] = []
        for copy in copies:
            if copy.frame.height >= SCRATCH_FROM_ROWS and free > 0:
                free -= 1
                staged.append(stager.submit(_write_scratch, copy, chunk_rows, folder))
            else:
                staged.append(None)
        try:
            for copy, scratch in zip(copies, staged, strict=True):
                with _indexes_deferred(copy.model, copy.frame.height):
                    if scratch is None:
                        _sqlite_executemany(cursor, copy, chunk_rows)
                    else:
                        _insert_from_scratch(cursor, copy.model, *scratch.result())
                failpoints.reached("bulk-copied")
        finally:
            _discard_scratch(stager, staged)
        if any(scratch is not None for scratch in staged):
            # A database read in a transaction cannot be detached before the transaction ends.
            if connection.in_atomic_block:
                connection.on_commit(lambda: _detach_finished_scratch(None))
            else:
                _detach_finished_scratch(cursor)


def _copy_postgres(copy: FrameCopy, chunk_rows: int) -> None:
    from psycopg.copy import QueuedLibpqWriter  # here: SQLite never loads psycopg

    chunks = copy.chunks(chunk_rows)
    first = next(chunks)
    sql = (
        f"COPY {_table(copy.model)} ({_columns(first.columns)}) "
        "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
        with (
            connection.wrap_database_errors,  # psycopg's errors as Django's, as for execute()
            raw.copy(sql, writer=QueuedLibpqWriter(raw)) as out,
        ):
            for chunk in itertools.chain([first], chunks):
                buffer = io.BytesIO()
                _for_postgres(chunk).write_csv(buffer, include_header=False, null_value="\\N")
                out.write(buffer.getvalue())


def _sqlite_executemany(cursor: Any, copy: FrameCopy, chunk_rows: int) -> None:
    chunks = (_for_sqlite(c) for c in copy.chunks(chunk_rows))
    first = next(chunks)
    placeholders = ", ".join(["%s"] * first.width)
    sql = f"INSERT INTO {_table(copy.model)} ({_columns(first.columns)}) VALUES ({placeholders})"
    _overlapped(
        lambda rows: cursor.executemany(sql, rows),
        (c.rows() for c in itertools.chain([first], chunks)),
    )


def _columns(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in names)


def _smaller_than(model: type[models.Model], rows: int) -> bool:
    """Whether the table holds fewer than ``rows`` rows; counting stops at ``rows``, so a large
    table costs no full count."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {_table(model)} LIMIT %s) t", [rows])
        return bool(cursor.fetchone()[0] < rows)


def _analysed_rows(model: type[models.Model]) -> float:
    """The table's rows as PostgreSQL's planner knows them (``pg_class.reltuples``, from its
    last ``ANALYZE``; 0 when it was never analysed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        row = cursor.fetchone()
    return max(float(row[0]), 0.0) if row else 0.0


@contextmanager
def _statistics_refreshed(model: type[models.Model], incoming: int) -> Iterator[None]:
    """On PostgreSQL, ``ANALYZE`` the table after a copy that adds at least a tenth of the rows
    its statistics know of.

    The planner estimates rows from the last ``ANALYZE``; autovacuum only comes by after a
    commit, and never sees another transaction's rows. Within one long transaction (the demo, a
    test) a table analysed while empty still looks empty after thousands of rows, and a table
    analysed when it held one bill's lines estimates every later bill at one line: queries
    joining them were planned as nested loops over one row and scanned a bill's 20,000 lines
    once per member (the demo's payments ran past CI's 90 minutes). ``ANALYZE`` inside the
    transaction samples its own rows (about 30,000, tens of milliseconds), so it is run whenever
    a copy changes the table's size by a tenth or more.
    """
    if incoming < ANALYZE_FROM_ROWS or incoming < _analysed_rows(model) * ANALYZE_FROM_SHARE:
        yield
        return
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {_table(model)}")


@contextmanager
def _indexes_deferred(model: type[models.Model], incoming: int) -> Iterator[None]:
    """Drop the model's own indexes (``Meta.indexes``, and unique constraints that are indexes:
    those with an expression or a condition) while ``incoming`` rows are written and build them
    again afterwards — when the rows at least double the table.

    Building an index once, by sorting, is several times cheaper than growing it a row at a time:
    a first list of a million people goes in 3–4 s faster on SQLite, more on PostgreSQL. The
    primary key stays. A unique index built afterwards still refuses a repeated value — the
    build fails and takes the transaction with it — and nothing else writes the table
    meanwhile (:func:`lock_table`). Everything happens in the caller's transaction: if the copy
    fails, the rollback brings the indexes back untouched. The price, on PostgreSQL, is that
    DROP INDEX locks the table against readers until the commit; that is why it only applies
    when the table is small next to what comes in.
    """
    deferred: list[models.Index | models.UniqueConstraint] = [
        *model._meta.indexes,
        *(
            c
            for c in model._meta.constraints
            if isinstance(c, models.UniqueConstraint) and (c.expressions or c.condition)
        ),
        # Indexes a model keeps on PostgreSQL only (registry's trigram index on names).
        *(getattr(model, "postgresql_indexes", ()) if connection.vendor == "postgresql" else ()),
    ]
    if not deferred or incoming < DEFER_INDEXES_FROM_ROWS or not connection.in_atomic_block:
        yield
        return
    if not _smaller_than(model, incoming):
        yield
        return
    with connection.cursor() as cursor:
        # PostgreSQL refuses CREATE INDEX while deferred foreign-key checks are pending, and
        # checks queued before the drop (a delete's) should still find their indexes: run them
        # before and after the copy (they would run at commit anyway), then defer as Django does.
        _run_deferred_checks(cursor)
        for index in deferred:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(index.name)}")
        yield
        _run_deferred_checks(cursor)
        # The schema editor only builds the statements (with opclasses, expressions and
        # conditions) here; it is not entered, which SQLite refuses inside a transaction.
        editor = connection.schema_editor()
        for index in deferred:
            cursor.execute(str(index.create_sql(model, editor)))


def _overlapped(write: Callable[[_Batch], object], batches: Iterator[_Batch]) -> None:
    """``write`` each batch in a writer thread while this thread prepares the next one.

    SQLite (and the Arrow ingest below) release the GIL while they insert and maintain indexes,
    so preparing rows (and encrypting them) in Python overlaps with the database's own work.
    Django opens SQLite connections with ``check_same_thread=False``; only the writer uses the
    cursor meanwhile.
    """
    ready: queue.Queue[_Batch | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def writer() -> None:
        while (batch := ready.get()) is not None:
            if not failure:
                try:
                    write(batch)
                except BaseException as exc:  # re-raised in the calling thread
                    failure.append(exc)

    thread = threading.Thread(target=writer, name="jaring-bulk-writer")
    thread.start()
    try:
        for batch in batches:
            if failure:
                break
            ready.put(batch)
    finally:
        ready.put(None)
        thread.join()
    if failure:
        raise failure[0]


# From this many rows SQLite gets them through a scratch file (below); fewer go by
# ``executemany``, which needs no file and no attached database. (The crash tests lower it.)
SCRATCH_FROM_ROWS = int(os.environ.get("JARING_SCRATCH_FROM_ROWS", "20000"))
_SCRATCH_PREFIX = "jaring_scratch_"
_scratch_numbers = itertools.count(1)


def _write_scratch(copy: FrameCopy, chunk_rows: int, folder: Path) -> tuple[Path, list[str]]:
    """Write the prepared rows of ``copy`` into a throwaway SQLite file through ADBC; returns
    the file and its columns. Runs in a background thread: it touches no Django connection.

    Python's ``executemany`` turns every value into a Python object and binds it one by one:
    for a million rows of twenty columns that costs more than SQLite's own inserting. ADBC
    binds straight from Arrow buffers, in C; :func:`_insert_from_scratch` then copies the rows
    with one ``INSERT … SELECT`` in SQLite alone. About twice as fast for the person table
    (ADR 0007).
    """
    # Imported here: with pyarrow it takes 0.2 s, which every other command would pay.
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    handle, name = tempfile.mkstemp(prefix="jaring-bulk-", suffix=".sqlite3", dir=folder)
    os.close(handle)
    path = Path(name)
    try:
        chunks = (_for_sqlite(c) for c in copy.chunks(chunk_rows))
        first = next(chunks)
        with adbc_sqlite.connect(name, autocommit=True) as scratch, scratch.cursor() as out:
            # Large pages, as the database's own (settings); no journal, no sync: nothing in
            # this file needs recovering.
            out.execute("PRAGMA page_size=16384")
            out.execute("PRAGMA journal_mode=OFF")
            out.execute("PRAGMA synchronous=OFF")
            _overlapped(
                lambda arrow: out.adbc_ingest("rows", arrow, mode="create_append"),
                (c.to_arrow() for c in itertools.chain([first], chunks)),
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    failpoints.reached("bulk-scratch-written")
    return path, first.columns


def _insert_from_scratch(
    cursor: Any, model: type[models.Model], path: Path, columns: list[str]
) -> None:
    """Attach the scratch file and copy its rows into ``model``'s table — on the caller's
    connection, inside the caller's transaction, so atomicity is untouched."""
    schema = f"{_SCRATCH_PREFIX}{next(_scratch_numbers)}"
    try:
        cursor.execute(f"ATTACH DATABASE %s AS {schema}", [str(path)])
        quoted = _columns(columns)
        cursor.execute(f"INSERT INTO {_table(model)} ({quoted}) SELECT {quoted} FROM {schema}.rows")
    finally:
        # The attached file stays readable until it is detached; its name can go now.
        path.unlink(missing_ok=True)


def _discard_scratch(
    stager: ThreadPoolExecutor, staged: list[Future[tuple[Path, list[str]]] | None]
) -> None:
    """After the inserts (or a failure): stop what has not started, and remove every file."""
    for future in staged:
        if future is not None:
            future.cancel()
    stager.shutdown(wait=True)
    for future in staged:
        if future is not None and not future.cancelled() and future.exception() is None:
            future.result()[0].unlink(missing_ok=True)


def _detach_finished_scratch(cursor: Any | None) -> None:
    """Detach the scratch files of earlier copies whose transaction has ended (committed or
    rolled back); the ones still in use by the current transaction stay."""
    if cursor is None:
        with connection.cursor() as own:
            _detach_finished_scratch(own)
        return
    cursor.execute("PRAGMA database_list")
    for name in [row[1] for row in cursor.fetchall() if row[1].startswith(_SCRATCH_PREFIX)]:
        try:
            cursor.execute(f"DETACH DATABASE {name}")
        except OperationalError:
            continue  # "database is locked": read by the transaction still open


def _free_attachments(cursor: Any) -> int:
    """How many more databases can be attached (SQLite allows ten by default), after
    detaching the scratch files of transactions that have ended."""
    _detach_finished_scratch(cursor)
    cursor.execute("PRAGMA database_list")
    attached = sum(1 for row in cursor.fetchall() if row[1] not in {"main", "temp"})
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) - attached


@contextmanager
def _sqlite_bulk_cache(cursor: Any) -> Iterator[None]:
    """A large page cache while inserting: SQLite maintains every index row by row, and with
    the default cache a million-row insert re-reads index pages from disk over and over."""
    cursor.execute("PRAGMA cache_size")
    previous = cursor.fetchone()[0]
    cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB, only pages actually touched
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _run_deferred_checks(cursor: Any) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rows_matching(
    model: type[models.Model],
    key: str,
    values: Sequence[str],
    fields: Sequence[str],
    schema: Mapping[str, pl.DataType],
) -> pl.DataFrame:
    """``fields`` of the rows of ``model`` whose text column ``key`` is one of ``values``, as a
    frame of ``schema`` (one name and type per field, in order).

    One statement, whatever the number of values: on PostgreSQL they go into a temporary table
    by COPY; SQLite reads them from one JSON array parameter (``json_each``). Either is joined
    with the model's table on its index on ``key``. The rows come in no particular order.
    """
    if not values:
        return pl.DataFrame(schema=schema)
    key_column = connection.ops.quote_name(_column(model, key))
    selected = ", ".join(f"t.{connection.ops.quote_name(_column(model, f))}" for f in fields)
    unique = list(dict.fromkeys(values))
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # The keys find the rows' ids from the index alone; SQLite then reads the rows in
            # id order, not in the keys' random order: a re-imported million-row list 2.4 s
            # faster, most of the table's pages read once instead of jumped between.
            pk = connection.ops.quote_name(_pk_column(model))
            cursor.execute(
                f"SELECT {selected} FROM {_table(model)} t WHERE t.{pk} IN ("
                f"SELECT m.{pk} FROM json_each(%s) k "
                f"JOIN {_table(model)} m ON m.{key_column} = k.value)",
                [json.dumps(unique)],
            )
            return _fetch_frame(cursor, schema)
        keys = connection.ops.quote_name("jaring_bulk_keys")
        cursor.execute(f"DROP TABLE IF EXISTS {keys}")
        # No key on the temporary table: the join probes the model's own index on `key`.
        cursor.execute(f"CREATE TEMPORARY TABLE {keys} (k varchar(64))")
        with cursor.copy(f"COPY {keys} (k) FROM STDIN") as copy:
            copy.write("\n".join(unique) + "\n")
        cursor.execute(f"ANALYZE {keys}")
        cursor.execute(
            f"SELECT {selected} FROM {_table(model)} t JOIN {keys} k ON t.{key_column} = k.k"
        )
        found = _fetch_frame(cursor, schema)
        cursor.execute(f"DROP TABLE {keys}")
    return found


def update_from_frame(
    model: type[models.Model],
    frame: pl.DataFrame,
    *,
    key: Sequence[str],
    unless_changed: Sequence[str] = (),
) -> int:
    """Set the other columns of ``frame`` on the rows of ``model`` whose ``key`` columns
    (model column names, together unique) equal a row of ``frame``; returns the rows updated.

    ``unless_changed``: columns whose value the caller read before computing the new one; the
    frame then also has ``<column>__was``, and a row whose column no longer holds that value
    (written meanwhile by someone else) is left as it is — a compare-and-set per row.

    The frame goes into a temporary table shaped like the model's own columns (COPY on
    PostgreSQL, ``executemany`` on SQLite), then one ``UPDATE … FROM`` joins it on the key.
    Run it inside the write's transaction.
    """
    if frame.is_empty():
        return 0
    known = {f.column for f in model._meta.concrete_fields}
    was = {f"{c}__was": c for c in unless_changed}
    if unknown := set(frame.columns) - known - set(was):
        raise ValueError(f"{model.__name__} has no column(s) {sorted(unknown)}")
    if missing := set(was) - set(frame.columns):
        raise ValueError(f"frame lacks {sorted(missing)}")
    quote = connection.ops.quote_name
    table = _table(model)
    temp = quote(f"jaring_update_{model._meta.db_table}")
    names = _columns(frame.columns)
    shape = ", ".join(
        f"{quote(was[c])} AS {quote(c)}" if c in was else quote(c) for c in frame.columns
    )
    values = [c for c in frame.columns if c not in key and c not in was]
    assignments = ", ".join(f"{quote(c)} = t.{quote(c)}" for c in values)
    join = " AND ".join(
        [f"{table}.{quote(c)} = t.{quote(c)}" for c in key]
        + [f"{table}.{quote(c)} = t.{quote(f'{c}__was')}" for c in unless_changed]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {shape} FROM {table} WHERE 1 = 0")
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            _for_postgres(frame).write_csv(buffer, include_header=False, null_value="\\N")
            with cursor.copy(
                f"COPY {temp} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            ) as out:
                out.write(buffer.getvalue())
            cursor.execute(f"ANALYZE {temp}")
        else:
            placeholders = ", ".join(["%s"] * frame.width)
            cursor.executemany(
                f"INSERT INTO {temp} ({names}) VALUES ({placeholders})", _for_sqlite(frame).rows()
            )
        cursor.execute(f"UPDATE {table} SET {assignments} FROM {temp} t WHERE {join}")
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {temp}")
    return frame.height if updated is None or updated < 0 else int(updated)


def _fetch_frame(
    cursor: Any, schema: Mapping[str, pl.DataType | type[pl.DataType]], batch_rows: int = 100_000
) -> pl.DataFrame:
    """The cursor's rows as a frame, converted a batch at a time: a million rows held as
    Python tuples at once take about a gigabyte (a list imported a second time)."""
    frames = [pl.DataFrame(schema=schema)]
    while rows := cursor.fetchmany(batch_rows):
        frames.append(pl.DataFrame(rows, schema=schema, orient="row"))
    return pl.concat(frames)


def now_utc() -> datetime:
    return datetime.now(tz=UTC)


def read_frame(rows: QuerySet[Any], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The rows of a ``values_list`` queryset as a frame of ``schema`` (one name and type per
    selected field, in order), without a Python object per value on PostgreSQL.

    PostgreSQL sends the rows by ``COPY (query) TO STDOUT`` as CSV, parsed by polars in one
    go; SQLite's rows are fetched a batch at a time. Supported types: strings, integers,
    floats, booleans, dates and binary (bytea / BLOB).
    """
    sql, params = rows.query.sql_with_params()
    return read_sql_frame(sql, params, schema)


def read_sql_frame(
    sql: str, params: Sequence[Any], schema: Mapping[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """The rows of a SELECT ``sql`` as a frame of ``schema``, read as :func:`read_frame` reads a
    queryset's (COPY on PostgreSQL). For queries the ORM cannot say cheaply, such as a
    group-by on an expression computed by the database for a million rows."""
    if connection.vendor != "postgresql":
        # Django's SQLite connection converts declared date and bool columns already.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return _fetch_frame(cursor, schema)
    buffer = io.BytesIO()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor:
        # Django's debug wrapper (DEBUG, or a test counting queries) has ``copy(statement)``
        # without parameters: COPY on psycopg's own cursor, recorded like any query.
        debug_sql = getattr(cursor, "debug_sql", None)
        with (
            debug_sql(statement, params) if debug_sql else contextlib.nullcontext(),
            cursor.cursor.copy(statement, params) as copy,
        ):
            for block in copy:
                buffer.write(block)
    text_schema: dict[str, pl.DataType | type[pl.DataType]] = {
        name: (pl.String() if dtype in (pl.Binary, pl.Boolean, pl.Date) else dtype)
        for name, dtype in schema.items()
    }
    frame = (
        pl.read_csv(
            buffer.getvalue() or b"",
            has_header=False,
            schema=text_schema,
            null_values="\\N",
        )
        if buffer.tell()
        else pl.DataFrame(schema=text_schema)
    )
    conversions = []
    for name, dtype in schema.items():
        if dtype == pl.Binary:
            conversions.append(pl.col(name).str.slice(2).str.decode("hex"))
        elif dtype == pl.Boolean:
            conversions.append(pl.col(name) == "t")
        elif dtype == pl.Date:
            conversions.append(pl.col(name).str.to_date("%Y-%m-%d"))
    return frame.with_columns(conversions) if conversions else frame
