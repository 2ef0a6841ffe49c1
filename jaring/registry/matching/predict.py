"""Score candidate pairs with a trained model: the whole registry, or a new batch against it.

Both functions return one row per pair at or above ``threshold``:

``person_id_l < person_id_r``, ``match_probability``, ``match_weight`` (log2 odds), and per
field of :data:`~jaring.registry.matching.settings.FIELDS` an ``evidence_<field>`` (stable
level key, e.g. ``"jw_92"``; Indonesian/English labels in
:data:`~jaring.registry.matching.settings.EVIDENCE_LABELS`) and a ``weight_<field>`` (that
level's log2 Bayes factor: positive pulls towards "same person"). The incremental variant adds
``pair_kind`` ("new_registry" or "new_new"). Pairs listed in ``exclusions``
(``person_id_l, person_id_r`` in either order — pairs a reviewer marked distinct) never come
back. When the input has a ``source`` column (which list or funder), ``source_l`` and
``source_r`` are added, for cross-funder flags. Rows are sorted by probability, highest first.
"""

from __future__ import annotations

import polars as pl

from jaring.registry.matching.errors import MatchingInputError, check_threshold
from jaring.registry.matching.model import MatchModel, duckdb_api, make_linker
from jaring.registry.matching.prepare import prepare_people
from jaring.registry.matching.settings import (
    BLOCKING_RULES,
    DEFAULT_THRESHOLD,
    FIELDS,
    MatchSettings,
)
from jaring.rules.messages import Message, gettext_noop

PAIR_COLUMNS = ["person_id_l", "person_id_r", "match_probability", "match_weight"]


