"""National-size exports, straight to Parquet (no database), and both engines on them.

    .venv/bin/python bench/national_size.py generate --people 5000000 --shared 20000 --out DIR
    .venv/bin/python bench/national_size.py blocking --exports DIR
    .venv/bin/python bench/national_size.py match --exports DIR --engine duckdb|spark
    .venv/bin/python bench/national_size.py coverage --exports DIR --engine duckdb|spark
    .venv/bin/python bench/national_size.py explain --exports DIR

``generate`` writes one export per province, as ``jaring national export`` writes them (the
same parts, columns, manifest and national key as
:func:`tests.national.conftest.synthetic_exports`),
with ``--people`` spread over every kab/kota of the Kemendagri table
(:func:`jaring.synthetic.people.generate_people` per kab/kota, distinct NIKs), each person in
``--memberships`` memberships of 3–12 months (10,000,000 memberships from 5,000,000 people
with the default 2) paid for each month with probability 0.8, and ``--shared`` people
registered again in another province: half exact copies (the same KTP data), half written
differently (:func:`jaring.synthetic.corruption.corrupt_duplicates`: a typo or honorific, a
NIK digit, a birth date swapped or left out, another phone). ``truth.parquet`` beside the
exports lists each (original, copy) pair and its kind. Person ids are unique nationally, so a
pair is its two ids.

``blocking`` counts, before anything runs, the comparisons each national blocking rule makes
(pairs across exports sharing the rule's keys; an upper bound, as Splink drops a pair an
earlier rule made). ``match`` and ``coverage`` time one engine (Spark: the session started
beforehand, its start printed apart) and print JSON with the load average; ``match`` also
prints precision and recall on the injected duplicates, per kind. Peak memory: run under
``/usr/bin/time -v`` (the JVM is a child process of Python in local mode).

``explain`` says why copies are missed: the injected pairs' own people scored by DuckDB with
the national settings (prior and NIK u from all the people), no threshold; per change made to
a copy (``truth.parquet``'s ``changes``, e.g. ``nik:one_digit``) how many no blocking rule
pairs and how many score below the threshold, and the commonest level patterns missed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import _load, django_for_bench, training_model


def _months(index: pl.Expr) -> pl.Expr:
    return ((index // 12) * 100 + index % 12 + 1).cast(pl.Int32)


def _export_frames(
    people: pl.DataFrame, first_id: int, rng: np.random.Generator, memberships: int, key: str
) -> dict[str, pl.DataFrame]:
    from jaring.core import crypto
    from jaring.national.exports import PARTS, nik_index_columns
    from jaring.registry.names import normalize_names

    n = people.height
    niks = people["nik"].to_list()
    registered = pl.Series(rng.integers(2023 * 12, 2024 * 12 + 6, n)).cast(pl.Int32)
    frame = pl.DataFrame(
        {
            "person_id": pl.int_range(first_id, first_id + n, eager=True),
            **nik_index_columns(niks, key),
            "phone_index": crypto.national_index_many(
                people["phone"].to_list(), purpose="phone", secret=key
            ),
            "name_norm": normalize_names(people["name"]),
            "birth_date": people["birth_date"],
            "sex": people["sex"],
            "region": people["village_code"],
            "registered_month": _months(registered),
            "registered_index": registered,
            "funder": rng.choice(["apbd", "dbhcht", "csr"], n),
        }
    )
    frame = frame.select(PARTS["people"].keys()).cast(PARTS["people"])  # type: ignore[arg-type]
    members = pl.concat([frame.select("person_id", "region", "funder")] * memberships)
    first = pl.Series(rng.integers(2023 * 12, 2024 * 12 + 3, members.height)).cast(pl.Int32)
    last = first + pl.Series(rng.integers(2, 12, members.height)).cast(pl.Int32)
    member_frame = members.with_columns(first_index=first, last_index=last).with_columns(
        first_month=_months(pl.col("first_index")), last_month=_months(pl.col("last_index"))
    )
    member_frame = member_frame.select(PARTS["memberships"].keys()).cast(PARTS["memberships"])  # type: ignore[arg-type]
    months = member_frame.select(
        "person_id",
        "region",
        pl.int_ranges("first_index", pl.col("last_index") + 1).alias("month_index"),
    ).explode("month_index")
    paid = (
        months.filter(pl.Series(rng.random(months.height) < 0.8))
        .select("person_id", "region", _months(pl.col("month_index")).alias("month"), "month_index")
        .cast(PARTS["paid"])
    )  # type: ignore[arg-type]
    return {"people": frame, "memberships": member_frame, "paid": paid}


def generate(out: Path, people: int, shared: int, memberships: int, seed: int) -> dict[str, Any]:
    from jaring.core import crypto
    from jaring.national.exports import SCHEMA_VERSION, write_parts
    from jaring.regions.datafiles import read_region_file
    from jaring.synthetic.corruption import DuplicateMix, corrupt_duplicates
    from jaring.synthetic.people import generate_people
    from tests.national.conftest import KEY

    rng = np.random.default_rng(seed)
    table = read_region_file()
    villages = (
        table.filter(pl.col("level") == 4)
        .select(pl.col("code").str.slice(0, 5).alias("regency"))
        .unique()
    )
    regencies = sorted(villages["regency"].to_list())
    provinces: dict[str, list[str]] = {}
    for code in regencies:
        provinces.setdefault(code[:2], []).append(code)
    each = people // len(regencies)
    # The copies: ``shared`` people of one province registered again in the next one.
    per_province = -(-shared // len(provinces))
    next_id = 1
    truth = []
    previous: pl.DataFrame | None = None
    stats: dict[str, Any] = {"regencies": len(regencies), "provinces": len(provinces)}
    start = time.perf_counter()
    for number, province in enumerate(sorted(provinces)):
        natives = pl.concat(
            [
                generate_people(each, regency=code, seed=seed * 1000 + number * 100 + i)
                for i, code in enumerate(provinces[province])
            ]
        )
        natives = natives.with_columns(
            person_id=pl.int_range(next_id, next_id + natives.height, eager=True)
        )
        own = natives
        if previous is not None:
            half = previous.height // 2
            changed = corrupt_duplicates(
                previous.slice(half),
                villages=natives.select("village_code", "village_name", "kecamatan_code")
                .unique()
                .with_columns(regency=pl.col("village_code").str.slice(0, 5)),
                neighbours={},
                rng=rng,
                mix=DuplicateMix(village=0.0),
            )
            kinds = changed["dup_kinds"]
            copies = pl.concat([previous.head(half), changed.select(previous.columns)])
            first = next_id + natives.height
            copies = copies.with_columns(
                village_code=natives["village_code"].sample(
                    copies.height, seed=seed + number, with_replacement=True
                ),
                person_id=pl.int_range(first, first + copies.height, eager=True),
            )
            truth.append(
                pl.DataFrame(
                    {
                        "original": previous["person_id"],
                        "copy": copies["person_id"],
                        "kind": ["exact"] * half + ["written_differently"] * (copies.height - half),
                        # What was changed in each copy written differently ("name:typo,…").
                        "changes": [""] * half + kinds.to_list(),
                    }
                )
            )
            own = pl.concat([natives, copies.select(natives.columns)])
        previous = natives.sample(min(per_province, natives.height), seed=seed + number)
        frames_out = _export_frames(own.drop("person_id"), next_id, rng, memberships, KEY)
        next_id += own.height
        write_parts(
            out / province,
            frames_out,
            {
                "schema_version": SCHEMA_VERSION,
                "kind": "jaring-national-export",
                "region": province,
                "regencies": sorted(provinces[province]),
                "key_fingerprint": crypto.key_fingerprint(KEY),
                "created_at": "2026-12-03T00:00:00+00:00",
            },
        )
        print(
            f"{province}: {own.height:,} people, {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    pl.concat(truth).write_parquet(out / "truth.parquet")
    stats["people"] = next_id - 1
    stats["generate_s"] = round(time.perf_counter() - start, 1)
    return stats


def _folders(exports: Path) -> list[Path]:
    return sorted(p for p in exports.iterdir() if (p / "manifest.json").exists())


_EQUAL = re.compile(r"l\.(\w+) = r\.(\w+)")


def blocking(exports: Path) -> dict[str, Any]:
    """Pairs across exports per national blocking rule (equality keys only, as all are)."""
    from jaring.national.matching import _pairs_sharing, national_people, national_settings
    from jaring.national.parts import read_exports

    start = time.perf_counter()
    people = national_people(read_exports(_folders(exports)))
    result: dict[str, Any] = {
        "people": people.height,
        "prepare_s": round(time.perf_counter() - start, 1),
    }
    settings = national_settings(training_model(), "duckdb")
    counts = {}
    for rule in settings["blocking_rules_to_generate_predictions"]:
        keys = [a for a, b in _EQUAL.findall(rule["blocking_rule"]) if a == b]
        counts[" AND ".join(keys)] = _pairs_sharing(people, keys)
    result["pairs_per_rule"] = counts
    result["pairs_total_upper_bound"] = sum(counts.values())
    return result


def match(exports: Path, engine: str, threshold: float) -> dict[str, Any]:
    from jaring.national.engines import spark_session
    from jaring.national.matching import national_people, national_prior, pairs_on
    from jaring.national.parts import read_exports

    result: dict[str, Any] = {"engine": engine, "load_before": _load()}
    model = training_model()
    result["prior_region"] = model.probability_two_random_records_match
    start = time.perf_counter()
    people = national_people(read_exports(_folders(exports)))
    result["people"] = people.height
    result["read_prepare_s"] = round(time.perf_counter() - start, 1)
    result["prior_national"] = national_prior(people, model)
    spark = None
    if engine == "spark":
        start = time.perf_counter()
        spark = spark_session()
        result["spark_start_s"] = round(time.perf_counter() - start, 1)
    start = time.perf_counter()
    pairs = pairs_on(engine, people, model, threshold=threshold, spark=spark)
    result["match_s"] = round(time.perf_counter() - start, 1)
    if spark is not None:
        spark.stop()
    result["load_after"] = _load()
    truth = pl.read_parquet(exports / "truth.parquet")
    found = pairs.select(
        pl.min_horizontal("person_id_l", "person_id_r").alias("a"),
        pl.max_horizontal("person_id_l", "person_id_r").alias("b"),
    ).unique()
    labelled = truth.select(
        pl.min_horizontal("original", "copy").alias("a"),
        pl.max_horizontal("original", "copy").alias("b"),
        "kind",
    )
    hits = found.join(labelled, on=["a", "b"])
    result["pairs"] = found.height
    result["true_pairs"] = hits.height
    result["precision"] = round(hits.height / found.height, 4) if found.height else None
    result["recall"] = round(hits.height / labelled.height, 4)
    for kind, group in labelled.group_by("kind"):
        got = hits.filter(pl.col("kind") == kind[0]).height
        result[f"recall_{kind[0]}"] = round(got / group.height, 4)
    pairs.write_parquet(exports.parent / f"pairs-{engine}.parquet")
    return result


def explain(exports: Path, threshold: float) -> dict[str, Any]:
    """Why copies are missed: the injected pairs' own people (with the national prior and the
    phone counts of all the people) scored by DuckDB with no threshold, each pair's levels
    kept. Per change ("nik:one_digit", "birth_date:missing" …): how many copies carry it,
    how many no blocking rule pairs, how many score below ``threshold``; and the commonest
    level patterns (γ per comparison) among the missed, with their weight."""
    from splink import DuckDBAPI, Linker

    from jaring.national.engines import engine_for
    from jaring.national.matching import national_people, national_settings
    from jaring.national.parts import read_exports

    people = national_people(read_exports(_folders(exports)))
    settings = national_settings(training_model(), "duckdb", people)
    settings["retain_intermediate_calculation_columns"] = True
    truth = pl.read_parquet(exports / "truth.parquet").with_row_index("pair")
    ids = pl.concat([truth["original"], truth["copy"]]).unique()
    subset = people.filter(pl.col("local_id").is_in(ids.implode()))
    with engine_for("duckdb") as duck:
        api = DuckDBAPI(connection=duck.con)  # type: ignore[attr-defined]
        linker = Linker(api.register(subset.to_arrow(), table_name="national"), settings)
        raw = linker.inference.predict(warning_mode="never").as_duckdbpyrelation().pl()
    scored = raw.select(
        pl.min_horizontal("local_id_l", "local_id_r").alias("a"),
        pl.max_horizontal("local_id_l", "local_id_r").alias("b"),
        "match_weight",
        "match_probability",
        *[c for c in raw.columns if c.startswith("gamma_")],
    )
    pairs = truth.select(
        "pair",
        "kind",
        "changes",
        pl.min_horizontal("original", "copy").alias("a"),
        pl.max_horizontal("original", "copy").alias("b"),
    ).join(scored, on=["a", "b"], how="left")
    pairs = pairs.with_columns(
        blocked=pl.col("match_weight").is_not_null(),
        found=pl.col("match_probability").fill_null(0) >= threshold,
    )
    result: dict[str, Any] = {"prior": settings["probability_two_random_records_match"]}
    for kind, group in pairs.group_by("kind"):
        result[f"{kind[0]}_copies"] = group.height
        result[f"{kind[0]}_not_blocked"] = int((~group["blocked"]).sum())
        result[f"{kind[0]}_below_threshold"] = int((group["blocked"] & ~group["found"]).sum())
    per_change = (
        pairs.filter(pl.col("kind") == "written_differently")
        .with_columns(change=pl.col("changes").str.split(","))
        .explode("change")
        .group_by("change")
        .agg(
            copies=pl.len(),
            not_blocked=(~pl.col("blocked")).sum(),
            below=(pl.col("blocked") & ~pl.col("found")).sum(),
            recall=pl.col("found").mean().round(3),
        )
        .sort("copies", descending=True)
    )
    result["per_change"] = per_change.rows(named=True)
    gammas = [c for c in pairs.columns if c.startswith("gamma_")]
    missed = pairs.filter(pl.col("blocked") & ~pl.col("found"))
    result["missed_patterns"] = (
        missed.group_by(gammas)
        .agg(
            n=pl.len(),
            weight=pl.col("match_weight").median().round(1),
            example=pl.col("changes").first(),
        )
        .sort("n", descending=True)
        .head(25)
        .rows(named=True)
    )
    result["not_blocked_changes"] = (
        pairs.filter(~pl.col("blocked"))
        .group_by("changes")
        .len()
        .sort("len", descending=True)
        .head(15)
        .rows()
    )
    result["nik_levels"] = {
        lv["label_for_charts"]: [lv.get("m_probability"), lv.get("u_probability")]
        for c in settings["comparisons"]
        if c["output_column_name"] == "nik"
        for lv in c["comparison_levels"]
        if not lv.get("is_null_level")
    }
    result["levels"] = {
        c["output_column_name"]: [lv.get("label_for_charts") for lv in c["comparison_levels"]]
        for c in settings["comparisons"]
    }
    return result


def coverage(exports: Path, engine: str) -> dict[str, Any]:
    from jaring.national.coverage import coverage_on
    from jaring.national.engines import DuckDBEngine, SparkEngine, spark_session
    from jaring.national.parts import read_exports

    result: dict[str, Any] = {"engine": engine, "load_before": _load()}
    start = time.perf_counter()
    read = read_exports(_folders(exports))
    result["check_exports_s"] = round(time.perf_counter() - start, 1)
    result["memberships"] = sum(
        pl.scan_parquet(p).select(pl.len()).collect().item() for p in read.parts("memberships")
    )
    result["paid_months"] = sum(
        pl.scan_parquet(p).select(pl.len()).collect().item() for p in read.parts("paid")
    )
    if engine == "spark":
        start = time.perf_counter()
        spark = spark_session()
        result["spark_start_s"] = round(time.perf_counter() - start, 1)
        runner: Any = SparkEngine(spark)
    else:
        runner = DuckDBEngine()
    start = time.perf_counter()
    frame = coverage_on(runner, read)
    result["coverage_s"] = round(time.perf_counter() - start, 1)
    result["rows"] = frame.height
    if engine == "spark":
        spark.stop()
    frame.write_parquet(exports.parent / f"coverage-{engine}.parquet")
    result["load_after"] = _load()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["generate", "blocking", "match", "coverage", "explain"])
    parser.add_argument("--people", type=int, default=5_000_000)
    parser.add_argument("--shared", type=int, default=20_000)
    parser.add_argument("--memberships", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--exports", "--out", type=Path, required=True)
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--threshold", type=float, default=0.95)
    args = parser.parse_args()
    django_for_bench("jaring-bench-national-size-")
    if args.action == "generate":
        result = generate(args.exports, args.people, args.shared, args.memberships, args.seed)
    elif args.action == "blocking":
        result = blocking(args.exports)
    elif args.action == "match":
        result = match(args.exports, args.engine, args.threshold)
    elif args.action == "explain":
        result = explain(args.exports, args.threshold)
    else:
        result = coverage(args.exports, args.engine)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
