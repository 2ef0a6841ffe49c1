"""Re-encrypting every stored ciphertext under the current key: ``jaring keys rotate``.

Every encrypted column is a ``BinaryField`` named ``*_cipher`` (:func:`cipher_columns` finds
them in every installed model: NIKs and phones of people, of import rows, of decree members and
of BPJS response rows, heirs' NIKs and bank accounts). A column is rewritten in batches of
rows, each batch one transaction, column-wise:

1. one ``SELECT`` of the next rows (in primary-key order, after the last one done) whose
   ciphertext is not yet in the current form under the current key — the key number is the
   ciphertext's second byte, so ``SUBSTR(column, 1, 2)`` tells;
2. decrypt and encrypt the whole batch in memory (:func:`jaring.core.crypto.decrypt_many`,
   ``encrypt_many``);
3. one ``UPDATE … FROM`` a temporary table (:func:`jaring.core.bulk.update_from_frame`),
   compare-and-set: a row written meanwhile (a person edited while the rotation runs, already
   under the current key) is left as it is.

Nothing to resume from but the data: a run stopped half-way (killed, a lost connection) left
every finished batch under the new key, and the next run selects only what is not — it picks up
where the data says, and a finished rotation run again rewrites nothing. Each run is recorded
(:class:`~jaring.core.models.KeyRotation`, in the audit trail) with its counts per column.

:func:`key_status` counts the ciphertexts under each key: once a column shows only the
current key, the older keys can leave the ring.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclasses_field
from typing import Any

import polars as pl
from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from jaring.core import bulk, crypto
from jaring.core.models import KeyRotation, KeyRotationColumn, RotationState

#: Rows rewritten per transaction: large enough that the per-statement cost vanishes, small
#: enough that a batch holds the write lock for about a second.
BATCH_ROWS = 50_000


@dataclass(frozen=True)
class CipherColumn:
    """One column of ciphertexts: its model, field, and the columns of its primary key."""

    model: type[models.Model]
    field: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def column(self) -> str:
        column = self.model._meta.get_field(self.field).column  # type: ignore[union-attr]
        assert isinstance(column, str)
        return column

    @property
    def key_columns(self) -> list[str]:
        return [str(f.column) for f in self.model._meta.pk_fields]

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def slot(self) -> crypto.Slot:
        return crypto.Slot(self.table, self.column)


def cipher_columns() -> list[CipherColumn]:
    """Every encrypted column of the installed models, by table and column."""
    found = [
        CipherColumn(model, f.name)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for f in model._meta.concrete_fields
        if isinstance(f, models.BinaryField) and f.name.endswith("_cipher")
    ]
    return sorted(found, key=lambda c: c.label)


class RotationError(RuntimeError):
    """A ciphertext that no key of the ring opens: named by table, column and row."""


@dataclass
class ColumnStatus:
    table: str
    field: str
    rows: int = 0
    by_key: Counter[int] = dataclasses_field(default_factory=Counter)
    bound: int = 0  # in the current form, bound to their rows
    legacy: int = 0  # written before the key ring (no key number)
    unreadable: int = 0  # not a ciphertext at all

    @property
    def unbound(self) -> int:
        """Ciphertexts not bound to their row (either older form)."""
        return self.rows - self.bound - self.unreadable

    def as_dict(self) -> dict[str, object]:
        return {
            "table": self.table,
            "field": self.field,
            "rows": self.rows,
            "by_key": {str(k): n for k, n in sorted(self.by_key.items())},
            "unbound": self.unbound,
            "legacy": self.legacy,
            "unreadable": self.unreadable,
        }


@dataclass(frozen=True)
class KeyStatus:
    current: int
    ring: Sequence[int]
    columns: Sequence[ColumnStatus]
    current_bound: int  # ciphertexts in the current form under the current key

    def by_key(self) -> Counter[int]:
        total: Counter[int] = Counter()
        for column in self.columns:
            total.update(column.by_key)
        return total

    def to_rotate(self) -> int:
        """Ciphertexts not under the current key in the current form."""
        return sum(c.rows for c in self.columns) - self.current_bound

    def as_dict(self) -> dict[str, object]:
        return {
            "current": self.current,
            "ring": sorted(self.ring),
            "by_key": {str(k): n for k, n in sorted(self.by_key().items())},
            "unbound": sum(c.unbound for c in self.columns),
            "legacy": sum(c.legacy for c in self.columns),
            "to_rotate": self.to_rotate(),
            "keys_in_use_outside_ring": sorted(set(self.by_key()) - set(self.ring)),
            "columns": [c.as_dict() for c in self.columns],
        }


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


def key_status() -> KeyStatus:
    """How many ciphertexts each column holds under each key (one grouped scan a column)."""
    columns = []
    current = crypto.current_key_id()
    current_bound = 0
    for column in cipher_columns():
        status = ColumnStatus(column.table, column.column)
        name = connection.ops.quote_name(column.column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT SUBSTR({name}, 1, 2), COUNT(*) FROM "
                f"{connection.ops.quote_name(column.table)} WHERE {name} IS NOT NULL "
                f"GROUP BY SUBSTR({name}, 1, 2)"
            )
            for head, count in cursor.fetchall():
                head = bytes(head)
                status.rows += count
                if len(head) == 2 and head[0] in (crypto.RINGED, crypto.BOUND):
                    status.by_key[head[1]] += count
                    if head[0] == crypto.BOUND:
                        status.bound += count
                        current_bound += count if head[1] == current else 0
                elif head[:1] == bytes([crypto.LEGACY]):
                    status.legacy += count
                else:
                    status.unreadable += count
        columns.append(status)
    return KeyStatus(current, list(crypto.ring()), columns, current_bound)


@dataclass
class _Batch:
    keys: list[Any]
    ciphers: list[bytes]


def _next_batch(column: CipherColumn, after: Any, head: bytes, rows: int) -> _Batch:
    quote = connection.ops.quote_name
    keys = column.key_columns
    cipher = quote(column.column)
    where = f"{cipher} IS NOT NULL AND SUBSTR({cipher}, 1, 2) <> %s"
    params: list[Any] = [head]
    if after is not None:
        where += f" AND ({_quoted(keys)}) > ({', '.join(['%s'] * len(keys))})"
        params.extend(after if isinstance(after, tuple) else [after])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_quoted(keys)}, {cipher} FROM {quote(column.table)} WHERE {where} "
            f"ORDER BY {_quoted(keys)} LIMIT %s",
            [*params, rows],
        )
        fetched = cursor.fetchall()
    # A one-column key binds as the value itself, a composite one as the tuple (crypto.row_key).
    return _Batch(
        [r[0] if len(keys) == 1 else tuple(r[:-1]) for r in fetched],
        [bytes(r[-1]) for r in fetched],
    )


def _opened(column: CipherColumn, batch: _Batch) -> list[str | None]:
    try:
        return crypto.decrypt_many(batch.ciphers, slot=column.slot, rows=batch.keys)
    except (ValueError, InvalidTag):
        pass
    for key, cipher in zip(batch.keys, batch.ciphers, strict=True):
        try:
            crypto.decrypt(cipher, slot=column.slot, row=key)
        except (ValueError, InvalidTag) as exc:
            reason = str(exc) or type(exc).__name__
            raise RotationError(
                f"{column.label}, baris {key}: tidak dapat dibuka dengan kunci mana pun di "
                f"cincin ({reason}). Kunci lama sudah dihapus? Tambahkan kembali, lalu ulangi."
            ) from exc
    raise AssertionError("a batch that fails opens row by row")  # pragma: no cover


def _rewrite(column: CipherColumn, batch: _Batch) -> tuple[int, int]:
    """Rewrite ``batch`` under the current key; (rewritten, changed meanwhile)."""
    values = _opened(column, batch)
    keys = column.key_columns
    frame = pl.DataFrame(
        {
            **(
                {keys[0]: batch.keys}
                if len(keys) == 1
                else {name: [k[i] for k in batch.keys] for i, name in enumerate(keys)}
            ),
            column.column: pl.Series(
                crypto.encrypt_many(values, slot=column.slot, rows=batch.keys), dtype=pl.Binary
            ),
            f"{column.column}__was": pl.Series(batch.ciphers, dtype=pl.Binary),
        }
    )
    written = bulk.update_from_frame(column.model, frame, key=keys, unless_changed=[column.column])
    return written, len(batch.keys) - written


@dataclass
class RotationResult:
    rotation: KeyRotation
    columns: list[KeyRotationColumn]
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return {
            "rotation": self.rotation.pk,
            "key": self.rotation.key_id,
            "state": self.rotation.state,
            "rewritten": self.rotation.rewritten,
            "seconds": round(self.seconds, 2),
            "columns": [
                {
                    "table": c.table,
                    "field": c.field,
                    "rewritten": c.rewritten,
                    "changed_meanwhile": c.changed_meanwhile,
                    "done": c.done,
                }
                for c in self.columns
            ],
        }


def keys_rotate(
    *,
    actor_label: str,
    batch_rows: int = BATCH_ROWS,
    after_batch: Callable[[CipherColumn, int], None] | None = None,
) -> RotationResult:
    """Rewrite every ciphertext that is not under the current key in the current form.

    ``after_batch(column, rewritten)`` is called after each committed batch (progress on the
    command line). Raises :class:`RotationError` for a ciphertext no key opens; the batches
    before it stay done, and the run is recorded as failed."""
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    started = time.perf_counter()
    key_id = crypto.current_key_id()
    head = bytes([crypto.BOUND, key_id])
    rotation = KeyRotation.objects.create(
        actor_label=actor_label[:150], key_id=key_id, state=RotationState.RUNNING
    )
    done_columns: list[KeyRotationColumn] = []
    try:
        for column in cipher_columns():
            record = KeyRotationColumn.objects.create(
                rotation=rotation, table=column.table, field=column.column
            )
            done_columns.append(record)
            after: Any = None
            while True:
                with transaction.atomic():
                    batch = _next_batch(column, after, head, batch_rows)
                    if not batch.keys:
                        break
                    written, changed = _rewrite(column, batch)
                    record.rewritten += written
                    record.changed_meanwhile += changed
                    record.save(update_fields=["rewritten", "changed_meanwhile"])
                    KeyRotation.objects.filter(pk=rotation.pk).update(
                        rewritten=models.F("rewritten") + written
                    )
                after = batch.keys[-1]
                if after_batch is not None:
                    after_batch(column, written)
            record.done = True
            record.save(update_fields=["done"])
    except BaseException:
        rotation.refresh_from_db(fields=["rewritten"])
        rotation.state = RotationState.FAILED
        rotation.finished_at = timezone.now()
        rotation.save(update_fields=["state", "finished_at"])
        raise
    rotation.refresh_from_db(fields=["rewritten"])
    rotation.state = RotationState.DONE
    rotation.finished_at = timezone.now()
    rotation.save(update_fields=["state", "finished_at"])
    return RotationResult(rotation, done_columns, time.perf_counter() - started)
