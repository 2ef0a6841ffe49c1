"""Group matched pairs into people: connected components at a threshold.

Every pair at or above ``threshold`` (minus the ``exclusions`` a reviewer marked distinct) is
an edge; each component is one person. ``cluster_id`` is the smallest ``person_id`` of the
component, so it is stable while the component is. Only people in at least one kept pair are
returned — everyone else is a cluster of one.

Excluding a pair removes that edge only: if A–B was marked distinct but A–C and C–B both
match, A and B still end up together through C. The review page should show such a cluster
(the lead's side); the engine does not guess which edge to cut.
"""

from __future__ import annotations

import polars as pl

from jaring.registry.matching.errors import MatchingInputError, check_threshold
from jaring.registry.matching.predict import _ordered, check_exclusions, drop_excluded
from jaring.registry.matching.settings import DEFAULT_THRESHOLD
from jaring.rules.messages import Message, gettext_noop


def cluster_pairs(
    pairs: pl.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    exclusions: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """``person_id, cluster_id`` for the connected components of ``pairs`` ≥ ``threshold``."""
    threshold = check_threshold(threshold)
    missing = {"person_id_l", "person_id_r", "match_probability"} - set(pairs.columns)
    if missing:
        raise MatchingInputError(
            Message.of(
                gettext_noop("The {what} frame lacks the column(s): {columns}."),
                what=Message(gettext_noop("pairs")),
                columns=", ".join(sorted(missing)),
            )
        )
    excluded = check_exclusions(exclusions)
    edges = drop_excluded(
        _ordered(pairs.filter(pl.col("match_probability") >= threshold))
        .select("person_id_l", "person_id_r")
        .unique()
        .collect(),
        excluded,
    )
    both_ways = pl.concat(
        [
            edges.select(a="person_id_l", b="person_id_r"),
            edges.select(a="person_id_r", b="person_id_l"),
        ]
    )
    labels = (
        both_ways.group_by("a")
        .agg(label=pl.min("b"))
        .select(person_id="a", label=pl.min_horizontal("a", "label"))
    )
    # Min-label propagation with pointer jumping: each round a node takes the smallest label
    # among its neighbours, then the label of its label. Duplicate clusters are tiny, so this
    # settles in a few rounds even for a million people.
    while True:
        from_neighbours = (
            both_ways.join(labels, left_on="b", right_on="person_id")
            .group_by("a")
            .agg(neighbour=pl.min("label"))
        )
        updated = (
            labels.join(from_neighbours, left_on="person_id", right_on="a", how="left")
            .with_columns(label=pl.min_horizontal("label", "neighbour"))
            .drop("neighbour")
        )
        updated = (
            updated.join(
                updated.select(pl.col("person_id").alias("l"), pl.col("label").alias("jump")),
                left_on="label",
                right_on="l",
                how="left",
            )
            .with_columns(label=pl.min_horizontal("label", "jump"))
            .drop("jump")
        )
        changed = (
            updated.join(labels, on="person_id", suffix="_old")
            .filter(pl.col("label") != pl.col("label_old"))
            .height
        )
        labels = updated
        if changed == 0:
            break
    return labels.select("person_id", cluster_id="label").sort("person_id")
