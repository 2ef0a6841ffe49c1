"""find_pairs_incremental: a new batch against the registry — new × registry and new × new
pairs only, found like the full run finds them."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from jaring.registry.matching import (
    MatchingInputError,
    MatchModel,
    MatchSettings,
    find_pairs,
    find_pairs_incremental,
)
from jaring.synthetic.evaluation import pair_scores, pair_set
from jaring.synthetic.registries import (
    INPUT_SCHEMA,
    SyntheticRegistry,
    people_frame,
    person_row,
)


@pytest.fixture(scope="module")
def batch(synthetic: SyntheticRegistry) -> pl.DataFrame:
    return synthetic.new


@pytest.fixture(scope="module")
def new_pairs(
    batch: pl.DataFrame, people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> pl.DataFrame:
    return find_pairs_incremental(
        batch.select(list(INPUT_SCHEMA)), people, model=model, settings=settings
    )


def test_only_pairs_with_a_new_person_are_returned(
    new_pairs: pl.DataFrame, batch: pl.DataFrame
) -> None:
    new_ids = set(batch["person_id"].to_list())
    assert new_pairs.height > 0
    for left, right, kind in new_pairs.select(
        "person_id_l", "person_id_r", "pair_kind"
    ).iter_rows():
        assert left in new_ids or right in new_ids
        assert kind == ("new_new" if left in new_ids and right in new_ids else "new_registry")


def test_the_batch_duplicates_are_found(
    new_pairs: pl.DataFrame, batch: pl.DataFrame, registry: pl.DataFrame
) -> None:
    both = pl.concat([registry, batch])
    truth = both.filter(pl.col("true_id").is_in(batch["true_id"].implode()))
    found = pair_scores(new_pairs, truth)
    # Registry × registry pairs of these people are not the batch's business.
    in_scope = (
        found.true_positives
        + found.false_negatives
        - registry.filter(pl.col("true_id").is_in(batch["true_id"].implode()))
        .group_by("true_id")
        .len()
        .select((pl.col("len") * (pl.col("len") - 1) // 2).sum())
        .item()
    )
    assert found.true_positives / in_scope >= 0.9
    assert found.precision >= 0.9
    assert set(new_pairs["pair_kind"].unique()) == {"new_registry", "new_new"}


def test_a_new_duplicate_of_a_registry_person_is_found(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    original = people.filter(pl.col("birth_date").is_not_null()).row(0, named=True)
    again = {**original, "person_id": 9_000_001, "name": "Bpk. " + original["name"].upper()}
    pairs = find_pairs_incremental(people_frame([again]), people, model=model, settings=settings)
    assert pair_set(pairs) == {(original["person_id"], 9_000_001)}


def test_incremental_agrees_with_the_full_run(
    batch: pl.DataFrame,
    people: pl.DataFrame,
    model: MatchModel,
    settings: MatchSettings,
    new_pairs: pl.DataFrame,
) -> None:
    everyone = pl.concat([people, batch.select(list(INPUT_SCHEMA))])
    full = find_pairs(everyone, model=model, settings=settings)
    new_ids = batch["person_id"].implode()
    with_new = full.filter(
        pl.col("person_id_l").is_in(new_ids) | pl.col("person_id_r").is_in(new_ids)
    )
    # Same pairs, up to the phone numbers shared by too many people to block on, which the
    # two runs count on different sets of people.
    assert len(pair_set(with_new) ^ pair_set(new_pairs)) <= max(2, with_new.height // 50)


def test_excluded_new_pairs_never_come_back(
    batch: pl.DataFrame,
    people: pl.DataFrame,
    model: MatchModel,
    settings: MatchSettings,
    new_pairs: pl.DataFrame,
) -> None:
    marked = new_pairs.head(2).select("person_id_l", "person_id_r")
    again = find_pairs_incremental(
        batch.select(list(INPUT_SCHEMA)), people, model=model, settings=settings, exclusions=marked
    )
    assert not pair_set(again) & pair_set(marked)


def test_overlapping_ids_are_refused(people: pl.DataFrame, model: MatchModel) -> None:
    with pytest.raises(MatchingInputError) as error:
        find_pairs_incremental(people.head(3), people, model=model)
    assert "person_id" in str(error.value)
    assert "both in the new batch and the registry" in error.value.message.render("en")


def test_a_new_person_without_a_birth_date_is_matched(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    original = people.filter(
        pl.col("birth_date").is_not_null() & pl.col("phone").is_not_null()
    ).row(5, named=True)
    undated = person_row(
        9_000_002,
        name=original["name"],
        birth_date=None,
        sex=original["sex"],
        village_code=original["village_code"],
        phone=original["phone"],
        nik=original["nik"],
    )
    pairs = find_pairs_incremental(people_frame([undated]), people, model=model, settings=settings)
    assert (original["person_id"], 9_000_002) in pair_set(pairs)
    assert pairs["evidence_birth_date"].to_list() == ["missing"]


def test_an_empty_batch_gives_no_pairs(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    empty = people_frame([])
    assert find_pairs_incremental(empty, people, model=model, settings=settings).is_empty()


def test_a_batch_row_needs_the_input_columns(people: pl.DataFrame, model: MatchModel) -> None:
    row = person_row(9_000_003, name="Ani", birth_date=date(1990, 1, 1), sex="P")
    with pytest.raises(MatchingInputError, match="phone"):
        find_pairs_incremental(people_frame([row]).drop("phone"), people, model=model)
