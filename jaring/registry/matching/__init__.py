"""Matching: find the same worker twice in the registry, and settle what a reviewer decides.

The engine (:mod:`.prepare`, :mod:`.model`, :mod:`.predict`, :mod:`.cluster`, :mod:`.settings`,
:mod:`.errors`) works on polars frames and touches no database; :mod:`.services` is its database
side (feeding it the registry, storing candidate pairs, merging and keeping apart), and
:mod:`.views` and :mod:`.api` are the duplicate review pages and API.

Exact NIK catches only part of the duplicates; this engine scores candidate pairs with a
Fellegi–Sunter model (Splink 5, DuckDB backend) over name, birth date, NIK, sex, desa and phone,
trained once on the registry without labels and saved as Splink's settings JSON.

    model = train_model(registry, seed=1)            # unsupervised; deterministic for a seed
    model.save("var/matching/model.json")            # MatchModel.load(path) reads it back
    pairs = find_pairs(registry, model=model)        # whole registry against itself
    new_pairs = find_pairs_incremental(batch, registry, model=model)   # batch × registry only
    clusters = cluster_pairs(pairs, threshold=DEFAULT_THRESHOLD, exclusions=distinct)

Defaults (all in :mod:`jaring.registry.matching.settings`): threshold
:data:`DEFAULT_THRESHOLD` (match probability), comparisons :data:`COMPARISONS`, blocking rules
:data:`BLOCKING_RULES`, at least :data:`MIN_TRAINING_RECORDS` people to train. Why these, and the
measured quality and speed: docs/adr/0005-matching-engine-splink.md and docs/benchmarks.md.

Bad input raises a :class:`MatchingError` subclass (its ``message`` is rendered in the reader's
language) before any work is done: :class:`MatchingInputError`, :class:`TooFewRecordsError`,
:class:`ThresholdError`, :class:`ModelFileError`.
"""

from typing import TYPE_CHECKING, Any

# Light modules (no Splink) load at once; the model, prediction and clustering — which import
# Splink and DuckDB, about a second — load when first used, so commands and pages that only
# show evidence labels start fast.
from jaring.registry.matching.errors import (
    MatchingError,
    MatchingInputError,
    ModelFileError,
    ThresholdError,
    TooFewRecordsError,
)
from jaring.registry.matching.settings import (
    BLOCKING_RULES,
    COMPARISONS,
    DEFAULT_THRESHOLD,
    EVIDENCE_LABELS,
    FIELDS,
    MIN_TRAINING_RECORDS,
    MatchSettings,
)

if TYPE_CHECKING:
    from jaring.registry.matching.cluster import cluster_pairs
    from jaring.registry.matching.model import MatchModel, train_model
    from jaring.registry.matching.predict import find_pairs, find_pairs_incremental

_LAZY = {
    "cluster_pairs": "jaring.registry.matching.cluster",
    "MatchModel": "jaring.registry.matching.model",
    "train_model": "jaring.registry.matching.model",
    "find_pairs": "jaring.registry.matching.predict",
    "find_pairs_incremental": "jaring.registry.matching.predict",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)


__all__ = [
    "BLOCKING_RULES",
    "COMPARISONS",
    "DEFAULT_THRESHOLD",
    "EVIDENCE_LABELS",
    "FIELDS",
    "MIN_TRAINING_RECORDS",
    "MatchModel",
    "MatchSettings",
    "MatchingError",
    "MatchingInputError",
    "ModelFileError",
    "ThresholdError",
    "TooFewRecordsError",
    "cluster_pairs",
    "find_pairs",
    "find_pairs_incremental",
    "train_model",
]
