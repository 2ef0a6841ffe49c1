"""Encryption of NIK, phone and bank account numbers at rest, and keyed hashes to find them.

- A value is stored with AES-256-GCM (an authenticated cipher from ``cryptography``) under a
  key of the *key ring* (:mod:`jaring.core.keyring`): ``0x02 || key number || 12-byte random
  nonce || cipher text || 16-byte tag``. New values use the current key; a value under any key
  of the ring reads, so keys can be changed and the stored values re-encrypted afterwards, in
  batches (``jaring keys rotate``, :mod:`jaring.core.rotation`). The two header bytes are
  authenticated with the value: a changed key number fails like a changed cipher text.
- Values written before the ring (``0x01 || nonce || cipher text || tag``, no key number) still
  read, under whichever key of the ring opens them; nothing writes them any more, and
  ``jaring keys rotate`` rewrites them in the current form.
- Lookups and uniqueness use a *blind index*: keyed BLAKE2b of the normalised value, 16 bytes,
  hex. Equal values give equal indexes, so ``nik_index`` can be UNIQUE and searched, while the
  database alone reveals nothing without the key. Its key (``JARING_INDEX_KEY``) is not part of
  the ring (ADR 0016).

Keys are stretched with HKDF so any long random string serves. Bulk variants work on whole
columns: a million values take about 2.4 s to encrypt and 1.5 s to index on one core
(measured, see docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

LEGACY = 1  # 0x01 || nonce || cipher text || tag: before the key ring, any key of it
RINGED = 2  # 0x02 || key number || nonce || cipher text || tag
NONCE_BYTES = 12
TAG_BYTES = 16
_AAD_TAG = b"jaring\x00"


class CipherFormatError(ValueError):
    """Bytes that are not a ciphertext of Jaring's (empty, too short, unknown version)."""


class UnknownKeyError(ValueError):
    """A ciphertext under a key number the ring does not hold (removed too early?)."""

    def __init__(self, key_id: int) -> None:
        self.key_id = key_id
        super().__init__(f"ciphertext under key {key_id}, which is not in the key ring")


@dataclass(frozen=True)
class Envelope:
    """A stored ciphertext taken apart: its version, its key number (``None`` for a legacy
    one), its nonce and the cipher text with its tag."""

    version: int
    key_id: int | None
    nonce: bytes
    body: bytes

    @property
    def header(self) -> bytes:
        return bytes([self.version]) if self.key_id is None else bytes([self.version, self.key_id])

    def to_bytes(self) -> bytes:
        return self.header + self.nonce + self.body


def envelope(blob: bytes | memoryview) -> Envelope:
    """``blob`` taken apart; :class:`CipherFormatError` if it is not a ciphertext."""
    data = bytes(blob)
    if not data:
        raise CipherFormatError("empty ciphertext")
    version = data[0]
    if version == LEGACY:
        head = 1
        key_id: int | None = None
    elif version == RINGED:
        head = 2
        if len(data) < head:
            raise CipherFormatError("ciphertext without its key number")
        key_id = data[1]
        if key_id == 0:
            raise CipherFormatError("key number 0")
    else:
        raise CipherFormatError(f"unknown ciphertext version {version}")
    if len(data) < head + NONCE_BYTES + TAG_BYTES:
        raise CipherFormatError("ciphertext too short")
    return Envelope(version, key_id, data[head : head + NONCE_BYTES], data[head + NONCE_BYTES :])


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


@lru_cache(maxsize=16)
def _aead(secret: str) -> AESGCM:
    return AESGCM(_derive(secret, b"jaring field encryption v1"))


@lru_cache(maxsize=4)
def _index_key(secret: str) -> bytes:
    return _derive(secret, b"jaring blind index v1")


def ring() -> Mapping[int, str]:
    """The field keys by number (settings ``JARING_FIELD_KEYRING``)."""
    keys: Mapping[int, str] = settings.JARING_FIELD_KEYRING
    return keys


def current_key_id() -> int:
    """The number of the key new values are encrypted with."""
    return int(settings.JARING_FIELD_KEY_CURRENT)


def _ringed_aead(key_id: int) -> AESGCM:
    secret = ring().get(key_id)
    if secret is None:
        raise UnknownKeyError(key_id)
    return _aead(secret)


def _aad(header: bytes) -> bytes:
    return _AAD_TAG + header


def encrypt(value: str) -> bytes:
    """``value`` under the current key."""
    return encrypt_many([value])[0] or b""


