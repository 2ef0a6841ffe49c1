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


@given(st.text(max_size=40))
def test_a_value_decrypts_to_itself(value: str) -> None:
    assert crypto.decrypt(crypto.encrypt(value)) == value


def test_the_same_value_encrypts_differently_each_time() -> None:
    # A fresh nonce per value: equal NIKs are not visible as equal ciphers.
    ciphers = crypto.encrypt_many(["3571014509800003"] * 3)
    assert len(set(ciphers)) == 3
    assert crypto.decrypt_many(ciphers) == ["3571014509800003"] * 3


def test_a_tampered_cipher_is_refused() -> None:
    cipher = bytearray(crypto.encrypt("3571014509800003"))
    cipher[-1] ^= 1
    with pytest.raises(InvalidTag):
        crypto.decrypt(bytes(cipher))


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
        cipher = crypto.encrypt("3571014509800003")
    assert cipher[:2] == b"\x02\x02"
    assert crypto.key_id_of(cipher) == 2


def test_every_key_of_the_ring_reads_and_only_the_current_one_writes() -> None:
    with _ring(1, k1=OLD):
        old = crypto.encrypt_many(["3571014509800003", None])
    with _ring(2, k1=OLD, k2=NEW):
        new = crypto.encrypt("3571014509800004")
        assert crypto.decrypt_many([*old, new]) == ["3571014509800003", None, "3571014509800004"]
    with _ring(2, k2=NEW), pytest.raises(crypto.UnknownKeyError, match="key 1"):
        crypto.decrypt_many(old)


def test_a_changed_key_number_is_refused_even_when_the_key_is_the_same() -> None:
    # The header is authenticated: relabelling a cipher under another number of the same
    # secret does not pass either.
    with _ring(1, k1=OLD, k2=OLD):
        cipher = bytearray(crypto.encrypt("3571014509800003"))
        cipher[1] = 2
        with pytest.raises(InvalidTag):
            crypto.decrypt(bytes(cipher))


def _legacy(value: str, secret: str) -> bytes:
    """A ciphertext as Jaring wrote it before the key ring (version 1, no key number)."""
    nonce = os.urandom(12)
    return b"\x01" + nonce + crypto._aead(secret).encrypt(nonce, value.encode(), None)


def test_ciphers_from_before_the_ring_still_read_under_any_key_of_it() -> None:
    with _ring(2, k1=OLD, k2=NEW):
        legacy = [_legacy("3571014509800003", OLD), _legacy("081234567890", NEW)]
        assert crypto.decrypt_many([*legacy, *legacy]) == ["3571014509800003", "081234567890"] * 2
        assert crypto.key_id_of(legacy[0]) is None
    with _ring(2, k2=NEW), pytest.raises(InvalidTag):
        crypto.decrypt(legacy[0])


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
        crypto.decrypt(blob)
