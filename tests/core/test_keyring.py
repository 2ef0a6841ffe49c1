"""The field key ring as a deployment writes it: read back exactly, refused with one clear line."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from jaring.core.keyring import field_keys, parse_ring

key_text = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1
)
rings = st.dictionaries(st.integers(1, 255), key_text, min_size=1, max_size=6)


def _generated() -> str:
    raise AssertionError("no key should be generated")


@given(rings, st.sampled_from([",", "\n", " , ", ",\n# an old key below\n"]))
def test_a_written_ring_reads_back_exactly(ring: dict[int, str], separator: str) -> None:
    text = separator.join(f"{number}:{secret}" for number, secret in ring.items())
    assert parse_ring(text, source="JARING_FIELD_KEYS") == ring


@given(st.text(max_size=60))
def test_any_text_is_a_ring_or_one_clear_refusal(text: str) -> None:
    refusal = ""
    try:
        ring = parse_ring(text, source="JARING_FIELD_KEYS")
    except ImproperlyConfigured as exc:
        refusal = str(exc)
        assert refusal and "\n" not in refusal
    else:
        assert ring and all(1 <= number <= 255 for number in ring)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "tidak berisi kunci"),
        ("abc", "NOMOR:KUNCI"),
        ("0:abc", "di luar 1–255"),
        ("256:abc", "di luar 1–255"),
        ("2:abc,2:def", "nomor kunci 2 dipakai dua kali"),
    ],
)
def test_a_ring_that_cannot_be_read_is_refused(text: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_ring(text, source="JARING_FIELD_KEYS")


def test_one_field_key_is_key_number_one() -> None:
    keys = field_keys({"JARING_FIELD_KEY": "k" * 60}, generated=_generated, strict=True)
    assert keys.ring == {1: "k" * 60} and keys.current == 1


def test_the_demo_generates_its_one_key() -> None:
    keys = field_keys({}, generated=lambda: "made", strict=False)
    assert keys.ring == {1: "made"} and keys.current == 1


def test_a_ring_names_its_current_key() -> None:
    environ = {"JARING_FIELD_KEYS": "2:new,1:old", "JARING_FIELD_KEY_CURRENT": "2"}
    keys = field_keys(environ, generated=_generated, strict=True)
    assert keys.ring == {2: "new", 1: "old"} and keys.current == 2


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"JARING_FIELD_KEYS": "2:new,1:old"}, "JARING_FIELD_KEY_CURRENT belum diisi"),
        (
            {"JARING_FIELD_KEYS": "2:new,1:old", "JARING_FIELD_KEY_CURRENT": "3"},
            "JARING_FIELD_KEY_CURRENT=3 tidak ada di cincin kunci",
        ),
        (
            {"JARING_FIELD_KEYS": "1:a", "JARING_FIELD_KEY": "b"},
            "JARING_FIELD_KEYS dan JARING_FIELD_KEY diisi bersamaan",
        ),
    ],
)
def test_a_ring_without_its_current_key_or_given_twice_is_refused(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        field_keys(environ, generated=_generated, strict=True)


def test_a_key_file_is_read_and_must_be_private(tmp_path: Path) -> None:
    path = tmp_path / "field-keys"
    new, old = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    path.write_text(f"# Jaring field keys\n2:{new}\n1:{old}   # retire after rotating\n")
    path.chmod(0o640)
    environ = {"JARING_FIELD_KEYS_FILE": str(path), "JARING_FIELD_KEY_CURRENT": "2"}
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        field_keys(environ, generated=_generated, strict=True)
    assert field_keys(environ, generated=_generated, strict=False).ring == {2: new, 1: old}
    path.chmod(0o600)
    assert field_keys(environ, generated=_generated, strict=True).ring == {2: new, 1: old}


def test_a_missing_key_file_is_named(tmp_path: Path) -> None:
    environ = {"JARING_FIELD_KEYS_FILE": str(tmp_path / "nothing")}
    with pytest.raises(ImproperlyConfigured, match="tidak dapat dibaca"):
        field_keys(environ, generated=_generated, strict=True)
