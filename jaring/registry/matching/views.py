"""Pages of the duplicate review: the queue, one pair side by side, and people covered twice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jaring.accounts.permissions import capability_required, signed_in_user
from jaring.core.messages import shown
from jaring.core.scoping import region_in_scope
from jaring.registry.matching import DEFAULT_THRESHOLD, EVIDENCE_LABELS, FIELDS
from jaring.registry.matching.services import (
    DecisionError,
    candidate_merge,
    candidates_merge_likely,
    coverage_overlaps,
    people_distinct,
)
from jaring.registry.models import CandidateStatus, ImportRow, MatchCandidate, Person
from jaring.registry.selectors import mentions_q, people_visible, person_source_rows
from jaring.registry.tasks import match_enqueue

FIELD_NAMES = {
    "name": gettext_lazy("Name"),
    "birth_date": gettext_lazy("Date of birth"),
    "nik": gettext_lazy("NIK"),
    "sex": gettext_lazy("Sex"),
    "village": gettext_lazy("Village"),
    "phone": gettext_lazy("Mobile number"),
}


def candidates_visible(request: HttpRequest) -> Any:
    return MatchCandidate.objects.restrict(request.user).select_related(
        "person_low__region", "person_high__region", "decision__decided_by"
    )


@dataclass(frozen=True)
class Evidence:
    field: str
    label: str
    level: str
    weight: float


def evidence_of(candidate: MatchCandidate) -> list[Evidence]:
    rows = []
    for field in FIELDS:
        key = getattr(candidate, f"evidence_{field}")
        label = EVIDENCE_LABELS.get((field, key))
        rows.append(
            Evidence(
                field=field,
                label=str(FIELD_NAMES.get(field, field)),
                level=shown(label) if label else key,
                weight=getattr(candidate, f"weight_{field}"),
            )
        )
    return rows


@capability_required("review_matches")
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CandidateStatus.OPEN)
    candidates = candidates_visible(request).filter(status=status)
    try:
        floor = float(request.GET.get("min", "0") or 0)
    except ValueError:
        floor = 0.0
    if floor > 1:  # the page asks in percent ("90"); a share ("0.9") is read as it is
        floor = floor / 100
    if floor:
        candidates = candidates.filter(probability__gte=floor)
    page = Paginator(candidates.order_by("-probability", "id"), 50).get_page(
        request.GET.get("page")
    )
    likely = candidates_visible(request).filter(
        status=CandidateStatus.OPEN, probability__gte=DEFAULT_THRESHOLD
    )
    return render(
        request,
        "registry/duplicates/queue.html",
        {
            "page": page,
            "rows": [(c, evidence_of(c)) for c in page],
            "status": status,
            "statuses": CandidateStatus.choices,
            "floor": floor,
            "floor_percent": round(floor * 100) if floor else "",
            "likely": likely.count(),
            "threshold": DEFAULT_THRESHOLD,
        },
    )


@capability_required("review_matches")
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidates_visible(request).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    people = [candidate.person_low, candidate.person_high]
    lists = {p.pk: person_source_rows(request.user, p) for p in people}
    return render(
        request,
        "registry/duplicates/detail.html",
        {
            "candidate": candidate,
            "people": people,
            "lists": [(p, lists[p.pk]) for p in people],
            "evidence": evidence_of(candidate),
        },
    )


@require_POST
@capability_required("review_matches")
def duplicate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidates_visible(request).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    decision = request.POST.get("decision")
    note = request.POST.get("note", "")[:300]
    survivor = request.POST.get("survivor", str(candidate.person_low_id))
    if decision == "merge" and not re.fullmatch(r"[0-9]{1,18}", survivor):
        messages.error(request, _("Choose which of the two records to keep."))
        return redirect("duplicate-detail", pk=pk)
    try:
        if decision == "merge":
            decision_made = candidate_merge(
                candidate,
                survivor_id=int(survivor),
                user=signed_in_user(request),
                note=note,
            )
            survivor_name = decision_made.survivor.name if decision_made.survivor else ""
            messages.success(
                request, _("Merged: %(name)s is now one record.") % {"name": survivor_name}
            )
        elif decision == "distinct":
            people_distinct(
                first=candidate.person_low,
                second=candidate.person_high,
                user=signed_in_user(request),
                candidate=candidate,
                note=note,
            )
            messages.success(request, _("Recorded as two different people."))
        else:
            messages.error(request, _("Choose merge or different people."))
            return redirect("duplicate-detail", pk=pk)
    except DecisionError as exc:
        messages.error(request, shown(exc.message))
        return redirect("duplicate-detail", pk=pk)
    return redirect("duplicate-queue")


@require_POST
@capability_required("review_matches")
def duplicate_merge_likely(request: HttpRequest) -> HttpResponse:
    merged = candidates_merge_likely(
        candidates_visible(request),
        user=signed_in_user(request),
        min_probability=DEFAULT_THRESHOLD,
    )
    messages.success(request, _("%(n)d pairs merged.") % {"n": merged})
    return redirect("duplicate-queue")


@require_POST
@capability_required("review_matches")
def duplicate_run(request: HttpRequest) -> HttpResponse:
    codes = request.user.region_codes  # type: ignore[union-attr]
    region = None if codes is None else (codes[0] if len(codes) == 1 else None)
    if codes is not None and region is None:
        messages.error(request, _("Matching runs per region; your account has several."))
        return redirect("duplicate-queue")
    match_enqueue(region_code=region, user_id=request.user.pk)
    messages.info(request, _("Matching started; refresh this page in a minute."))
    return redirect("duplicate-queue")


@login_required
def coverage_overlap_list(request: HttpRequest) -> HttpResponse:
    people = coverage_overlaps(people_visible(request.user))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    listed: dict[int, list[ImportRow]] = {}
    for row in (
        ImportRow.objects.filter(mentions_q(page))
        .select_related("batch__region")
        .order_by("batch__created_at")
    ):
        # A list of a region outside the reader's is named neutrally: its region, never the
        # importer's own words for it (issue 14).
        row.neutral = not region_in_scope(request.user, row.batch.region_id)  # type: ignore[attr-defined]
        listed.setdefault(row.person_id, []).append(row)  # type: ignore[arg-type]
    rows: list[tuple[Person, list[ImportRow]]] = [(p, listed.get(p.pk, [])) for p in page]
    return render(request, "registry/duplicates/overlaps.html", {"page": page, "rows": rows})
