"""Which Spark the national commands use: local[2] unless JARING_SPARK_MASTER or --master say
otherwise; Spark settings from JARING_SPARK_CONF and --spark-conf; refusals before any work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from jaring.national import engines
from jaring.national.engines import SPARK_LOCAL_CONFIG, parse_spark_conf, spark_config
from jaring.national.errors import NationalError
from tests.national.conftest import synthetic_exports


def test_local_two_cores_by_default() -> None:
    assert spark_config() == SPARK_LOCAL_CONFIG
    assert spark_config()["spark.master"] == "local[2]"


@override_settings(
    JARING_SPARK_MASTER="spark://spark-master:7077",
    JARING_SPARK_CONF="spark.executor.memory=8g spark.sql.shuffle.partitions=96",
)
def test_a_cluster_from_the_environment_gets_no_local_sizing() -> None:
    config = spark_config()
    assert config["spark.master"] == "spark://spark-master:7077"
    assert config["spark.executor.memory"] == "8g"
    assert config["spark.sql.shuffle.partitions"] == "96"
    assert "spark.driver.memory" not in config  # the local 2 GB is for this machine only
    assert config["spark.sql.session.timeZone"] == "UTC"
    # --master and --spark-conf win over the environment.
    config = spark_config("local[4]", {"spark.driver.memory": "12g"})
    assert config["spark.master"] == "local[4]"
    assert config["spark.driver.memory"] == "12g" and config["spark.executor.memory"] == "8g"


@pytest.mark.parametrize("item", ["spark.driver.memory", "driver.memory=8g", "=8g", "x"])
def test_an_unreadable_spark_setting_is_refused(item: str) -> None:
    with pytest.raises(NationalError, match="NAMA=NILAI"):
        parse_spark_conf([item])


def test_the_commands_pass_master_and_settings_to_spark(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = synthetic_exports(tmp_path / "in", {"35.71": 20, "36.72": 20})
    asked: list[dict[str, str]] = []

    def no_java(config: dict[str, Any]) -> None:
        asked.append(config)
        raise NationalError("Spark tidak bisa dijalankan (uji)")

    monkeypatch.setattr(engines, "spark_session", no_java)
    inputs = ["--input", str(folders[0]), "--input", str(folders[1])]
    for action in ("coverage", "match"):
        with pytest.raises(CommandError, match="uji"):
            call_command(
                "national", action, *inputs, "--output", str(tmp_path / action),
                "--engine", "spark", "--master", "spark://cluster:7077",
                "--spark-conf", "spark.executor.memory=6g",
            )  # fmt: skip
        assert not (tmp_path / action).exists()
    assert [c["spark.master"] for c in asked] == ["spark://cluster:7077"] * 2
    assert all(c["spark.executor.memory"] == "6g" for c in asked)
    # DuckDB takes neither option: said, not ignored.
    with pytest.raises(CommandError, match="hanya untuk --engine spark"):
        call_command(
            "national", "coverage", *inputs, "--output", str(tmp_path / "duck"),
            "--master", "local[2]",
        )  # fmt: skip
    assert not (tmp_path / "duck").exists()
