"""A kab/kota admin reviews probable duplicates: merges one pair, marks another as two
different people — which does not come back when matching runs again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from auditlog.models import LogEntry
from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.matching.services import match_run
from jaring.registry.models import (
    CandidateStatus,
    ImportRow,
    MatchCandidate,
    MatchDecision,
    Person,
    PersonStatus,
)


def test_merge_one_pair_mark_another_distinct_and_it_stays_decided(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    duplicate_registry: dict[str, pl.DataFrame],
) -> None:
    match_run(region_code="35.71")
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    page = sign_in(admin)
    page.get_by_role("link", name="Duplikat", exact=True).click()
    queue = page.get_by_test_id("duplicate-queue")
    open_before = MatchCandidate.objects.filter(status=CandidateStatus.OPEN).count()
    expect(queue.locator("tbody tr")).to_have_count(min(open_before, 50))

    # The first pair: merge, keeping the older record.
    first_row = queue.locator("tbody tr").first
    low, high = (int(x) for x in first_row.get_attribute("data-pair").split("-"))
    first_row.get_by_role("link", name="Tinjau").click()
    expect(page.get_by_test_id("pair-compare")).to_contain_text("NIK")
    page.get_by_test_id("merge-button").click()
    expect(page.locator(".alert-success")).to_contain_text("Digabung")

    # The next pair: two different people (twins, say).
    second_row = page.get_by_test_id("duplicate-queue").locator("tbody tr").first
    other = tuple(int(x) for x in second_row.get_attribute("data-pair").split("-"))
    assert other != (low, high)
    second_row.get_by_role("link", name="Tinjau").click()
    page.get_by_test_id("distinct-form").get_by_placeholder("Catatan").fill("kembar")
    page.get_by_test_id("distinct-button").click()
    expect(page.locator(".alert-success")).to_contain_text("dua orang berbeda")

    # Both source records kept: the duplicate stands, pointing at the survivor, and the list
    # row that named it moved along; the change is in the audit trail.
    duplicate = Person.objects.get(pk=high)
    assert (duplicate.status, duplicate.merged_into_id) == (PersonStatus.MERGED, low)
    moved = ImportRow.objects.get(merged_from_id=high)
    assert moved.person_id == low
    assert LogEntry.objects.get_for_object(duplicate).filter(actor=admin).exists()
    decision = MatchDecision.objects.get(kind="distinct")
    assert (decision.person_low_id, decision.person_high_id, decision.note) == (*other, "kembar")

    # Matching again proposes neither pair.
    match_run(region_code="35.71")
    page.get_by_role("link", name="Duplikat", exact=True).click()
    pairs = {
        row.get_attribute("data-pair")
        for row in page.get_by_test_id("duplicate-queue").locator("tbody tr").all()
    }
    assert f"{other[0]}-{other[1]}" not in pairs
    assert f"{low}-{high}" not in pairs
    assert not MatchCandidate.objects.filter(
        status=CandidateStatus.OPEN, person_low_id=other[0], person_high_id=other[1]
    ).exists()
