"""``jaring keys rotate``: every ciphertext ends under the current key, the old key can leave the
ring, an interrupted run resumes, and ``jaring keys status`` counts what is under each key."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator

import polars as pl
import pytest
from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from jaring.core import crypto
from jaring.core.models import KeyRotation, RotationState
from jaring.core.rotation import (
    CipherColumn,
    RotationError,
    cipher_columns,
    key_status,
    keys_rotate,
)
from jaring.registry.models import ImportBatch, ImportRow, ImportStatus, Person
from jaring.registry.models.people import NIK_SLOT

NEW = "a-second-field-key-" + "n" * 50


@pytest.fixture
def people(add_people: Callable[..., pl.DataFrame]) -> pl.DataFrame:
    return add_people(120, "35.71", seed=3)


@pytest.fixture
def two_keys() -> Iterator[None]:
    """The ring after an IT officer added key 2 and made it current."""
    old = settings.JARING_FIELD_KEYRING[1]
    with override_settings(JARING_FIELD_KEYRING={1: old, 2: NEW}, JARING_FIELD_KEY_CURRENT=2):
        yield


def _only_new_key() -> override_settings:
    return override_settings(JARING_FIELD_KEYRING={2: NEW}, JARING_FIELD_KEY_CURRENT=2)


def test_every_encrypted_field_is_found() -> None:
    assert {(c.model.__name__, c.field) for c in cipher_columns()} == {
        ("Person", "nik_cipher"),
        ("Person", "phone_cipher"),
        ("ImportRow", "phone_cipher"),
        ("ImportRow", "nik_cipher"),  # a row held for a decision, until decided
        ("DecreeMember", "nik_cipher"),
        ("ResponseRow", "nik_cipher"),
        ("Heir", "nik_cipher"),
        ("Heir", "account_cipher"),
    }


def _niks_and_phones() -> list[tuple[str, str]]:
    return [(p.nik, p.phone) for p in Person.objects.order_by("pk")]


def test_rotation_rewrites_every_cipher_and_the_old_key_can_leave(
    people: pl.DataFrame, two_keys: None
) -> None:
    before = _niks_and_phones()
    status = key_status()
    phones = int(people["phone"].is_not_null().sum())
    assert status.by_key() == {1: 120 + phones}
    assert status.to_rotate() == 120 + phones

    result = keys_rotate(actor_label="test", batch_rows=50)

    assert result.rotation.state == RotationState.DONE
    assert result.rotation.rewritten == 120 + phones
    by_column = {(c.table, c.field): c.rewritten for c in result.columns}
    assert by_column[("registry_person", "nik_cipher")] == 120
    assert by_column[("registry_person", "phone_cipher")] == phones
    assert key_status().by_key() == {2: 120 + phones}
    with _only_new_key():
        assert _niks_and_phones() == before
        assert keys_rotate(actor_label="test").rotation.rewritten == 0  # nothing left


def test_an_interrupted_rotation_resumes_where_the_data_says(
    people: pl.DataFrame, two_keys: None
) -> None:
    before = _niks_and_phones()
    total = key_status().to_rotate()
    seen: list[int] = []

    def killed_after_two_batches(column: CipherColumn, written: int) -> None:
        seen.append(written)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        keys_rotate(actor_label="test", batch_rows=30, after_batch=killed_after_two_batches)
    stopped = KeyRotation.objects.get()
    assert stopped.state == RotationState.FAILED and stopped.rewritten == 60
    assert key_status().by_key()[2] == 60

    resumed = keys_rotate(actor_label="test", batch_rows=30)
    assert resumed.rotation.rewritten == total - 60
    assert key_status().to_rotate() == 0
    with _only_new_key():
        assert _niks_and_phones() == before


def _legacy(value: str) -> bytes:
    nonce = os.urandom(12)
    secret = settings.JARING_FIELD_KEYRING[1]
    return b"\x01" + nonce + crypto._aead(secret).encrypt(nonce, value.encode(), None)


def _unbound(value: str) -> bytes:
    nonce, header = os.urandom(12), b"\x02\x01"
    aead = crypto._aead(settings.JARING_FIELD_KEYRING[1])
    return header + nonce + aead.encrypt(nonce, value.encode(), b"jaring\x00" + header)


def test_ciphers_from_before_the_ring_or_not_bound_to_their_row_are_upgraded(
    people: pl.DataFrame,
) -> None:
    first, second = Person.objects.order_by("pk")[:2]
    Person.objects.filter(pk=first.pk).update(nik_cipher=_legacy(first.nik))
    Person.objects.filter(pk=second.pk).update(nik_cipher=_unbound(second.nik))
    status = key_status().as_dict()
    assert status["legacy"] == 1 and status["unbound"] == 2 and status["to_rotate"] == 2

    result = keys_rotate(actor_label="test")

    assert result.rotation.rewritten == 2
    status = key_status().as_dict()
    assert status["legacy"] == 0 and status["unbound"] == 0 and status["to_rotate"] == 0
    assert Person.objects.get(pk=first.pk).nik == first.nik
    assert Person.objects.get(pk=second.pk).nik == second.nik


def test_a_cipher_moved_to_another_row_or_column_does_not_decrypt(people: pl.DataFrame) -> None:
    first, second = Person.objects.exclude(phone_cipher=None).order_by("pk")[:2]
    Person.objects.filter(pk=second.pk).update(nik_cipher=first.nik_cipher)
    Person.objects.filter(pk=first.pk).update(phone_cipher=first.nik_cipher)
    with pytest.raises(InvalidTag):
        _ = Person.objects.get(pk=second.pk).nik
    with pytest.raises(InvalidTag):
        _ = Person.objects.get(pk=first.pk).phone
    # Nor does rotating to a new key launder it: it stops at the moved cipher, naming the row.
    old = settings.JARING_FIELD_KEYRING[1]
    with (
        override_settings(JARING_FIELD_KEYRING={1: old, 2: NEW}, JARING_FIELD_KEY_CURRENT=2),
        pytest.raises(RotationError, match=rf"registry_person.nik_cipher, baris {second.pk}"),
    ):
        keys_rotate(actor_label="test")


def test_a_cipher_no_key_opens_stops_the_rotation_and_is_named(
    people: pl.DataFrame, two_keys: None
) -> None:
    victim = Person.objects.order_by("pk")[5]
    with override_settings(JARING_FIELD_KEYRING={9: "k" * 60}, JARING_FIELD_KEY_CURRENT=9):
        foreign = crypto.encrypt("3571010101010001", slot=NIK_SLOT, row=victim.pk)
    Person.objects.filter(pk=victim.pk).update(nik_cipher=foreign)

    with pytest.raises(RotationError, match=rf"registry_person.nik_cipher, baris {victim.pk}"):
        keys_rotate(actor_label="test", batch_rows=50)
    assert KeyRotation.objects.get().state == RotationState.FAILED


def _person_nik(columns: list[dict[str, object]]) -> dict[str, object]:
    return next(c for c in columns if (c["table"], c["field"]) == ("registry_person", "nik_cipher"))


def test_the_commands_report_counts_per_table_and_field(
    people: pl.DataFrame, two_keys: None
) -> None:
    out = io.StringIO()
    call_command("keys", "status", "--json", stdout=out)
    status = json.loads(out.getvalue())
    assert status["current"] == 2 and status["ring"] == [1, 2]
    nik = _person_nik(status["columns"])
    assert nik == {"table": "registry_person", "field": "nik_cipher", "rows": 120,
                   "by_key": {"1": 120}, "unbound": 0, "legacy": 0, "unreadable": 0}  # fmt: skip

    out = io.StringIO()
    call_command("keys", "rotate", "--json", "--batch-rows", "40", stdout=out, stderr=io.StringIO())
    rotated = json.loads(out.getvalue())
    assert rotated["state"] == "done" and rotated["key"] == 2
    nik = _person_nik(rotated["columns"])
    assert nik == {"table": "registry_person", "field": "nik_cipher", "rewritten": 120,
                   "changed_meanwhile": 0, "done": True}  # fmt: skip

    out = io.StringIO()
    call_command("keys", "status", stdout=out)
    assert "0 sandi belum di bawah kunci 2; kunci lain boleh dilepas." in out.getvalue()
    with pytest.raises(CommandError, match="--batch-rows"):
        call_command("keys", "rotate", "--batch-rows", "0")


def test_rows_with_composite_keys_rotate_batch_after_batch(db: None, two_keys: None) -> None:
    # Staging rows are keyed (batch, sheet, row): text in the key, in the order the database
    # sorts it, a sheet name with the separator and the escape in it.
    batch = ImportBatch.objects.create(
        file_name="list.xlsx", file_sha256="", file_size=0, region_id="35.71",
        source_name="test", status=ImportStatus.COMMITTED,
    )  # fmt: skip
    where = crypto.slot(ImportRow, "phone_cipher")
    held = crypto.slot(ImportRow, "nik_cipher")
    rows = [(sheet, n) for sheet in ["", "Lembar, 2", "a\\b", "Zeta"] for n in range(2, 30)]
    old = {1: settings.JARING_FIELD_KEYRING[1]}
    with override_settings(JARING_FIELD_KEYRING=old, JARING_FIELD_KEY_CURRENT=1):
        ImportRow.objects.bulk_create(
            ImportRow(
                batch=batch,
                sheet=sheet,
                row_number=n,
                state="accepted",
                phone_cipher=crypto.encrypt(
                    f"0812{n:04d}{len(sheet):04d}", slot=where, row=(batch.pk, sheet, n)
                ),
                # A row held for a decision keeps its NIK too (every third row here).
                nik_cipher=crypto.encrypt(
                    f"35710117088{n:05d}", slot=held, row=(batch.pk, sheet, n)
                )
                if n % 3 == 0
                else None,
            )
            for sheet, n in rows
        )

    result = keys_rotate(actor_label="test", batch_rows=25)

    staged = {c.field: c for c in result.columns if c.table == "registry_importrow"}
    assert staged["phone_cipher"].rewritten == len(rows) and staged["phone_cipher"].done
    assert staged["nik_cipher"].rewritten == len([n for _s, n in rows if n % 3 == 0])
    with _only_new_key():
        found = {
            (r.sheet, r.row_number): (
                crypto.field_decrypt(r, "phone_cipher"),
                crypto.field_decrypt(r, "nik_cipher"),
            )
            for r in ImportRow.objects.filter(batch=batch)
        }
    assert found == {
        (sheet, n): (f"0812{n:04d}{len(sheet):04d}", f"35710117088{n:05d}" if n % 3 == 0 else None)
        for sheet, n in rows
    }
