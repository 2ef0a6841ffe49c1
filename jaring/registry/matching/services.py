"""Finding and settling duplicates in the registry (the database side of matching).

The engine (:mod:`jaring.registry.matching`) scores pairs of people; this module feeds it the
registry, keeps its trained model, stores the pairs worth a reviewer's look as
:class:`MatchCandidate` rows, and carries out the reviewer's decisions:

- **merge** — the duplicate keeps its own record (status *merged*, pointing at the survivor);
  everything that pointed at it (the rows of the lists that mention it) now points at the
  survivor, marked with where it came from; nothing is overwritten, and the decision, the
  person's change and the moved rows are audited;
- **distinct** — remembered for the pair, so no later run proposes it again.

It also flags people covered twice — by lists of two kab/kota, or by two funders — which is
where double payment happens (:func:`coverage_overlaps`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from jaring.audit.services import acting_as
from jaring.core import bulk, crypto
from jaring.core.scoping import within_q
from jaring.regions.models import Region
from jaring.registry import matching
from jaring.registry.matching import DEFAULT_THRESHOLD, FIELDS, MatchSettings
from jaring.registry.matching.errors import check_threshold
from jaring.registry.matching.prepare import INPUT_SCHEMA
from jaring.registry.models import (
    CandidateStatus,
    DecisionKind,
    ImportBatch,
    ImportRow,
    ImportStatus,
    MatchCandidate,
    MatchDecision,
    MatchRun,
    MatchRunKind,
    Person,
    PersonStatus,
    RowAction,
)
from jaring.registry.models.people import NIK_SLOT, PHONE_SLOT
from jaring.registry.selectors import mentions_q
from jaring.registry.tallies import people_tally_kept
from jaring.rules.messages import Message, gettext_noop

logger = logging.getLogger("jaring.matching")

if TYPE_CHECKING:
    from jaring.accounts.models import User
    from jaring.registry.matching import MatchModel

#: Pairs at or above this probability go to the review queue; at or above the engine's
#: DEFAULT_THRESHOLD they are "likely duplicates" (ADR 0005) offered for bulk merging.
REVIEW_THRESHOLD = 0.5


class DecisionError(Exception):
    """A decision that cannot be taken; :attr:`message` says why, in the reader's language."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.render("id"))


# The decision kinds as the messages name them (the same msgids as DecisionKind's labels).
_DECISION_WORDS = {
    DecisionKind.MERGED: gettext_noop("Merged: one person"),
    DecisionKind.DISTINCT: gettext_noop("Different people"),
}


def model_path() -> Path:
    return Path(settings.VAR_DIR) / "matching" / "model.json"


def engine_settings(threshold: float) -> MatchSettings:
    # DuckDB gets the machine's two cores and a bound on memory (the 1M benchmark peaks ~3 GB).
    return MatchSettings(threshold=threshold, threads=2, memory_limit="6GB")


# --- the registry as the engine sees it ----------------------------------------------------------


