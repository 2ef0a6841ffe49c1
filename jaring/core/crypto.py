"""Encryption of NIK, phone and bank account numbers at rest, and keyed hashes to find them.

- A value is stored with AES-256-GCM (an authenticated cipher from ``cryptography``) under a
  key of the *key ring* (:mod:`jaring.core.keyring`): ``0x03 || key number || 12-byte random
  nonce || cipher text || 16-byte tag``. New values use the current key; a value under any key
  of the ring reads, so keys can be changed and the stored values re-encrypted afterwards, in
  batches (``jaring keys rotate``, :mod:`jaring.core.rotation`).
- A ciphertext is bound to where it is stored: its table, its column and its row's primary
  key (:class:`Slot`, :func:`row_key`) are the cipher's associated data, with the two header
  bytes. A ciphertext copied to another row or column does not decrypt there (ADR 0016).
  So every write knows its row's key first: bulk writes reserve their ids
  (:func:`jaring.core.bulk.reserve_ids`) or have natural keys, single rows reserve one.
- Older forms still read, and nothing writes them any more: ``0x02 || key number || nonce ||
  …`` (the ring, not yet bound to a row) and ``0x01 || nonce || …`` (before the ring, under
  whichever key of it opens them). ``jaring keys rotate`` rewrites them in the current form;
  once the key they were written under leaves the ring, none can be read or moved anywhere.
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

LEGACY = 1  # 0x01 || nonce || cipher text || tag: before the key ring, any key of it
RINGED = 2  # 0x02 || key number || nonce || cipher text || tag: not bound to its row
BOUND = 3  # 0x03 || key number || nonce || cipher text || tag, bound to table, column and row
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
    elif version in (RINGED, BOUND):
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


@dataclass(frozen=True)
class Slot:
    """Where ciphertexts are stored: a table's column. With a row's key it is what a
    ciphertext is bound to."""

    table: str
    column: str

    def aad(self, header: bytes) -> bytes:
        """The associated data of a row's ciphertext up to (not including) the row's key."""
        return _AAD_TAG + header + self.table.encode() + b"\x00" + self.column.encode() + b"\x00"


def slot(model: type[models.Model], field: str) -> Slot:
    """The slot of ``model``'s encrypted ``field`` (a ``*_cipher`` binary field)."""
    column = model._meta.get_field(field).column  # type: ignore[union-attr]
    assert isinstance(column, str)
    return Slot(model._meta.db_table, column)


RowKey = int | str | tuple[object, ...]


def row_key(key: object) -> str:
    """A primary key as the text a ciphertext is bound to: an integer in decimal, text with
    ``\\`` and ``,`` escaped, the parts of a composite key joined by ``,``."""
    # The exact types first: an import binds a million composite keys.
    if type(key) is int:
        return str(key)
    if type(key) is str:
        return key.replace("\\", "\\\\").replace(",", "\\,")
    if isinstance(key, tuple | list):
        return ",".join([row_key(part) for part in key])
    if isinstance(key, bool) or not isinstance(key, int | str):
        raise TypeError(f"a row key is an integer, text or a tuple of them, not {key!r}")
    if isinstance(key, int):
        return str(key)
    return key.replace("\\", "\\\\").replace(",", "\\,")


def encrypt(value: str, *, slot: Slot, row: object) -> bytes:
    """``value`` under the current key, bound to ``slot`` and the row whose key is ``row``."""
    return encrypt_many([value], slot=slot, rows=[row])[0] or b""


