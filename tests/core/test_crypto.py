"""Encryption at rest and blind indexes: values come back, and stored indexes never drift."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
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
