"""Matching benchmark: quality and speed of the engine on a synthetic registry with known truth.

    .venv/bin/python bench/matching.py                      # 1,000,000 people, 5 % duplicates
    .venv/bin/python bench/matching.py --size 200000 --seed 2 --dup-rate 0.05 --new 10000

Builds the registry (jaring.synthetic.registries: duplicates of the kinds in the issue,
plus twins/siblings, namesakes and very common names that must not match), trains the model,
saves and reloads it, scores the whole registry, clusters, and then matches a new batch
(some of it duplicates of registry people) incrementally. Prints one JSON document: pairwise
precision / recall / F1 at the threshold (of the pairs and of the clusters), the exact-NIK
baseline on the same data, recall per kind of duplicate, false pairs per kind of look-alike,
the false-merge rate on a hard-negative set (father and son of one name sharing a phone, twins
with consecutive NIK serials, common names in one desa: ``synthetic.registries.hard_negatives``,
scored together with the registry),
comparisons after blocking, time per phase, peak memory (ru_maxrss of the process, DuckDB
included) and the machine's load. Not a timed test: timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from jaring.registry.matching import (
    DEFAULT_THRESHOLD,
    MatchModel,
    MatchSettings,
    cluster_pairs,
    find_pairs,
    find_pairs_incremental,
    train_model,
)
from jaring.registry.matching.predict import count_comparisons
from jaring.registry.matching.prepare import INPUT_SCHEMA
from jaring.synthetic.evaluation import (
    cluster_scores,
    exact_nik_pairs,
    false_pairs_by_kind,
    pair_scores,
    recall_by_kind,
    true_pair_count,
)
from jaring.synthetic.registries import hard_negatives, synthetic_registry

T = TypeVar("T")
SWEEP = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)


def _timed(timings: dict[str, float], phase: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    timings[phase] = round(time.perf_counter() - start, 2)
    print(f"[bench] {phase}: {timings[phase]} s", file=sys.stderr)
    return result


def _peak_memory_gb() -> float:
    # Linux reports ru_maxrss in KiB.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)


def _machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo")
    total = None
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                total = round(int(line.split()[1]) / 1024**2, 1)
    return {
        "cpus": os.cpu_count(),
        "memory_gb": total,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = MatchSettings(
        threshold=args.threshold, threads=args.threads, memory_limit=args.memory_limit
    )
    timings: dict[str, float] = {}
    load_before = os.getloadavg()

    data = _timed(
        timings,
        "generate",
        lambda: synthetic_registry(
            args.size, seed=args.seed, dup_rate=args.dup_rate, n_new=args.new
        ),
    )
    registry, new = data.registry, data.new
    truth = registry.select("person_id", "true_id")

    model = _timed(
        timings, "train", lambda: train_model(registry, seed=args.seed, settings=settings)
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.json"
        model = _timed(timings, "save_load", lambda: (model.save(path), MatchModel.load(path))[1])

    # Scored once at the lowest threshold of the sweep; the sweep filters the same pairs.
    low = min(args.threshold, *SWEEP)
    pairs = _timed(
        timings,
        "predict",
        lambda: find_pairs(registry, model=model, threshold=low, settings=settings),
    )
    at_threshold = pairs.filter(pl.col("match_probability") >= args.threshold)
    clusters = _timed(timings, "cluster", lambda: cluster_pairs(pairs, threshold=args.threshold))
    timings["full_run"] = round(timings["train"] + timings["predict"] + timings["cluster"], 2)

    baseline_pairs = _timed(timings, "exact_nik_baseline", lambda: exact_nik_pairs(registry))
    # Every blocked pair, scored or not: how much recall the blocking rules leave. Not part of
    # the timed run (the lead's calls use a threshold).
    blocked = _timed(
        timings,
        "all_blocked_pairs",
        lambda: find_pairs(registry, model=model, threshold=0.0, settings=settings).select(
            "person_id_l", "person_id_r"
        ),
    )
    comparisons = _timed(
        timings, "count_comparisons", lambda: count_comparisons(registry, settings=settings)
    )

    incremental: dict[str, Any] = {}
    if new.height:
        new_pairs = _timed(
            timings,
            "incremental",
            lambda: find_pairs_incremental(
                new, registry, model=model, threshold=args.threshold, settings=settings
            ),
        )
        both = pl.concat([registry, new])
        new_ids = new.select("person_id")
        # Truth for the batch: every true pair with at least one new record.
        batch_truth = both.filter(pl.col("true_id").is_in(new["true_id"].implode()))
        scores = pair_scores(new_pairs, batch_truth)
        registry_only = (
            batch_truth.join(new_ids, on="person_id", how="anti")
            .group_by("true_id")
            .len()
            .select((pl.col("len") * (pl.col("len") - 1) // 2).sum())
            .item()
        )
        # Registry × registry pairs are out of scope for the batch: not counted as missed.
        scores = type(scores)(
            scores.true_positives,
            scores.false_positives,
            scores.false_negatives - int(registry_only or 0),
        )
        incremental = {
            "new_records": new.height,
            "registry_records": registry.height,
            "pairs_found": new_pairs.height,
            "pairs_by_kind": dict(new_pairs.group_by("pair_kind").len().iter_rows()),
            **scores.as_dict(),
            "seconds": timings["incremental"],
        }

    hard: dict[str, Any] = {}
    if args.hard_negatives:
        records, hard_pairs = hard_negatives(registry, args.hard_negatives, seed=args.seed)
        columns = list(INPUT_SCHEMA)
        scored = _timed(
            timings,
            "hard_negatives_predict",
            lambda: find_pairs(
                pl.concat([registry.select(columns), records.select(columns)]),
                model=model,
                threshold=low,
                settings=settings,
            ),
        )
        found = hard_pairs.join(
            scored.select("person_id_l", "person_id_r", "match_probability"),
            on=["person_id_l", "person_id_r"],
            how="left",
        ).with_columns(pl.col("match_probability").fill_null(0.0))
        merged = pl.col("match_probability") >= args.threshold
        by_kind = found.group_by("kind").agg(
            pairs=pl.len(),
            false_merges=merged.sum(),
            max_probability=pl.col("match_probability").max().round(4),
        )
        hard = {
            "pairs": found.height,
            "false_merges": int(found.select(merged.sum()).item()),
            "false_merge_rate": round(float(found.select(merged.mean()).item()), 4),
            "by_kind": {
                row["kind"]: {k: v for k, v in row.items() if k != "kind"}
                for row in by_kind.sort("kind").to_dicts()
            },
        }

    if args.save_dir:
        out = Path(args.save_dir)
        out.mkdir(parents=True, exist_ok=True)
        registry.write_parquet(out / "registry.parquet")
        pairs.write_parquet(out / "pairs.parquet")
        model.save(out / "model.json")
    baseline = pair_scores(baseline_pairs, truth)
    return {
        "benchmark": "matching",
        "command": " ".join(["python bench/matching.py", *sys.argv[1:]]),
        "machine": _machine(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "settings": {
            "size": args.size,
            "seed": args.seed,
            "dup_rate": args.dup_rate,
            "threshold": args.threshold,
            "duckdb_threads": args.threads,
            "duckdb_memory_limit": args.memory_limit,
        },
        "data": {
            "records": registry.height,
            "true_pairs": true_pair_count(truth),
            "record_kinds": dict(
                registry.group_by("record_kind").len().sort("record_kind").iter_rows()
            ),
        },
        "model": {
            "probability_two_random_records_match": model.probability_two_random_records_match,
            "level_weights": {
                f"{row['field']}.{row['key']}": round(row["weight"], 2)
                for row in model.level_weights().filter(pl.col("gamma") >= 0).to_dicts()
            },
        },
        "comparisons_after_blocking": comparisons,
        "quality": {
            "pairs": pair_scores(at_threshold, truth).as_dict(),
            "clusters": cluster_scores(clusters, truth).as_dict(),
            "exact_nik_only": baseline.as_dict(),
            "blocking_recall": pair_scores(blocked, truth).as_dict()["recall"],
            "threshold_sweep": {
                str(t): pair_scores(pairs.filter(pl.col("match_probability") >= t), truth).as_dict()
                for t in SWEEP
            },
            "recall_by_duplicate_kind": recall_by_kind(at_threshold, registry),
            "false_pairs_by_record_kind": false_pairs_by_kind(at_threshold, registry),
        },
        "hard_negatives": hard,
        "incremental": incremental,
        "seconds": timings,
        "peak_memory_gb": _peak_memory_gb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="registry records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dup-rate", type=float, default=0.05, help="share of duplicate records")
    parser.add_argument("--new", type=int, default=10_000, help="records in the incremental batch")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory limit")
    parser.add_argument("--save-dir", help="also write registry, pairs and model here")
    parser.add_argument(
        "--hard-negatives", type=int, default=500, help="hard-negative pairs of each kind"
    )
    args = parser.parse_args()
    print(json.dumps(run(args), indent=2))


if __name__ == "__main__":
    main()
