"""The ``jaring`` command: its sub-commands, and one clear line for each mistake a user makes."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def _jaring(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update({"JARING_VAR_DIR": str(tmp_path), "JARING_ENV": "demo", **env})
    return subprocess.run(
        [sys.executable, "-m", "jaring", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def _production_keys() -> dict[str, str]:
    return {
        name: secrets.token_urlsafe(48)
        for name in ("JARING_SECRET_KEY", "JARING_FIELD_KEY", "JARING_INDEX_KEY")
    }


def _one_line_no_traceback(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) >= 1
    return result.stderr


@pytest.mark.django_db
def test_regions_stats_json_counts_every_level() -> None:
    out = io.StringIO()
    call_command("regions", "stats", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "provinsi": 38,
        "kabupaten_kota": 514,
        "kecamatan": 7285,
        "desa_kelurahan": 83762,
    }


@pytest.mark.django_db
def test_an_unknown_region_code_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match=r"Kode wilayah '99\.99' tidak dikenal"):
        call_command("regions", "find", "Wunut", "--within", "99.99")


def test_a_seed_that_is_not_a_number(tmp_path: Path) -> None:
    result = _jaring("demo", "--seed", "abc", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "--seed: invalid int value: 'abc'" in _one_line_no_traceback(result)


def test_a_database_that_cannot_be_reached(tmp_path: Path) -> None:
    result = _jaring(
        "regions",
        "stats",
        tmp_path=tmp_path,
        DATABASE_URL="postgres://nobody:wrong@127.0.0.1:9/jaring",
        JARING_ENV="production",
        **_production_keys(),
    )
    message = _one_line_no_traceback(result)
    assert result.returncode == 1
    assert message.startswith("jaring: basis data tidak dapat dipakai")
    assert "DATABASE_URL" in message
    assert len(message.strip().splitlines()) == 1


def test_a_database_url_that_cannot_be_read(tmp_path: Path) -> None:
    result = _jaring("regions", "stats", tmp_path=tmp_path, DATABASE_URL="nonsense://x")
    assert "DATABASE_URL tidak dapat dibaca" in _one_line_no_traceback(result)


def test_production_without_secrets_says_which_one_is_missing(tmp_path: Path) -> None:
    result = _jaring(
        "regions",
        "stats",
        tmp_path=tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
        JARING_ENV="production",
    )
    assert "JARING_SECRET_KEY belum diisi" in _one_line_no_traceback(result)


def test_rules_run_without_a_database_or_django_settings(tmp_path: Path) -> None:
    result = _jaring(
        "rules",
        "contribution",
        "--income",
        "1000000",
        "--json",
        tmp_path=tmp_path,
        DATABASE_URL="nonsense://x",
    )
    assert result.returncode == 0, result.stderr
    assert "16800" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"JARING_FIELD_KEY": "x"}, "JARING_FIELD_KEY terlalu pendek"),
        ({"JARING_INDEX_KEY": "ab" * 40}, "JARING_INDEX_KEY terlalu pendek atau terlalu seragam"),
        ({"JARING_SECRET_KEY": "same-" + "k" * 10 + secrets.token_urlsafe(48)}, None),
    ],
)
def test_production_refuses_short_uniform_or_repeated_keys(
    tmp_path: Path, change: dict[str, str], message: str | None
) -> None:
    keys = {**_production_keys(), **change}
    if message is None:  # the same key twice
        keys["JARING_INDEX_KEY"] = keys["JARING_SECRET_KEY"]
        message = "JARING_SECRET_KEY dan JARING_INDEX_KEY sama"
    result = _jaring(
        "regions",
        "stats",
        tmp_path=tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
        JARING_ENV="production",
        **keys,
    )
    assert message in _one_line_no_traceback(result)


def _ring_keys(ring: str, current: str) -> dict[str, str]:
    keys = _production_keys()
    del keys["JARING_FIELD_KEY"]
    return {**keys, "JARING_FIELD_KEYS": ring, "JARING_FIELD_KEY_CURRENT": current}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("short", "JARING_FIELD_KEYS #1 terlalu pendek"),
        ("repeated", "JARING_FIELD_KEYS #2 dan JARING_FIELD_KEYS #1 sama"),
        ("index", "dan JARING_INDEX_KEY sama"),
        ("current", "JARING_FIELD_KEY_CURRENT=3 tidak ada di cincin kunci"),
    ],
)
def test_production_checks_every_key_of_the_ring(tmp_path: Path, case: str, message: str) -> None:
    new, old = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    keys = {
        "short": _ring_keys(f"2:{new},1:short", "2"),
        "repeated": _ring_keys(f"2:{new},1:{new}", "2"),
        "current": _ring_keys(f"2:{new},1:{old}", "3"),
    }.get(case) or _ring_keys(f"2:{new},1:{old}", "2")
    if case == "index":
        keys["JARING_INDEX_KEY"] = old
    result = _jaring(
        "regions",
        "stats",
        tmp_path=tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
        JARING_ENV="production",
        **keys,
    )
    assert message in _one_line_no_traceback(result)


def test_keys_new_field_prints_one_more_key_for_the_ring(tmp_path: Path) -> None:
    result = _jaring("keys", "new", "--field", "2", tmp_path=tmp_path, DATABASE_URL="nonsense://x")
    assert result.returncode == 0, result.stderr
    entry = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert len(entry) == 1 and entry[0].startswith("2:") and len(entry[0]) > 60
    refused = _jaring("keys", "new", "--field", "0", tmp_path=tmp_path, DATABASE_URL="x://")
    assert "nomor kunci 1–255" in _one_line_no_traceback(refused)


def test_keys_new_prints_three_distinct_valid_keys_without_settings(tmp_path: Path) -> None:
    result = _jaring("keys", "new", tmp_path=tmp_path, DATABASE_URL="nonsense://x")
    assert result.returncode == 0, result.stderr
    keys = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert set(keys) == {
        "JARING_SECRET_KEY",
        "JARING_FIELD_KEYS",
        "JARING_FIELD_KEY_CURRENT",
        "JARING_INDEX_KEY",
    }
    assert keys["JARING_FIELD_KEYS"].startswith("1:") and keys["JARING_FIELD_KEY_CURRENT"] == "1"
    assert (
        len({keys["JARING_SECRET_KEY"], keys["JARING_FIELD_KEYS"][2:], keys["JARING_INDEX_KEY"]})
        == 3
    )
    checked = _jaring(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/x.db",
        JARING_ENV="production",
        JARING_ALLOWED_HOSTS="jaring.example.go.id",
        **keys,
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "no issues" in checked.stdout
