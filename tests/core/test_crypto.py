"""Encryption at rest and blind indexes: values come back, and stored indexes never drift."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from jaring.core import crypto

digits = st.text(alphabet="0123456789+", min_size=1, max_size=20)
NIKS = crypto.Slot("registry_person", "nik_cipher")
PHONES = crypto.Slot("registry_person", "phone_cipher")
row_parts = st.one_of(st.integers(0, 2**63 - 1), st.text(max_size=12))
row_keys = st.one_of(row_parts, st.tuples(row_parts, row_parts, row_parts))


@given(st.text(max_size=40), row_keys)
def test_a_value_decrypts_to_itself(value: str, row: object) -> None:
    assert crypto.decrypt(crypto.encrypt(value, slot=NIKS, row=row), slot=NIKS, row=row) == value


def test_the_same_value_encrypts_differently_each_time() -> None:
    # A fresh nonce per value: equal NIKs are not visible as equal ciphers.
    ciphers = crypto.encrypt_many(["3571014509800003"] * 3, slot=NIKS, rows=[7, 7, 7])
    assert len(set(ciphers)) == 3
    assert crypto.decrypt_many(ciphers, slot=NIKS, rows=[7, 7, 7]) == ["3571014509800003"] * 3


def test_a_tampered_cipher_is_refused() -> None:
    cipher = bytearray(crypto.encrypt("3571014509800003", slot=NIKS, row=1))
    cipher[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(cipher), slot=NIKS, row=1)


@given(row_keys, row_keys)
def test_a_cipher_moved_to_another_row_does_not_decrypt(row: object, other: object) -> None:
    cipher = crypto.encrypt("3571014509800003", slot=NIKS, row=row)
    if crypto.row_key(other) == crypto.row_key(row):
        return
    with pytest.raises(InvalidTag):
        crypto.decrypt(cipher, slot=NIKS, row=other)


@pytest.mark.parametrize(
    "elsewhere",
    [
        PHONES,
        crypto.Slot("programmes_decreemember", "nik_cipher"),
        crypto.Slot("registry", "person"),
    ],
)
def test_a_cipher_moved_to_another_column_or_table_does_not_decrypt(elsewhere: crypto.Slot) -> None:
    cipher = crypto.encrypt("081234567890", slot=NIKS, row=12)
    with pytest.raises(InvalidTag):
        crypto.decrypt(cipher, slot=elsewhere, row=12)


sheet_rows = st.tuples(st.integers(0, 99), st.text(max_size=8), st.integers(0, 99))


@given(sheet_rows, sheet_rows)
def test_different_row_keys_never_read_as_the_same(
    first: tuple[int, str, int], second: tuple[int, str, int]
) -> None:
    # The text a cipher is bound to tells the keys of one table apart: a sheet named "a,1" in
    # row 2 is not sheet "a" in row 1 of list 2, nor "a\\" and "a\\,".
    if first != second:
        assert crypto.row_key(first) != crypto.row_key(second)


def test_a_row_key_is_an_integer_text_or_a_tuple_of_them() -> None:
    assert crypto.row_key(12) == "12"
    assert crypto.row_key((3, "Lembar, 1", 7)) == "3,Lembar\\, 1,7"
    with pytest.raises(TypeError):
        crypto.row_key(1.5)


@override_settings(JARING_INDEX_KEY="known-answer-index-key")
def test_blind_indexes_keep_their_known_values() -> None:
    # Every stored person is found by these hashes: a change in how they are computed would
    # lose the whole registry's lookups and uniqueness. Values from the first implementation.
    assert crypto.blind_index("3571014509800003", purpose="nik") == (
        "975e57e4835a4443eb9bfa6ca1028f7a"
    )
    assert crypto.blind_index("+6281234567890", purpose="phone") == (
        "7c9f845c38e8389d6ff9aba469e668ad"
    )


@given(st.lists(st.one_of(st.none(), digits), max_size=20))
def test_a_column_of_blind_indexes_equals_one_at_a_time(values: list[str | None]) -> None:
    expected = [None if v is None else crypto.blind_index(v, purpose="nik") for v in values]
    assert crypto.blind_index_many(values, purpose="nik") == expected


def test_the_purpose_separates_indexes() -> None:
    assert crypto.blind_index("081234567890", purpose="nik") != crypto.blind_index(
        "081234567890", purpose="phone"
    )


OLD, NEW = "old-field-key-" + "o" * 50, "new-field-key-" + "n" * 50


def _ring(current: int, **keys: str) -> override_settings:
    ring = {int(name.removeprefix("k")): secret for name, secret in keys.items()}
    return override_settings(JARING_FIELD_KEYRING=ring, JARING_FIELD_KEY_CURRENT=current)


def test_a_cipher_carries_the_number_of_its_key() -> None:
    with _ring(2, k1=OLD, k2=NEW):
        cipher = crypto.encrypt("3571014509800003", slot=NIKS, row=1)
    assert cipher[:2] == b"\x03\x02"
    assert crypto.key_id_of(cipher) == 2


def test_every_key_of_the_ring_reads_and_only_the_current_one_writes() -> None:
    with _ring(1, k1=OLD):
        old = crypto.encrypt_many(["3571014509800003", None], slot=NIKS, rows=[1, 2])
    with _ring(2, k1=OLD, k2=NEW):
        new = crypto.encrypt("3571014509800004", slot=NIKS, row=3)
        assert crypto.decrypt_many([*old, new], slot=NIKS, rows=[1, 2, 3]) == [
            "3571014509800003",
            None,
            "3571014509800004",
        ]
    with _ring(2, k2=NEW), pytest.raises(crypto.UnknownKeyError, match="key 1"):
        crypto.decrypt_many(old, slot=NIKS, rows=[1, 2])


def test_a_changed_key_number_is_refused_even_when_the_key_is_the_same() -> None:
    # The header is authenticated: relabelling a cipher under another number of the same
    # secret does not pass either.
    with _ring(1, k1=OLD, k2=OLD):
        cipher = bytearray(crypto.encrypt("3571014509800003", slot=NIKS, row=1))
        cipher[1] = 2
        with pytest.raises(InvalidTag):
            crypto.decrypt(bytes(cipher), slot=NIKS, row=1)


def _legacy(value: str, secret: str) -> bytes:
    """A ciphertext as Jaring wrote it before the key ring (version 1, no key number)."""
    nonce = os.urandom(12)
    return b"\x01" + nonce + crypto._aead(secret).encrypt(nonce, value.encode(), None)


def _unbound(value: str, key_id: int, secret: str) -> bytes:
    """A ciphertext of the ring as written before it was bound to its row (version 2)."""
    nonce, header = os.urandom(12), bytes([2, key_id])
    return (
        header + nonce + crypto._aead(secret).encrypt(nonce, value.encode(), b"jaring\x00" + header)
    )


def test_ciphers_from_before_the_ring_still_read_under_any_key_of_it() -> None:
    with _ring(2, k1=OLD, k2=NEW):
        legacy = [_legacy("3571014509800003", OLD), _legacy("081234567890", NEW)]
        rows = [1, 2, 3, 4]
        assert (
            crypto.decrypt_many([*legacy, *legacy], slot=NIKS, rows=rows)
            == [
                "3571014509800003",
                "081234567890",
            ]
            * 2
        )
        assert crypto.key_id_of(legacy[0]) is None
    with _ring(2, k2=NEW), pytest.raises(InvalidTag):
        crypto.decrypt(legacy[0], slot=NIKS, row=1)


def test_ciphers_of_the_ring_not_yet_bound_to_a_row_still_read() -> None:
    with _ring(2, k1=OLD, k2=NEW):
        unbound = _unbound("3571014509800003", 1, OLD)
        assert crypto.decrypt(unbound, slot=NIKS, row=99) == "3571014509800003"
        assert crypto.key_id_of(unbound) == 1


def test_the_tests_run_with_a_ring_of_one_key() -> None:
    assert settings.JARING_FIELD_KEY_CURRENT in settings.JARING_FIELD_KEYRING


@given(st.binary(max_size=80))
def test_any_bytes_are_an_envelope_or_a_format_error(blob: bytes) -> None:
    try:
        sealed = crypto.envelope(blob)
    except crypto.CipherFormatError:
        return
    assert sealed.to_bytes() == blob
    assert sealed.version in (crypto.LEGACY, crypto.RINGED)
    assert len(sealed.nonce) == crypto.NONCE_BYTES and len(sealed.body) >= crypto.TAG_BYTES


@given(
    st.integers(1, 255), st.binary(min_size=12, max_size=12), st.binary(min_size=16, max_size=40)
)
def test_an_envelope_taken_apart_is_what_was_put_together(
    key_id: int, nonce: bytes, body: bytes
) -> None:
    sealed = crypto.Envelope(crypto.RINGED, key_id, nonce, body)
    assert crypto.envelope(sealed.to_bytes()) == sealed


@given(st.binary(max_size=60))
def test_decrypting_garbage_raises_a_value_error_or_invalid_tag(blob: bytes) -> None:
    with pytest.raises((ValueError, InvalidTag)):
        crypto.decrypt(blob, slot=NIKS, row=1)
