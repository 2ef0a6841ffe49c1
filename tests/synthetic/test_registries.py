"""The synthetic registry: duplicates of every kind with ground truth, look-alikes, a new batch
whose fresh people never collide with the registry; the same seed gives the same data."""

from __future__ import annotations

import polars as pl

from jaring.synthetic.corruption import (
    BIRTH_DATE_KINDS,
    NAME_KINDS,
    NIK_KINDS,
    VILLAGE_KINDS,
)
from jaring.synthetic.evaluation import exact_nik_pairs, pair_scores, true_pair_count
from jaring.synthetic.registries import SyntheticRegistry, synthetic_registry


def test_sizes_and_kinds(synthetic: SyntheticRegistry) -> None:
    registry = synthetic.registry
    assert registry.height == 4_000
    kinds = dict(registry.group_by("record_kind").len().iter_rows())
    assert kinds["duplicate"] == 200  # 5 %
    assert kinds["twin"] + kinds["sibling"] == 40
    assert kinds["namesake"] == 20
    assert kinds["common_name"] > 0
    assert registry["person_id"].is_unique().all()


def test_every_kind_of_change_is_injected(synthetic: SyntheticRegistry) -> None:
    changes = set(
        synthetic.registry["dup_kinds"].drop_nulls().str.split(",").explode().unique().to_list()
    )
    expected = (
        {f"name:{k}" for k in NAME_KINDS}
        | {f"nik:{k}" for k in NIK_KINDS}
        | {f"birth_date:{k}" for k in BIRTH_DATE_KINDS}
        | {f"village:{k}" for k in VILLAGE_KINDS}
        | {"phone:missing", "phone:other_number"}
    )
    assert expected <= changes


def test_distinct_people_have_distinct_niks(synthetic: SyntheticRegistry) -> None:
    people = pl.concat([synthetic.registry, synthetic.new]).filter(
        pl.col("record_kind") != "duplicate"
    )
    assert people["nik"].is_unique().all()
    assert people["true_id"].is_unique().all()


def test_duplicates_share_the_truth_of_their_original(synthetic: SyntheticRegistry) -> None:
    registry = synthetic.registry
    originals = registry.filter(pl.col("record_kind") != "duplicate").select("true_id", "sex")
    copies = registry.filter(pl.col("record_kind") == "duplicate").select("true_id", "sex")
    joined = copies.join(originals, on="true_id", suffix="_original")
    assert joined.height == copies.height
    assert (joined["sex"] == joined["sex_original"]).all()
    # A tenth of the duplicated people appear three times.
    assert true_pair_count(registry) > copies.height


def test_look_alikes_look_alike(synthetic: SyntheticRegistry) -> None:
    registry = synthetic.registry
    twins = registry.filter(pl.col("record_kind") == "twin")
    originals = registry.filter(pl.col("record_kind") != "twin")
    surnames = twins.with_columns(
        surname=pl.col("name").str.to_lowercase().str.split(" ").list.last()
    )
    same_home = surnames.join(
        originals.with_columns(
            surname=pl.col("name").str.to_lowercase().str.split(" ").list.last()
        ),
        on=["surname", "village_code", "birth_date"],
    )
    assert same_home.height >= twins.height * 0.9
    # Each record is written in its own style (capitals, title case): compare in lower case.
    lower = pl.col("name").str.to_lowercase().alias("lower")
    namesakes = registry.filter(pl.col("record_kind") == "namesake").with_columns(lower)
    elsewhere = namesakes.join(
        originals.with_columns(lower), on=["lower", "birth_date", "sex"], suffix="_o"
    ).filter(pl.col("village_code").str.slice(0, 5) != pl.col("village_code_o").str.slice(0, 5))
    assert elsewhere.select("person_id").n_unique() == namesakes.height


def test_the_new_batch(synthetic: SyntheticRegistry) -> None:
    new = synthetic.new
    assert new.height == 300
    assert new["person_id"].min() > synthetic.registry["person_id"].max()
    kinds = dict(new.group_by("record_kind").len().iter_rows())
    assert kinds["duplicate"] == 30 + 3  # a tenth of registry people, 1 % within the batch


def test_the_same_seed_gives_the_same_data() -> None:
    first = synthetic_registry(1_500, seed=4, n_new=100)
    again = synthetic_registry(1_500, seed=4, n_new=100)
    other = synthetic_registry(1_500, seed=5, n_new=100)
    assert first.registry.equals(again.registry)
    assert first.new.equals(again.new)
    assert not first.registry.equals(other.registry)


def test_exact_nik_alone_misses_most_changed_duplicates(synthetic: SyntheticRegistry) -> None:
    baseline = pair_scores(exact_nik_pairs(synthetic.registry), synthetic.registry)
    assert baseline.recall < 0.8
