"""``jaring keys rotate``: every ciphertext ends under the current key, the old key can leave the
ring, an interrupted run resumes, and ``jaring keys status`` counts what is under each key."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator

import polars as pl
import pytest
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
from jaring.registry.models import Person

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


def test_ciphers_from_before_the_ring_are_upgraded(people: pl.DataFrame) -> None:
    person = Person.objects.order_by("pk").first()
    assert person is not None
    Person.objects.filter(pk=person.pk).update(nik_cipher=_legacy(person.nik))
    assert key_status().as_dict()["legacy"] == 1

    result = keys_rotate(actor_label="test")

    assert result.rotation.rewritten == 1
    assert key_status().as_dict()["legacy"] == 0
    assert Person.objects.get(pk=person.pk).nik == person.nik


def test_a_cipher_no_key_opens_stops_the_rotation_and_is_named(
    people: pl.DataFrame, two_keys: None
) -> None:
    victim = Person.objects.order_by("pk")[5]
    with override_settings(JARING_FIELD_KEYRING={9: "k" * 60}, JARING_FIELD_KEY_CURRENT=9):
        foreign = crypto.encrypt("3571010101010001")
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
                   "by_key": {"1": 120}, "legacy": 0, "unreadable": 0}  # fmt: skip

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