def people_for_matching(people: QuerySet[Person]) -> pl.DataFrame:
    """person_id, nik, name, birth_date, sex, village_code, phone of ``people``, decrypted.

    NIK and phone are decrypted in memory only, for the engine; nothing decrypted is written.
    """
    rows = list(
        people.exclude(status=PersonStatus.MERGED)
        .order_by("id")
        .values_list("id", "nik_cipher", "name", "birth_date", "sex", "region_id", "phone_cipher")
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    return pl.DataFrame(
        {
            "person_id": list(columns[0]),
            "nik": crypto.decrypt_many(columns[1], slot=NIK_SLOT, rows=columns[0]),
            "name": list(columns[2]),
            "birth_date": list(columns[3]),
            "sex": list(columns[4]),
            "village_code": list(columns[5]),
            "phone": crypto.decrypt_many(columns[6], slot=PHONE_SLOT, rows=columns[0]),
        },
        schema={k: v for k, v in INPUT_SCHEMA.items() if k != "source"},
    )


def distinct_pairs() -> pl.DataFrame:
    """Pairs reviewers marked as different people: the engine never proposes them again."""
    rows = MatchDecision.objects.filter(kind=DecisionKind.DISTINCT).values_list(
        "person_low_id", "person_high_id"
    )
    return pl.DataFrame(
        list(rows), schema={"person_id_l": pl.Int64, "person_id_r": pl.Int64}, orient="row"
    )


def trained_model(people: pl.DataFrame, *, retrain: bool, seed: int = 1) -> tuple[MatchModel, bool]:
    """The saved model, or one trained on ``people`` (and saved) when there is none — or when
    the saved one was trained for other comparisons (an older version of Jaring): such a model
    is never used, it is trained again."""
    path = model_path()
    if path.exists() and not retrain:
        try:
            return matching.MatchModel.load(path), False
        except matching.ModelFileError:
            logger.warning("matching model %s is for other comparisons: training it again", path)
    model = matching.train_model(people, seed=seed, settings=engine_settings(DEFAULT_THRESHOLD))
    path.parent.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return model, True


# --- runs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchSummary:
    run: int
    people_compared: int
    candidate_pairs: int
    likely_duplicates: int
    clusters: int
    seconds: float
    trained: bool
    threshold: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _undecided(pairs: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` without those decided since the run read its exclusions, nor those whose
    person was merged meanwhile: a run computes for minutes, and a reviewer's "different
    people" (or a merge) made during it is honoured at its end (issue 14). Called in the
    storing transaction after the decisions table is locked, so none can slip in between."""
    if pairs.is_empty():
        return pairs
    bulk.lock_table(MatchDecision)
    decided = pl.DataFrame(
        list(MatchDecision.objects.values_list("person_low_id", "person_high_id")),
        schema={"person_id_l": pl.Int64, "person_id_r": pl.Int64},
        orient="row",
    )
    gone = list(Person.objects.filter(status=PersonStatus.MERGED).values_list("pk", flat=True))
    return pairs.join(decided, on=["person_id_l", "person_id_r"], how="anti").filter(
        ~pl.col("person_id_l").is_in(gone) & ~pl.col("person_id_r").is_in(gone)
    )


def _store(run: MatchRun, pairs: pl.DataFrame) -> tuple[int, int]:
    """Save ``pairs`` as open candidates of ``run`` with their clusters; returns
    (pairs, clusters)."""
    pairs = _undecided(pairs)
    clusters = matching.cluster_pairs(pairs, threshold=DEFAULT_THRESHOLD) if pairs.height else None
    frame = pairs.select(
        pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
        pl.col("person_id_l").alias("person_low_id"),
        pl.col("person_id_r").alias("person_high_id"),
        pl.col("match_probability").alias("probability"),
        pl.col("match_weight"),
        *[pl.col(f"evidence_{f}").fill_null("missing") for f in FIELDS],
        *[pl.col(f"weight_{f}").fill_null(0.0) for f in FIELDS],
        pl.lit(CandidateStatus.OPEN.value).alias("status"),
    )
    if clusters is not None and clusters.height:
        frame = frame.join(
            clusters.rename({"person_id": "person_low_id", "cluster_id": "cluster"}),
            on="person_low_id",
            how="left",
        )
    first = bulk.reserve_ids(MatchCandidate, frame.height)
    frame = frame.with_columns(pl.int_range(first, first + frame.height).alias("id"))
    bulk.copy_frame(MatchCandidate, frame)
    return frame.height, (clusters["cluster_id"].n_unique() if clusters is not None else 0)


def _finish(
    run: MatchRun, people: int, pairs: pl.DataFrame, started: float, trained: bool
) -> MatchSummary:
    stored, clusters = _store(run, pairs)
    likely = int((pairs["match_probability"] >= DEFAULT_THRESHOLD).sum()) if pairs.height else 0
    run.people_compared, run.candidate_pairs, run.clusters = people, stored, clusters
    run.seconds, run.trained = round(time.perf_counter() - started, 2), trained
    run.save()
    return MatchSummary(
        run=run.pk,
        people_compared=people,
        candidate_pairs=stored,
        likely_duplicates=likely,
        clusters=clusters,
        seconds=run.seconds,
        trained=trained,
        threshold=run.threshold,
    )


def match_run(
    *,
    region_code: str | None = None,
    threshold: float = REVIEW_THRESHOLD,
    retrain: bool = False,
    user: User | None = None,
) -> MatchSummary:
    """Compare every registered person of a region (or the country) with every other.

    Open candidates of earlier runs in the region are replaced; decided pairs stay decided.
    Raises :class:`~jaring.registry.matching.MatchingError` (too few people to train, a
    threshold outside 0–1) before anything is written.
    """
    started = time.perf_counter()
    threshold = check_threshold(threshold)
    region = Region.objects.get(code=region_code) if region_code else None
    scope = Person.objects.all()
    if region is not None:
        scope = scope.filter(within_q("region", [region.code]))
    people = people_for_matching(scope)
    model, trained = trained_model(people, retrain=retrain)
    pairs = matching.find_pairs(
        people,
        model=model,
        threshold=threshold,
        exclusions=distinct_pairs(),
        settings=engine_settings(threshold),
    )
    with transaction.atomic():
        open_candidates = MatchCandidate.objects.filter(status=CandidateStatus.OPEN)
        if region is not None:
            open_candidates = open_candidates.filter(
                within_q("person_low__region", [region.code]),
                within_q("person_high__region", [region.code]),
            )
        open_candidates.update(status=CandidateStatus.SUPERSEDED)
        run = MatchRun.objects.create(
            kind=MatchRunKind.FULL, region=region, threshold=threshold, created_by=user
        )
        return _finish(run, people.height, pairs, started, trained)


def match_batch(batch: ImportBatch, *, threshold: float = REVIEW_THRESHOLD) -> MatchSummary | None:
    """Match the people a committed import created or updated against the rest of the registry
    (incremental: not the registry against itself). None when no model has been trained yet."""
    if batch.status != ImportStatus.COMMITTED or not model_path().exists():
        return None
    started = time.perf_counter()
    touched = ImportRow.objects.filter(
        batch=batch, action__in=[RowAction.CREATED, RowAction.UPDATED]
    ).values("person_id")
    new = people_for_matching(Person.objects.filter(pk__in=touched))
    registry = people_for_matching(Person.objects.exclude(pk__in=touched))
    try:
        model = matching.MatchModel.load(model_path())
    except matching.ModelFileError:
        # Trained for other comparisons: the next full run trains it again; until then an
        # import is not matched rather than matched with the wrong weights.
        logger.warning("matching model %s is for other comparisons: not used", model_path())
        return None
    pairs = matching.find_pairs_incremental(
        new,
        registry,
        model=model,
        threshold=threshold,
        exclusions=distinct_pairs(),
        settings=engine_settings(threshold),
    ).drop("pair_kind")
    with transaction.atomic():
        run = MatchRun.objects.create(
            kind=MatchRunKind.INCREMENTAL, region=batch.region, batch=batch, threshold=threshold
        )
        return _finish(run, new.height, pairs, started, trained=False)


# --- decisions ------------------------------------------------------------------------------------


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _check_undecided(low: int, high: int) -> None:
    earlier = MatchDecision.objects.filter(person_low_id=low, person_high_id=high).first()
    if earlier is not None:
        by = Message(gettext_noop("the system"))
        raise DecisionError(
            Message.of(
                gettext_noop(
                    "This pair was already decided ({kind}) by {by} on {on}; nothing was changed."
                ),
                kind=Message(_DECISION_WORDS[DecisionKind(earlier.kind)]),
                by=str(earlier.decided_by) if earlier.decided_by else by,
                on=f"{earlier.decided_at:%d-%m-%Y}",
            )
        )


def people_merge(
    *,
    survivor: Person,
    duplicate: Person,
    user: User | None,
    candidate: MatchCandidate | None = None,
    note: str = "",
) -> MatchDecision:
    """Merge ``duplicate`` into ``survivor`` (both records kept; see the module docstring)."""
    if survivor.pk == duplicate.pk:
        raise DecisionError(Message(gettext_noop("A person cannot be merged with themselves.")))
    low, high = _pair(survivor.pk, duplicate.pk)
    with transaction.atomic(), acting_as(user):
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[low, high])}
        _check_undecided(low, high)
        if any(p.status == PersonStatus.MERGED for p in locked.values()):
            raise DecisionError(
                Message(
                    gettext_noop(
                        "One of the two has already been merged into another record; match again."
                    )
                )
            )
        duplicate = locked[duplicate.pk]
        duplicate.status = PersonStatus.MERGED
        duplicate.merged_into = survivor
        # The tally counts the duplicate up to the month before the merge (the survivor from
        # its own first month): past months keep their count.
        duplicate.status_date = timezone.localdate()
        with people_tally_kept([duplicate.pk]):
            duplicate.save(
                update_fields=["status", "merged_into", "status_date", "updated_at"]
            )  # audited
        # Its own rows and those of duplicates merged into it before move to the survivor…
        earlier = list(Person.objects.filter(merged_into=duplicate))
        moved = ImportRow.objects.filter(mentions_q([duplicate, *earlier])).update(
            person=survivor, merged_from=duplicate
        )
        # …and earlier merges into the duplicate now lead straight to the survivor.
        Person.objects.filter(merged_into=duplicate).update(merged_into=survivor)
        decision = MatchDecision.objects.create(
            person_low_id=low,
            person_high_id=high,
            kind=DecisionKind.MERGED,
            survivor=survivor,
            rows_moved=moved,
            probability=candidate.probability if candidate else None,
            note=note,
            decided_by=user,
        )
        _settle_candidates(low, high, decision, CandidateStatus.MERGED)
        # Other open pairs of the merged record speak of a record that no longer stands alone.
        MatchCandidate.objects.filter(status=CandidateStatus.OPEN).filter(
            Q(person_low=duplicate) | Q(person_high=duplicate)
        ).update(status=CandidateStatus.SUPERSEDED)
    return decision


def candidate_merge(
    candidate: MatchCandidate, *, survivor_id: int, user: User | None, note: str = ""
) -> MatchDecision:
    """Merge the two people of ``candidate``, keeping ``survivor_id`` (one of the pair)."""
    pair = {
        candidate.person_low_id: candidate.person_low,
        candidate.person_high_id: candidate.person_high,
    }
    if survivor_id not in pair:
        raise DecisionError(Message(gettext_noop("The record to keep must be one of the pair.")))
    (duplicate,) = (p for pid, p in pair.items() if pid != survivor_id)
    return people_merge(
        survivor=pair[survivor_id], duplicate=duplicate, user=user, candidate=candidate, note=note
    )


def people_distinct(
    *,
    first: Person,
    second: Person,
    user: User | None,
    candidate: MatchCandidate | None = None,
    note: str = "",
) -> MatchDecision:
    """Record that two people are different; the pair will not be proposed again."""
    low, high = _pair(first.pk, second.pk)
    with transaction.atomic(), acting_as(user):
        _check_undecided(low, high)
        decision = MatchDecision.objects.create(
            person_low_id=low,
            person_high_id=high,
            kind=DecisionKind.DISTINCT,
            probability=candidate.probability if candidate else None,
            note=note,
            decided_by=user,
        )
        _settle_candidates(low, high, decision, CandidateStatus.DISTINCT)
    return decision


def _settle_candidates(low: int, high: int, decision: MatchDecision, status: str) -> None:
    MatchCandidate.objects.filter(
        person_low_id=low, person_high_id=high, status=CandidateStatus.OPEN
    ).update(status=status, decision=decision)


#: Evidence a bulk merge never overrides: birth dates a year or more apart or otherwise
#: different (not a known typo), another sex.
CONTRADICTING = Q(evidence_birth_date__in=["years_apart", "different"]) | Q(
    evidence_sex="different"
)


def candidates_merge_likely(
    candidates: QuerySet[MatchCandidate], *, user: User | None, min_probability: float
) -> int:
    """Bulk decision: merge every open pair at or above ``min_probability`` with no
    contradicting evidence (:data:`CONTRADICTING`: birth dates that differ beyond a typo, another
    sex — such a pair waits for a person even when its score is high), the older record (lower
    id) surviving. Pairs whose people were merged meanwhile are skipped. Returns the number of
    merges."""
    check_threshold(min_probability)
    merged = 0
    for candidate in (
        candidates.filter(status=CandidateStatus.OPEN, probability__gte=min_probability)
        .exclude(CONTRADICTING)
        .select_related("person_low", "person_high")
        .order_by("-probability", "id")
    ):
        candidate.refresh_from_db(fields=["status"])
        if candidate.status != CandidateStatus.OPEN:
            continue
        try:
            people_merge(
                survivor=candidate.person_low,
                duplicate=candidate.person_high,
                user=user,
                candidate=candidate,
                note="keputusan massal",
            )
        except DecisionError:
            continue
        merged += 1
    return merged


# --- covered twice --------------------------------------------------------------------------------


def coverage_overlaps(people: QuerySet[Person]) -> QuerySet[Person]:
    """People listed by more than one kab/kota, or paid for by more than one funder.

    Coverage today is the committed lists that mention a person (after merges, a duplicate's
    rows count for the survivor); when programme memberships exist, they join here as another
    kind of coverage record.
    """
    listed = Q(
        import_rows__batch__status=ImportStatus.COMMITTED,
        import_rows__action__in=[
            RowAction.CREATED,
            RowAction.UPDATED,
            RowAction.UNCHANGED,
            RowAction.SKIPPED,
            RowAction.CONFLICT,
            RowAction.DUPLICATE,
        ],
    )
    return (
        people.annotate(
            regencies=Count(
                Substr("import_rows__batch__region_id", 1, 5), filter=listed, distinct=True
            ),
            funders=Count(
                "import_rows__batch__funder",
                filter=listed & ~Q(import_rows__batch__funder=""),
                distinct=True,
            ),
        )
        .filter(Q(regencies__gt=1) | Q(funders__gt=1))
        .order_by("name_normalized", "id")
    )
