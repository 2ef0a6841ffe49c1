"""Occupations of pekerja rentan: the taxonomy (data) and the free-text classifier."""

from jaring.registry.occupations.classifier import (
    FUZZY_CUTOFF,
    FUZZY_MARGIN,
    OccupationResult,
    classify_occupation,
    classify_occupations,
    normalize_occupation,
    rule_codes,
    synonym_key,
)
from jaring.registry.occupations.taxonomy import (
    CATEGORY_BY_CODE,
    EXCLUDED,
    TAXONOMY,
    TRANSPORT_CODES,
    CategorySpec,
)

__all__ = [
    "CATEGORY_BY_CODE",
    "EXCLUDED",
    "FUZZY_CUTOFF",
    "FUZZY_MARGIN",
    "TAXONOMY",
    "TRANSPORT_CODES",
    "CategorySpec",
    "OccupationResult",
    "classify_occupation",
    "classify_occupations",
    "normalize_occupation",
    "rule_codes",
    "synonym_key",
]
