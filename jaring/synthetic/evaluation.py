"""Score matching results against a known truth (synthetic data): pairwise precision and recall.

A *true pair* is two records of the same person (same ``true_id``). Pairs are unordered and
counted once. :func:`pair_scores` judges a list of predicted pairs; :func:`cluster_scores`
judges clusters by the pairs they imply (every two members of a cluster), computed from the
cluster × truth contingency table so a large cluster is not expanded pair by pair.
:func:`exact_nik_pairs` is the baseline: pairs that share a NIK.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl


@dataclass(frozen=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            **asdict(self),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def pair_set(pairs: pl.DataFrame) -> set[tuple[int, int]]:
    """The pairs as a set of (smaller id, larger id)."""
    ordered = pairs.select(
        low=pl.min_horizontal("person_id_l", "person_id_r"),
        high=pl.max_horizontal("person_id_l", "person_id_r"),
    )
    return set(ordered.iter_rows())


def _choose2(column: str) -> pl.Expr:
    n = pl.col(column).cast(pl.Int64)
    return n * (n - 1) // 2


def true_pair_count(truth: pl.DataFrame) -> int:
    """Pairs of records sharing ``true_id`` in ``truth`` (person_id, true_id)."""
    return int(truth.group_by("true_id").len().select(_choose2("len").sum()).item())


def true_pairs(truth: pl.DataFrame) -> pl.DataFrame:
    """person_id_l < person_id_r for every two records of the same person."""
    return (
        truth.select("person_id", "true_id")
        .join(truth.select("person_id", "true_id"), on="true_id", suffix="_r")
        .filter(pl.col("person_id") < pl.col("person_id_r"))
        .select(person_id_l="person_id", person_id_r="person_id_r")
    )


def pair_scores(pairs: pl.DataFrame, truth: pl.DataFrame) -> Scores:
    """Predicted ``pairs`` (person_id_l, person_id_r) against ``truth`` (person_id, true_id)."""
    ids = truth.select("person_id", "true_id")
    found = (
        pairs.select(
            person_id_l=pl.min_horizontal("person_id_l", "person_id_r"),
            person_id_r=pl.max_horizontal("person_id_l", "person_id_r"),
        )
        .unique()
        .join(ids.rename({"person_id": "person_id_l", "true_id": "t_l"}), on="person_id_l")
        .join(ids.rename({"person_id": "person_id_r", "true_id": "t_r"}), on="person_id_r")
    )
    tp = found.filter(pl.col("t_l") == pl.col("t_r")).height
    return Scores(tp, found.height - tp, true_pair_count(truth) - tp)


def cluster_scores(clusters: pl.DataFrame, truth: pl.DataFrame) -> Scores:
    """Clusters (person_id, cluster_id; people absent are alone) against ``truth``."""
    joined = (
        truth.select("person_id", "true_id")
        .join(clusters.select("person_id", "cluster_id"), on="person_id", how="left")
        .with_columns(cluster_id=pl.coalesce(pl.col("cluster_id"), -pl.col("person_id")))
    )
    predicted = joined.group_by("cluster_id").len().select(_choose2("len").sum()).item()
    tp = joined.group_by("cluster_id", "true_id").len().select(_choose2("len").sum()).item()
    tp, predicted = int(tp or 0), int(predicted or 0)
    return Scores(tp, predicted - tp, true_pair_count(truth) - tp)


def exact_nik_pairs(people: pl.DataFrame) -> pl.DataFrame:
    """The baseline: every two records with the same (non-null) NIK."""
    keyed = people.select("person_id", "nik").drop_nulls("nik")
    return (
        keyed.join(keyed, on="nik", suffix="_r")
        .filter(pl.col("person_id") < pl.col("person_id_r"))
        .select(person_id_l="person_id", person_id_r="person_id_r")
    )


def recall_by_kind(pairs: pl.DataFrame, people: pl.DataFrame) -> dict[str, dict[str, float | int]]:
    """Share of true pairs found, per kind of change made to the duplicate (``dup_kinds`` of
    the synthetic data, e.g. ``"nik:swapped"``); a pair with several changes counts for each."""
    found = pairs.select(
        person_id_l=pl.min_horizontal("person_id_l", "person_id_r"),
        person_id_r=pl.max_horizontal("person_id_l", "person_id_r"),
        found=pl.lit(True),
    ).unique()
    kinds = people.select("person_id", "dup_kinds")
    table = (
        true_pairs(people)
        .join(found, on=["person_id_l", "person_id_r"], how="left")
        .join(kinds.rename({"person_id": "person_id_l", "dup_kinds": "k_l"}), on="person_id_l")
        .join(kinds.rename({"person_id": "person_id_r", "dup_kinds": "k_r"}), on="person_id_r")
        .with_columns(
            kind=pl.concat_str(
                [pl.col("k_l"), pl.col("k_r")], separator=",", ignore_nulls=True
            ).str.split(","),
            found=pl.col("found").fill_null(False),
        )
        .explode("kind")
        .filter(pl.col("kind") != "")
        .unique(["person_id_l", "person_id_r", "kind"])
        .group_by("kind")
        .agg(pairs=pl.len(), recall=pl.col("found").mean().round(4))
        .sort("kind")
    )
    return {
        row["kind"]: {"pairs": row["pairs"], "recall": row["recall"]} for row in table.to_dicts()
    }


def false_pairs_by_kind(pairs: pl.DataFrame, people: pl.DataFrame) -> dict[str, int]:
    """False pairs, by the kinds of the two records (e.g. ``"original+twin"``): shows which
    look-alikes of the synthetic data the engine confused."""
    info = people.select("person_id", "true_id", "record_kind")
    table = (
        pairs.select("person_id_l", "person_id_r")
        .join(
            info.rename({"person_id": "person_id_l", "true_id": "t_l", "record_kind": "k_l"}),
            on="person_id_l",
        )
        .join(
            info.rename({"person_id": "person_id_r", "true_id": "t_r", "record_kind": "k_r"}),
            on="person_id_r",
        )
        .filter(pl.col("t_l") != pl.col("t_r"))
        .select(
            kind=pl.concat_str(
                pl.min_horizontal("k_l", "k_r"), pl.lit("+"), pl.max_horizontal("k_l", "k_r")
            )
        )
        .group_by("kind")
        .len()
        .sort("len", descending=True)
    )
    return {row["kind"]: row["len"] for row in table.to_dicts()}