def _ordered(pairs: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    lazy = pairs.lazy()
    return lazy.with_columns(
        person_id_l=pl.min_horizontal("person_id_l", "person_id_r").cast(pl.Int64),
        person_id_r=pl.max_horizontal("person_id_l", "person_id_r").cast(pl.Int64),
    )


def check_exclusions(exclusions: pl.DataFrame | None) -> pl.DataFrame | None:
    if exclusions is None:
        return None
    missing = {"person_id_l", "person_id_r"} - set(exclusions.columns)
    if missing:
        raise MatchingInputError(
            Message.of(
                gettext_noop("The {what} frame lacks the column(s): {columns}."),
                what=Message(gettext_noop("exclusions")),
                columns=", ".join(sorted(missing)),
            )
        )
    return _ordered(exclusions.select("person_id_l", "person_id_r")).unique().collect()


def drop_excluded(pairs: pl.DataFrame, exclusions: pl.DataFrame | None) -> pl.DataFrame:
    if exclusions is None or exclusions.is_empty():
        return pairs
    return pairs.join(
        exclusions, on=["person_id_l", "person_id_r"], how="anti", maintain_order="left"
    )


def _with_evidence(raw: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
    """Replace Splink's gamma columns by level keys and their weights."""
    weights = model.level_weights()
    out = _ordered(raw.select(*PAIR_COLUMNS, *[f"gamma_{f}" for f in FIELDS]))
    for field in FIELDS:
        lookup = weights.filter(pl.col("field") == field).select(
            pl.col("gamma").alias(f"gamma_{field}"),
            pl.col("key").alias(f"evidence_{field}"),
            pl.col("weight").alias(f"weight_{field}"),
        )
        out = out.with_columns(pl.col(f"gamma_{field}").cast(pl.Int64)).join(
            lookup.lazy(), on=f"gamma_{field}", how="left"
        )
    columns = [*PAIR_COLUMNS] + [c for f in FIELDS for c in (f"evidence_{f}", f"weight_{f}")]
    return (
        out.select(columns)
        .sort(["match_probability", "person_id_l", "person_id_r"], descending=[True, False, False])
        .collect()
    )


def _with_sources(pairs: pl.DataFrame, *people: pl.DataFrame) -> pl.DataFrame:
    """Add ``source_l``/``source_r`` (which list each record came from) when the input has it."""
    frames = [p.select("person_id", "source") for p in people if "source" in p.columns]
    if len(frames) != len(people):
        return pairs
    sources = pl.concat(frames).with_columns(pl.col("source").cast(pl.String))
    return pairs.join(
        sources.rename({"person_id": "person_id_l", "source": "source_l"}),
        on="person_id_l",
        how="left",
        maintain_order="left",
    ).join(
        sources.rename({"person_id": "person_id_r", "source": "source_r"}),
        on="person_id_r",
        how="left",
        maintain_order="left",
    )


def find_pairs(
    people: pl.DataFrame,
    *,
    model: MatchModel,
    threshold: float = DEFAULT_THRESHOLD,
    exclusions: pl.DataFrame | None = None,
    settings: MatchSettings | None = None,
) -> pl.DataFrame:
    """Every candidate pair within ``people`` (the whole registry) scored ≥ ``threshold``."""
    threshold = check_threshold(threshold)
    excluded = check_exclusions(exclusions)
    frame = prepare_people(people, what="registry")
    with duckdb_api(settings or MatchSettings()) as db_api:
        linker, _ = make_linker(db_api, frame, model.settings, "registry")
        predictions = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        raw = predictions.as_duckdbpyrelation().pl()
    return _with_sources(drop_excluded(_with_evidence(raw, model), excluded), people)


def find_pairs_incremental(
    new: pl.DataFrame,
    registry: pl.DataFrame,
    *,
    model: MatchModel,
    threshold: float = DEFAULT_THRESHOLD,
    exclusions: pl.DataFrame | None = None,
    settings: MatchSettings | None = None,
) -> pl.DataFrame:
    """Pairs new × registry and new × new scored ≥ ``threshold`` — never registry × registry.

    Same columns as :func:`find_pairs` plus ``pair_kind``.
    """
    threshold = check_threshold(threshold)
    excluded = check_exclusions(exclusions)
    new_frame = prepare_people(new, what="new")
    registry_frame = prepare_people(registry, what="registry")
    overlap = new_frame.join(registry_frame.select("person_id"), on="person_id", how="semi")
    if not overlap.is_empty():
        ids = ", ".join(str(i) for i in overlap["person_id"].head(5).to_list())
        raise MatchingInputError(
            Message.of(
                gettext_noop(
                    "{count} person_id(s) are both in the new batch and the registry (e.g. {ids})."
                ),
                count=overlap.height,
                ids=ids,
            )
        )
    with duckdb_api(settings or MatchSettings()) as db_api:
        linker, registry_sdf = make_linker(db_api, registry_frame, model.settings, "registry")
        new_sdf = db_api.register(new_frame.to_arrow(), table_name="new_batch")
        between = linker.inference.predict_between(
            new_sdf, registry_sdf, threshold_match_probability=threshold, warning_mode="never"
        )
        raw_between = between.as_duckdbpyrelation().pl()
        within = linker.inference.predict_within(
            new_sdf, threshold_match_probability=threshold, warning_mode="never"
        )
        raw_within = within.as_duckdbpyrelation().pl()
    parts = [
        _with_evidence(raw_between, model).with_columns(pair_kind=pl.lit("new_registry")),
        _with_evidence(raw_within, model).with_columns(pair_kind=pl.lit("new_new")),
    ]
    pairs = pl.concat(parts).sort(
        ["match_probability", "person_id_l", "person_id_r"], descending=[True, False, False]
    )
    return _with_sources(drop_excluded(pairs, excluded), new, registry)


def count_comparisons(
    people: pl.DataFrame, *, settings: MatchSettings | None = None
) -> dict[str, int]:
    """Pairs the blocking rules make on ``people``: per rule (new pairs only, in rule order)
    and ``"total"`` — the number of comparisons :func:`find_pairs` scores."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    frame = prepare_people(people, what="registry")
    with duckdb_api(settings or MatchSettings()) as db_api:
        sdf = db_api.register(frame.to_arrow(), table_name="registry")
        records = count_comparisons_from_blocking_rules(
            sdf,
            blocking_rules=list(BLOCKING_RULES),
            link_type="dedupe_only",
            unique_id_column_name="person_id",
            record_sample_proportion=1.0,
        )
    counts = {
        rule: int(r["marginal_comparison_count"])
        for rule, r in zip(BLOCKING_RULES, records, strict=True)
    }
    counts["total"] = int(records[-1]["cumulative_comparison_count"])
    return counts