def encrypt_many(values: Sequence[str | None]) -> list[bytes | None]:
    """Encrypt a column under the current key; ``None`` stays ``None``. One urandom call for
    all nonces."""
    key_id = current_key_id()
    aead = _ringed_aead(key_id)
    header = bytes([RINGED, key_id])
    aad = _aad(header)
    nonces = os.urandom(NONCE_BYTES * len(values))
    out: list[bytes | None] = []
    for i, value in enumerate(values):
        if value is None:
            out.append(None)
            continue
        nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
        out.append(header + nonce + aead.encrypt(nonce, value.encode(), aad))
    return out


def decrypt(blob: bytes | memoryview) -> str:
    """The value of one ciphertext, under whichever key of the ring it names."""
    value = decrypt_many([blob])[0]
    assert value is not None
    return value


class _Opener:
    """Decrypts ciphertexts one after another, keeping each key's cipher object and, for legacy
    ciphertexts (no key number), the key that opened the last one, tried first."""

    def __init__(self) -> None:
        self._aeads: dict[int, AESGCM] = {}
        self._legacy_order = sorted(ring(), key=lambda k: k != current_key_id())

    def _aead_of(self, key_id: int) -> AESGCM:
        aead = self._aeads.get(key_id)
        if aead is None:
            aead = self._aeads[key_id] = _ringed_aead(key_id)
        return aead

    def open(self, blob: bytes | memoryview) -> str:
        data = bytes(blob)
        if data[:1] == b"\x02" and len(data) >= 2 + NONCE_BYTES + TAG_BYTES and data[1]:
            aead = self._aead_of(data[1])
            return aead.decrypt(data[2:14], data[14:], _aad(data[:2])).decode()
        sealed = envelope(data)
        if sealed.key_id is not None:  # pragma: no cover - the fast path above takes these
            raise CipherFormatError("malformed ciphertext")
        for position, key_id in enumerate(self._legacy_order):
            try:
                value = self._aead_of(key_id).decrypt(sealed.nonce, sealed.body, None).decode()
            except InvalidTag:
                continue
            if position:  # the next legacy value most likely opens with the same key
                self._legacy_order.insert(0, self._legacy_order.pop(position))
            return value
        raise InvalidTag()


def decrypt_many(blobs: Iterable[bytes | memoryview | None]) -> list[str | None]:
    """The values of a column of ciphertexts; ``None`` stays ``None``."""
    opener = _Opener()
    return [None if b is None else opener.open(b) for b in blobs]


def key_id_of(blob: bytes | memoryview) -> int | None:
    """The number of the key ``blob`` was written with; ``None`` for a legacy ciphertext."""
    return envelope(blob).key_id


def _blind_indexer(purpose: str) -> Callable[[str], str]:
    # Keying BLAKE2b compresses a whole key block; copying a keyed hasher skips that, a third
    # of the time per value in a column of a million.
    keyed = hashlib.blake2b(
        key=_index_key(settings.JARING_INDEX_KEY), person=purpose.encode()[:16], digest_size=16
    ).copy

    def index(value: str) -> str:
        hasher = keyed()
        hasher.update(value.encode())
        return hasher.hexdigest()

    return index


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed hash of ``value`` for ``purpose`` ('nik' or 'phone'); 32 hex characters."""
    return _blind_indexer(purpose)(value)


def blind_index_many(values: Sequence[str | None], *, purpose: str) -> list[str | None]:
    index = _blind_indexer(purpose)
    return [None if v is None else index(v) for v in values]


# --- the national index key --------------------------------------------------------------------
# Exports for national matching carry blind indexes under a key held by the national operator
# (``JARING_NATIONAL_KEY``), not the region's own ``JARING_INDEX_KEY``: equal NIKs in two regions
# give equal national indexes, and a region's own indexes never leave it.


@lru_cache(maxsize=4)
def _national_key(secret: str) -> bytes:
    return _derive(secret, b"jaring national blind index v1")


def national_index_many(
    values: Sequence[str | None], *, purpose: str, secret: str
) -> list[str | None]:
    """Keyed BLAKE2b (a MAC, as the regional index) of each value under the national key
    ``secret``; ``None`` stays ``None``. 32 hex characters each."""
    keyed = hashlib.blake2b(
        key=_national_key(secret), person=purpose.encode()[:16], digest_size=16
    ).copy
    out: list[str | None] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        hasher = keyed()
        hasher.update(value.encode())
        out.append(hasher.hexdigest())
    return out


def key_fingerprint(secret: str) -> str:
    """16 hex characters that name a key without revealing it (exports under one national key
    carry the same fingerprint)."""
    return _derive(secret, b"jaring key fingerprint v1").hex()[:16]
