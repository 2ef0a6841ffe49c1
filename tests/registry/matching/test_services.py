"""Duplicates end to end: matching the registry, the review queue, merge and distinct."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.matching.model import FINGERPRINT_KEY
from jaring.registry.matching.services import (
    DecisionError,
    coverage_overlaps,
    match_run,
    model_path,
    people_distinct,
    people_for_matching,
    people_merge,
)
from jaring.registry.models import (
    CandidateStatus,
    ImportRow,
    MatchCandidate,
    MatchDecision,
    Person,
    PersonStatus,
)
from jaring.registry.selectors import person_source_rows

pytestmark = pytest.mark.django_db


def test_match_run_puts_the_duplicates_in_the_queue(
    duplicate_registry: dict[str, pl.DataFrame],
) -> None:
    summary = match_run(region_code="35.71")
    assert summary.people_compared == 1240
    pairs = set(
        MatchCandidate.objects.filter(status=CandidateStatus.OPEN).values_list(
            "person_low_id", "person_high_id"
        )
    )
    expected = set(
        zip(
            duplicate_registry["originals"]["id"].to_list(),
            duplicate_registry["second"]["id"].to_list(),
            strict=True,
        )
    )
    found = expected & pairs
    assert len(found) >= 38  # recall on these easy duplicates
    assert summary.candidate_pairs == len(pairs) and summary.likely_duplicates >= 38
    candidate = (
        MatchCandidate.objects.filter(status=CandidateStatus.OPEN).order_by("-probability").first()
    )
    assert candidate.evidence_name and candidate.weight_nik != 0


def test_merge_keeps_both_records_moves_the_list_rows_and_is_audited(
    duplicate_registry: dict[str, pl.DataFrame], make_user: Callable[..., User]
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    survivor = Person.objects.get(pk=duplicate_registry["originals"]["id"][0])
    duplicate = Person.objects.get(pk=duplicate_registry["second"]["id"][0])
    survivor_name, duplicate_name = survivor.name, duplicate.name

    decision = people_merge(survivor=survivor, duplicate=duplicate, user=admin)

    duplicate.refresh_from_db()
    survivor.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (PersonStatus.MERGED, survivor.pk)
    assert (survivor.name, duplicate.name) == (survivor_name, duplicate_name)  # nothing overwritten
    rows = ImportRow.objects.filter(person=survivor).order_by("batch_id")
    assert [r.batch.source_name for r in rows] == ["SK 2024", "Daftar kader"]
    assert rows[1].merged_from_id == duplicate.pk
    assert decision.rows_moved == 1 and decision.decided_by == admin
    history = person_source_rows(admin, survivor)
    assert [r.batch.source_name for r in history] == ["SK 2024", "Daftar kader"]
    change = LogEntry.objects.get_for_object(duplicate).get(action=LogEntry.Action.UPDATE)
    assert change.actor == admin and change.changes_dict["status"] == ["registered", "merged"]
    assert LogEntry.objects.get_for_object(decision).exists()


def test_a_distinct_pair_never_comes_back_and_cannot_then_be_merged(
    duplicate_registry: dict[str, pl.DataFrame], make_user: Callable[..., User]
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    first = Person.objects.get(pk=duplicate_registry["originals"]["id"][1])
    second = Person.objects.get(pk=duplicate_registry["second"]["id"][1])
    people_distinct(first=first, second=second, user=admin, note="kembar")

    match_run(region_code="35.71")
    pair = (min(first.pk, second.pk), max(first.pk, second.pk))
    assert not MatchCandidate.objects.filter(person_low_id=pair[0], person_high_id=pair[1]).exists()

    with pytest.raises(DecisionError, match="sudah diputuskan"):
        people_merge(survivor=first, duplicate=second, user=admin)
    second.refresh_from_db()
    assert second.status == PersonStatus.REGISTERED and MatchDecision.objects.count() == 1


def test_people_for_matching_decrypts_only_in_memory(
    duplicate_registry: dict[str, pl.DataFrame],
) -> None:
    frame = people_for_matching(
        Person.objects.filter(pk__in=duplicate_registry["main"]["id"].head(3).to_list())
    )
    assert frame["nik"].to_list() == duplicate_registry["main"]["nik"].head(3).to_list()


def test_cli_match_summary_and_bad_input(duplicate_registry: dict[str, pl.DataFrame]) -> None:
    out = io.StringIO()
    call_command("match", "--region", "35.71", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert {"people_compared", "candidate_pairs", "clusters", "seconds"} <= set(summary)
    with pytest.raises(CommandError, match="antara 0 dan 1"):
        call_command("match", "--threshold", "1.5")
    with pytest.raises(CommandError, match="antara 0 dan 1"):
        call_command("match", "--threshold", "banyak")
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("match", "--region", "99.99")


def test_a_saved_model_for_other_comparisons_is_trained_again(
    duplicate_registry: dict[str, pl.DataFrame],
) -> None:
    """A model saved by an older version (before the comparisons changed) is never used: a
    full run trains it again and saves it."""
    path = model_path()
    kept = path.read_text(encoding="utf-8")
    try:
        old = json.loads(kept)
        old.pop(FINGERPRINT_KEY)
        path.write_text(json.dumps(old), encoding="utf-8")
        summary = match_run(region_code="35.71")
        assert summary.trained
        assert json.loads(path.read_text(encoding="utf-8"))[FINGERPRINT_KEY]
    finally:
        path.write_text(kept, encoding="utf-8")


def test_a_registry_too_small_to_train_on_is_refused(
    trained_model_file: None, add_people: Callable[..., pl.DataFrame]
) -> None:
    add_people(50, "35.71", seed=3)
    with pytest.raises(CommandError, match="paling sedikit"):
        call_command("match", "--retrain")
    assert MatchCandidate.objects.count() == 0


def test_people_covered_by_two_funders_are_flagged(
    duplicate_registry: dict[str, pl.DataFrame],
) -> None:
    survivor = Person.objects.get(pk=duplicate_registry["originals"]["id"][2])
    duplicate = Person.objects.get(pk=duplicate_registry["second"]["id"][2])
    assert not coverage_overlaps(Person.objects.all()).filter(pk=survivor.pk).exists()
    people_merge(survivor=survivor, duplicate=duplicate, user=None)
    flagged = coverage_overlaps(Person.objects.all())
    assert list(flagged.values_list("pk", flat=True)) == [survivor.pk]
    assert flagged.get().funders == 2 and flagged.get().regencies == 1  # APBD and CSR


def test_review_pages_and_api_are_scoped_and_decide(
    duplicate_registry: dict[str, pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    match_run(region_code="35.71")
    kediri = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    cilegon_user = make_user("cilegon", Role.REGENCY_ADMIN, ("36.72",))
    queue = kediri.get(reverse("duplicate-queue"))
    assert queue.status_code == 200 and queue.context["page"].paginator.count >= 38
    assert login(cilegon_user).get(reverse("duplicate-queue")).context["page"].paginator.count == 0

    candidate = (
        MatchCandidate.objects.filter(status=CandidateStatus.OPEN).order_by("-probability").first()
    )
    assert (
        login(cilegon_user).get(reverse("duplicate-detail", args=[candidate.pk])).status_code == 404
    )
    page = kediri.get(reverse("duplicate-detail", args=[candidate.pk]))
    assert page.status_code == 200 and len(page.context["evidence"]) == 6
    kediri.post(
        reverse("duplicate-decide", args=[candidate.pk]), {"decision": "distinct", "note": "beda"}
    )
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.DISTINCT

    api = APIClient()
    api.force_authenticate(User.objects.get(username="kediri"))
    listed = api.get("/api/duplicates/").json()
    assert listed["count"] >= 1 and set(listed["results"][0]["evidence"]) == {
        "name",
        "birth_date",
        "nik",
        "sex",
        "village",
        "phone",
    }
    target = listed["results"][0]
    merged = api.post(f"/api/duplicates/{target['id']}/merge/", {"survivor": target["person_low"]})
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    again = api.post(f"/api/duplicates/{target['id']}/distinct/", {})
    assert again.status_code == 400 and "sudah diputuskan" in again.json()["detail"]
    viewer = APIClient()
    viewer.force_authenticate(make_user("bpjs", Role.BPJS_VIEWER, ("35.71",)))
    assert viewer.get("/api/duplicates/").status_code == 403


def test_every_evidence_key_of_the_engine_fits_its_column() -> None:
    from jaring.registry.matching import EVIDENCE_LABELS, FIELDS

    for field in FIELDS:
        limit = MatchCandidate._meta.get_field(f"evidence_{field}").max_length
        keys = [key for (f, key) in EVIDENCE_LABELS if f == field]
        assert keys and max(len(k) for k in keys) <= limit, field