def encrypt_many(
    values: Sequence[str | None], *, slot: Slot, rows: Sequence[object]
) -> list[bytes | None]:
    """Encrypt a column under the current key, each value bound to ``slot`` and its row's key
    (``rows``, in the same order); ``None`` stays ``None``. One urandom call for all nonces."""
    if len(rows) != len(values):
        raise ValueError(f"{len(values)} values but {len(rows)} row keys")
    key_id = current_key_id()
    aead = _ringed_aead(key_id)
    header = bytes([BOUND, key_id])
    bound = slot.aad(header)
    nonces = os.urandom(NONCE_BYTES * len(values))
    out: list[bytes | None] = []
    for i, (value, row) in enumerate(zip(values, rows, strict=True)):
        if value is None:
            out.append(None)
            continue
        nonce = nonces[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
        aad = bound + (str(row) if type(row) is int else row_key(row)).encode()
        out.append(header + nonce + aead.encrypt(nonce, value.encode(), aad))
    return out


def decrypt(blob: bytes | memoryview, *, slot: Slot, row: object) -> str:
    """The value of one ciphertext read from ``slot`` in the row whose key is ``row``."""
    value = decrypt_many([blob], slot=slot, rows=[row])[0]
    assert value is not None
    return value


class _Opener:
    """Decrypts the ciphertexts of one slot one after another, keeping each key's cipher
    object and, for legacy ciphertexts (no key number), the key that opened the last one,
    tried first."""

    def __init__(self, slot: Slot) -> None:
        self._slot = slot
        self._aeads: dict[int, AESGCM] = {}
        self._bound: dict[bytes, bytes] = {}
        self._legacy_order = sorted(ring(), key=lambda k: k != current_key_id())

    def _aead_of(self, key_id: int) -> AESGCM:
        aead = self._aeads.get(key_id)
        if aead is None:
            aead = self._aeads[key_id] = _ringed_aead(key_id)
        return aead

    def open(self, blob: bytes | memoryview, row: object) -> str:
        data = bytes(blob)
        if data[:1] == b"\x03" and len(data) >= 2 + NONCE_BYTES + TAG_BYTES and data[1]:
            header = data[:2]
            bound = self._bound.get(header)
            if bound is None:
                bound = self._bound[header] = self._slot.aad(header)
            aad = bound + (str(row) if type(row) is int else row_key(row)).encode()
            return self._aead_of(data[1]).decrypt(data[2:14], data[14:], aad).decode()
        sealed = envelope(data)
        if sealed.version == RINGED:
            assert sealed.key_id is not None
            aead = self._aead_of(sealed.key_id)
            return aead.decrypt(sealed.nonce, sealed.body, _AAD_TAG + sealed.header).decode()
        if sealed.version != LEGACY:  # pragma: no cover - the fast path above takes these
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


def decrypt_many(
    blobs: Sequence[bytes | memoryview | None], *, slot: Slot, rows: Sequence[object]
) -> list[str | None]:
    """The values of a column of ciphertexts read from ``slot``, each in the row whose key is
    at the same place in ``rows``; ``None`` stays ``None``."""
    if len(rows) != len(blobs):
        raise ValueError(f"{len(blobs)} ciphertexts but {len(rows)} row keys")
    opener = _Opener(slot)
    return [None if b is None else opener.open(b, r) for b, r in zip(blobs, rows, strict=True)]


def field_encrypt(instance: models.Model, field: str, value: str | None) -> bytes | None:
    """``value`` encrypted for ``instance``'s ``field`` (bound to its primary key, which must be
    set: reserve it first for a new row); ``None`` or empty gives ``None``."""
    if instance.pk is None:
        raise ValueError(f"{type(instance).__name__} needs its primary key before {field}")
    if not value:
        return None
    return encrypt(value, slot=slot(type(instance), field), row=instance.pk)


def field_decrypt(instance: models.Model, field: str) -> str | None:
    """The value of ``instance``'s encrypted ``field``; ``None`` when it holds none."""
    blob = getattr(instance, field)
    if not blob:
        return None
    return decrypt(blob, slot=slot(type(instance), field), row=instance.pk)


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


def _national_digests(
    values: Sequence[str | None], *, purpose: str, secret: str, size: int
) -> list[bytes | None]:
    """Keyed BLAKE2b digests of ``size`` bytes of each value under the national key ``secret``;
    ``None`` stays ``None``."""
    keyed = hashlib.blake2b(
        key=_national_key(secret), person=purpose.encode()[:16], digest_size=size
    ).copy
    out: list[bytes | None] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        hasher = keyed()
        hasher.update(value.encode())
        out.append(hasher.digest())
    return out


def national_index_many(
    values: Sequence[str | None], *, purpose: str, secret: str
) -> list[str | None]:
    """Keyed BLAKE2b (a MAC, as the regional index) of each value under the national key
    ``secret``; ``None`` stays ``None``. 32 hex characters each."""
    digests = _national_digests(values, purpose=purpose, secret=secret, size=16)
    return [None if d is None else d.hex() for d in digests]


def national_index_ints(
    values: Sequence[str | None], *, purpose: str, secret: str
) -> list[int | None]:
    """As :func:`national_index_many`, 8 bytes of keyed BLAKE2b as a signed 64-bit integer:
    for the many hashes of NIK variants an export carries (equality only, a 64-bit value
    compared among pairs that already share other hashed parts; an eighth of the memory of a
    hex string)."""
    digests = _national_digests(values, purpose=purpose, secret=secret, size=8)
    return [None if d is None else int.from_bytes(d, "big", signed=True) for d in digests]


def key_fingerprint(secret: str) -> str:
    """16 hex characters that name a key without revealing it (exports under one national key
    carry the same fingerprint)."""
    return _derive(secret, b"jaring key fingerprint v1").hex()[:16]
