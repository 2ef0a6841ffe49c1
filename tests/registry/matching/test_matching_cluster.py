"""cluster_pairs: connected components at a threshold, minus the pairs marked distinct."""

from __future__ import annotations

import polars as pl
import pytest

from jaring.registry.matching import MatchingInputError, cluster_pairs


def pairs(*rows: tuple[int, int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"person_id_l": pl.Int64, "person_id_r": pl.Int64, "match_probability": pl.Float64},
        orient="row",
    )


def clusters_of(frame: pl.DataFrame) -> dict[int, int]:
    return dict(frame.select("person_id", "cluster_id").iter_rows())


def test_a_chain_becomes_one_cluster_named_by_its_smallest_id() -> None:
    found = cluster_pairs(pairs((5, 9, 0.99), (9, 2, 0.97), (7, 8, 0.99)), threshold=0.95)
    assert clusters_of(found) == {2: 2, 5: 2, 9: 2, 7: 7, 8: 7}


def test_pairs_below_the_threshold_do_not_join() -> None:
    found = cluster_pairs(pairs((1, 2, 0.99), (2, 3, 0.6)), threshold=0.95)
    assert clusters_of(found) == {1: 1, 2: 1}


def test_a_long_chain_settles() -> None:
    chain = pairs(*[(i, i + 1, 1.0) for i in range(1, 200)])
    found = cluster_pairs(chain, threshold=0.5)
    assert set(found["cluster_id"].to_list()) == {1}
    assert found.height == 200


def test_excluded_pairs_are_cut() -> None:
    distinct = pl.DataFrame({"person_id_l": [3], "person_id_r": [2]})
    found = cluster_pairs(pairs((1, 2, 0.99), (2, 3, 0.99)), threshold=0.95, exclusions=distinct)
    assert clusters_of(found) == {1: 1, 2: 1}


def test_no_pairs_no_clusters() -> None:
    found = cluster_pairs(pairs(), threshold=0.95)
    assert found.is_empty()
    assert found.columns == ["person_id", "cluster_id"]


def test_the_pairs_frame_needs_its_columns() -> None:
    with pytest.raises(MatchingInputError, match="match_probability"):
        cluster_pairs(pl.DataFrame({"person_id_l": [1], "person_id_r": [2]}))
    with pytest.raises(MatchingInputError):
        cluster_pairs(pairs((1, 2, 0.99)), exclusions=pl.DataFrame({"a": [1]}))
