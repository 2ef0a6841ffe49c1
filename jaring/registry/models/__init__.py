"""Models of the registry, one module per concern; import them from here."""

from jaring.registry.models.imports import (
    ImportBatch,
    ImportProblem,
    ImportRow,
    ImportStatus,
    OnExisting,
    RowAction,
    RowState,
    SourceMapping,
)
from jaring.registry.models.matching import (
    CandidateStatus,
    DecisionKind,
    MatchCandidate,
    MatchDecision,
    MatchRun,
    MatchRunKind,
)
from jaring.registry.models.people import (
    OccupationCategory,
    OccupationMatch,
    OccupationSynonym,
    Person,
    PersonStatus,
    Sex,
    StatusReason,
)
from jaring.registry.models.tallies import PeopleTally

__all__ = [
    "CandidateStatus",
    "DecisionKind",
    "ImportBatch",
    "ImportProblem",
    "ImportRow",
    "ImportStatus",
    "MatchCandidate",
    "MatchDecision",
    "MatchRun",
    "MatchRunKind",
    "OccupationCategory",
    "OccupationMatch",
    "OccupationSynonym",
    "OnExisting",
    "PeopleTally",
    "Person",
    "PersonStatus",
    "RowAction",
    "RowState",
    "Sex",
    "SourceMapping",
    "StatusReason",
]
