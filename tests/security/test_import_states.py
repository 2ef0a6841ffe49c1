"""Imports across regions, their audit and their states (issue 14, items 6, 7 and 8).

* A list naming a NIK registered in another kab/kota learns only "registered in another
  region" for its own row — not which region, not whether the data agree, no counts beyond its
  rows; the other region sees the list under a neutral label, not the importer's words.
* Every person an import updates is logged with the person's region, so a regional auditor
  sees it; a change of a user's role (what they may see unmasked) is logged too.
* A batch's status moves only from the state expected (compare-and-set): a committed batch is
  never run again; a second "save" queues nothing; a "different people" decision made while a
  matching run computes is honoured when the run stores its pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.services import acting_as
from jaring.registry import matching
from jaring.registry.imports.services import ImportRequestError, import_create, import_run
from jaring.registry.matching.services import match_run, people_distinct
from jaring.registry.models import (
    CandidateStatus,
    ImportBatch,
    ImportProblem,
    ImportRow,
    ImportStatus,
    MatchCandidate,
    OnExisting,
    Person,
)
from jaring.registry.tasks import import_enqueue
from jaring.synthetic.people import generate_people, write_clean_list

pytestmark = pytest.mark.django_db

KEDIRI, CILEGON = "35.71", "36.72"
SECRET_NAME = "Data PKL Pasar Bandar milik Pak Harun"


def _import(
    people: pl.DataFrame,
    tmp: Path,
    region: str,
    *,
    source: str,
    dry_run: bool = False,
    user: User | None = None,
    on_existing: OnExisting = OnExisting.UPDATE,
) -> ImportBatch:
    path = tmp / f"{region}-{source[:8]}-{people.height}.csv"
    write_clean_list(people, path)
    with path.open("rb") as handle:
        batch = import_create(
            source=handle,
            file_name=path.name,
            region_code=region,
            source_name=source,
            dry_run=dry_run,
            user=user,
            on_existing=on_existing,
        )
    import_run(batch.pk)
    batch.refresh_from_db()
    return batch


def _moved_to_kediri(cilegon: pl.DataFrame, n: int) -> pl.DataFrame:
    """``n`` people of Cilegon as a Kediri list names them: same NIK and name, a Kediri desa."""
    kediri = generate_people(n, regency=KEDIRI, seed=77)
    return cilegon.head(n).with_columns(
        village_code=kediri["village_code"],
        village_name=kediri["village_name"],
        kecamatan_name=kediri["kecamatan_name"],
    )


@pytest.fixture
def cilegon_list(tmp_path: Path) -> pl.DataFrame:
    people = generate_people(12, regency=CILEGON, seed=41)
    batch = _import(people, tmp_path, CILEGON, source="Daftar ojek Cilegon")
    assert batch.status == ImportStatus.COMMITTED and batch.created == 12
    return people


def test_a_list_learns_only_that_a_nik_is_registered_in_another_region(
    tmp_path: Path, cilegon_list: pl.DataFrame, make_user: Callable[..., User]
) -> None:
    kediri = make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,))
    own = generate_people(6, regency=KEDIRI, seed=78)
    listed = pl.concat([own, _moved_to_kediri(cilegon_list, 4)], how="diagonal_relaxed")
    batch = _import(listed, tmp_path, KEDIRI, source=SECRET_NAME, dry_run=True, user=kediri)
    assert (batch.status, batch.created, batch.conflicts) == ("checked", 6, 4)
    # Neither "unchanged" nor "updated" for someone else's person: only the neutral warning.
    assert (batch.unchanged, batch.updated) == (0, 0)
    problems = ImportProblem.objects.filter(batch=batch, code="NIK_IN_ANOTHER_REGION")
    assert problems.count() == 4
    client = Client()
    client.force_login(kediri)
    page = client.get(reverse("import-detail", args=[batch.pk])).content.decode()
    assert "NIK_IN_ANOTHER_REGION" in page
    for other in ("Cilegon", *cilegon_list["name"].head(4).to_list()):
        assert other not in page
    api = APIClient()
    api.force_authenticate(kediri)
    answer = api.get(f"/api/imports/{batch.pk}/problems/", {"code": "NIK_IN_ANOTHER_REGION"})
    text = answer.content.decode()
    assert answer.json()["count"] == 4 and "Cilegon" not in text and CILEGON not in text
    detail = api.get(f"/api/imports/{batch.pk}/").json()
    assert "Cilegon" not in str(detail) and detail["summary"]["conflicts"] == 4


def test_the_other_region_sees_the_list_under_a_neutral_label(
    tmp_path: Path, cilegon_list: pl.DataFrame, make_user: Callable[..., User]
) -> None:
    _import(
        _moved_to_kediri(cilegon_list, 3),
        tmp_path,
        KEDIRI,
        source=SECRET_NAME,
        on_existing=OnExisting.CONFLICT,
    )
    client = Client()
    client.force_login(make_user("cilegon", Role.REGENCY_ADMIN, (CILEGON,)))
    page = client.get(reverse("coverage-overlaps")).content.decode()
    assert page.count('data-testid="other-region-list"') == 3
    assert "Daftar ojek Cilegon" in page  # its own list, by its own name
    assert SECRET_NAME not in page


def test_people_updated_by_an_import_are_logged_with_their_region(
    tmp_path: Path, make_user: Callable[..., User]
) -> None:
    people = generate_people(5, regency=KEDIRI, seed=80)
    _import(people, tmp_path, KEDIRI, source="Pertama")
    changed = people.with_columns(address=pl.lit("Jl. Baru 1"))
    batch = _import(changed, tmp_path, KEDIRI, source="Kedua")
    assert batch.updated == 5
    entries = LogEntry.objects.filter(additional_data__import_batch=batch.pk)
    regions = set(Person.objects.values_list("region_id", flat=True))
    assert entries.count() == 5
    assert {e.additional_data["region"] for e in entries} <= regions
    client = Client()
    client.force_login(make_user("auditor", Role.AUDITOR, (KEDIRI,)))
    page = client.get(reverse("audit-log")).content.decode()
    assert page.count("Jl. Baru 1") == 5


def test_a_change_of_role_is_in_the_audit_trail(make_user: Callable[..., User]) -> None:
    user = make_user("budi", Role.AUDITOR, (KEDIRI,))
    admin = make_user("admin", Role.NATIONAL_ADMIN)
    with acting_as(admin):
        user.role = Role.REGENCY_ADMIN  # from masked identities to full NIKs
        user.save()
    entry = LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["role"] == [Role.AUDITOR.value, Role.REGENCY_ADMIN.value]
    assert entry.actor == admin


def test_a_committed_batch_never_runs_again(tmp_path: Path, make_user: Callable[..., User]) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,))
    batch = _import(
        generate_people(8, regency=KEDIRI, seed=81), tmp_path, KEDIRI, source="L", user=admin
    )
    assert (batch.status, batch.created) == ("committed", 8)
    with pytest.raises(ImportRequestError) as refused:
        import_run(batch.pk, commit=True)
    assert refused.value.code == "IMPORT_NOT_RUNNABLE"
    assert not import_enqueue(batch.pk, commit=True)
    client = Client()
    client.force_login(admin)
    client.post(reverse("import-commit", args=[batch.pk]))
    api = APIClient()
    api.force_authenticate(admin)
    assert api.post(f"/api/imports/{batch.pk}/commit/").status_code == 400
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("committed", 8)
    assert Person.objects.count() == 8 and ImportRow.objects.filter(batch=batch).count() == 8


def test_saving_twice_queues_one_run(
    tmp_path: Path, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_user("kediri", Role.REGENCY_ADMIN, (KEDIRI,))
    batch = _import(
        generate_people(8, regency=KEDIRI, seed=82),
        tmp_path,
        KEDIRI,
        source="L",
        dry_run=True,
        user=admin,
    )
    assert batch.status == "checked"
    runs: list[Any] = []
    from jaring.registry import tasks

    monkeypatch.setattr(tasks, "run_import", SimpleNamespace(enqueue=lambda *a: runs.append(a)))
    assert import_enqueue(batch.pk, commit=True, expected=(ImportStatus.CHECKED,))
    # The first click queued the run; the second finds the batch queued, not checked.
    assert not import_enqueue(batch.pk, commit=True, expected=(ImportStatus.CHECKED,))
    assert runs == [(batch.pk, True)]


def test_a_run_starts_only_from_a_state_a_run_may_start_from(
    tmp_path: Path, make_user: Callable[..., User]
) -> None:
    batch = _import(
        generate_people(4, regency=KEDIRI, seed=83), tmp_path, KEDIRI, source="L", dry_run=True
    )
    for running in (ImportStatus.CHECKING, ImportStatus.COMMITTING):
        ImportBatch.objects.filter(pk=batch.pk).update(status=running)
        with pytest.raises(ImportRequestError):
            import_run(batch.pk, commit=True)
        assert ImportBatch.objects.get(pk=batch.pk).status == running
    assert Person.objects.count() == 0


def test_a_decision_made_during_a_matching_run_is_honoured_at_its_end(
    duplicate_registry: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = matching.find_pairs
    decided: list[tuple[int, int]] = []

    def find_pairs_while_a_reviewer_decides(*args: Any, **kwargs: Any) -> pl.DataFrame:
        pairs = real(*args, **kwargs)
        low, high = int(pairs["person_id_l"][0]), int(pairs["person_id_r"][0])
        people_distinct(
            first=Person.objects.get(pk=low), second=Person.objects.get(pk=high), user=None
        )
        decided.append((low, high))
        return pairs

    monkeypatch.setattr(matching, "find_pairs", find_pairs_while_a_reviewer_decides)
    match_run(region_code=KEDIRI)
    (low, high) = decided[0]
    assert not MatchCandidate.objects.filter(
        person_low_id=low, person_high_id=high, status=CandidateStatus.OPEN
    ).exists()
    assert MatchCandidate.objects.filter(status=CandidateStatus.OPEN).exists()
