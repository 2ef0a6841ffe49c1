"""The two engines that run the national SQL: DuckDB (one machine) and Spark SQL (a cluster).

Both take the same SQL text over the same table names; an engine only knows how to make a
table of Parquet parts or of a small frame, and how to bring a (small) result back as polars.
Spark is imported only when asked for (``pyspark`` and a Java runtime, OpenJDK 17).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from jaring.national.errors import NationalError

ENGINES = ("duckdb", "spark")

#: What the national SQL needs of any Spark: dates in UTC, Spark's non-ANSI arithmetic.
SPARK_SQL_CONFIG: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
}
#: Spark in local mode on a small machine: 2 GB for the driver, no web UI, few shuffle
#: partitions (the default 200 make tiny inputs slow). A cluster sets its own (docs/scale.md).
SPARK_LOCAL_CONFIG: dict[str, str] = {
    "spark.master": "local[2]",
    "spark.driver.memory": "2g",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    **SPARK_SQL_CONFIG,
}


def spark_config(
    master: str | None = None, conf: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The session's settings: the master from ``master``, else ``JARING_SPARK_MASTER`` (default
    ``local[2]``); in local mode :data:`SPARK_LOCAL_CONFIG`, on a cluster (``spark://…``,
    ``k8s://…``, ``yarn``) only :data:`SPARK_SQL_CONFIG`; then ``conf`` (``--spark-conf``,
    ``JARING_SPARK_CONF``) over both, e.g. ``spark.driver.memory``."""
    from django.conf import settings

    chosen = master or settings.JARING_SPARK_MASTER or "local[2]"
    base = SPARK_LOCAL_CONFIG if chosen.startswith("local") else SPARK_SQL_CONFIG
    return {
        **base,
        "spark.master": chosen,
        **parse_spark_conf(settings.JARING_SPARK_CONF),
        **(conf or {}),
    }


def parse_spark_conf(items: str | list[str] | None) -> dict[str, str]:
    """``spark.x=1`` items (a list, or one string separated by spaces) as a dictionary; anything
    else is refused by name."""
    if not items:
        return {}
    entries = items.split() if isinstance(items, str) else items
    conf = {}
    for item in entries:
        name, sep, value = item.partition("=")
        if not sep or not name.startswith("spark.") or not value:
            raise NationalError(
                f"Pengaturan Spark {item!r} tidak terbaca; tulis NAMA=NILAI, "
                "contoh spark.driver.memory=8g."
            )
        conf[name.strip()] = value.strip()
    return conf


class Engine(Protocol):
    name: str

    def parquet(self, table: str, paths: list[Path]) -> None: ...

    def frame(self, table: str, frame: pl.DataFrame) -> None: ...

    def query(self, sql: str, schema: Mapping[str, pl.DataType]) -> pl.DataFrame: ...


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        import duckdb

        config: dict[str, Any] = {}
        if threads:
            config["threads"] = threads
        if memory_limit:
            config["memory_limit"] = memory_limit
        self.con = duckdb.connect(":memory:", config=config)
        self._frames: dict[str, Any] = {}

    def parquet(self, table: str, paths: list[Path]) -> None:
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
        self.con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet([{files}])")

    def frame(self, table: str, frame: pl.DataFrame) -> None:
        arrow = frame.to_arrow()
        self._frames[table] = arrow
        self.con.register(table, arrow)

    def query(self, sql: str, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        result = self.con.sql(sql).to_arrow_table()
        return pl.DataFrame(pl.from_arrow(result)).cast(dict(schema))  # type: ignore[arg-type]

    def close(self) -> None:
        self.con.close()


_SPARK_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "string",
    pl.Int32: "int",
    pl.Int64: "bigint",
    pl.Date: "date",
    pl.Float64: "double",
    pl.Boolean: "boolean",
}


class SparkEngine:
    name = "spark"

    def __init__(self, session: Any) -> None:
        self.spark = session

    def parquet(self, table: str, paths: list[Path]) -> None:
        self.spark.read.parquet(*[str(p) for p in paths]).createOrReplaceTempView(table)

    def frame(self, table: str, frame: pl.DataFrame) -> None:
        ddl = ", ".join(f"`{c}` {_SPARK_TYPES[type(t)]}" for c, t in frame.schema.items())
        self.spark.createDataFrame(frame.rows(), schema=ddl).createOrReplaceTempView(table)

    def query(self, sql: str, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        rows = [tuple(row) for row in self.spark.sql(sql).collect()]
        return pl.DataFrame(rows, schema=dict(schema), orient="row")

    def close(self) -> None:
        """The session belongs to whoever made it (:func:`spark_session`)."""


def spark_session(config: Mapping[str, str] | None = None) -> Any:
    """A Spark session with ``config`` (default: :func:`spark_config`, local mode unless
    ``JARING_SPARK_MASTER`` says otherwise)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise NationalError(
            "Mesin Spark perlu paket pyspark (pip install 'jaring[spark]') dan Java 17 "
            "(openjdk-17-jre-headless); atau pakai --engine duckdb."
        ) from exc
    settings = dict(config if config is not None else spark_config())
    if "spark.jars" not in settings:
        # Splink's Scala functions (jaro_winkler, damerau_levenshtein…) for national matching.
        from splink.backends.spark import similarity_jar_location

        settings["spark.jars"] = similarity_jar_location()
    builder = SparkSession.builder.appName("jaring-national")
    for name, value in settings.items():
        builder = builder.config(name, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing or failing to start
        raise NationalError(
            f"Spark tidak bisa dijalankan ({type(exc).__name__}); periksa Java 17 "
            "(java -version) atau pakai --engine duckdb."
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def engine_for(name: str, *, spark: Any = None) -> Iterator[Engine]:
    """An engine by name; ``spark``: a session to use (tests share one, the commands make one
    with ``--master``), else one is made with :func:`spark_config` and stopped afterwards."""
    if name == "duckdb":
        duck = DuckDBEngine()
        try:
            yield duck
        finally:
            duck.close()
        return
    if name != "spark":
        raise NationalError(f"Mesin {name!r} tidak dikenal; pilih {' atau '.join(ENGINES)}.")
    own = spark is None
    session = spark_session() if own else spark
    try:
        yield SparkEngine(session)
    finally:
        if own:
            session.stop()


@contextmanager
def spark_for(engine: str, master: str | None, conf: list[str] | None) -> Iterator[Any]:
    """The session a command's ``--engine spark [--master URL] [--spark-conf NAME=VALUE …]``
    asks for (``None`` for DuckDB, which takes neither option), stopped afterwards."""
    if engine != "spark":
        if master or conf:
            raise NationalError("--master dan --spark-conf hanya untuk --engine spark.")
        yield None
        return
    session = spark_session(spark_config(master, parse_spark_conf(conf)))
    try:
        yield session
    finally:
        session.stop()
