"""Pages of the registry: the home page and the region browser (regions with the people they
hold), the people list, a person with their history, and exports."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from jaring.accounts.models import User
from jaring.accounts.permissions import capability_required, signed_in_user
from jaring.audit.door import door_check
from jaring.audit.models import Channel
from jaring.audit.pacing import FREE_PAGES, paced
from jaring.audit.presenting import entries_shown
from jaring.core.messages import shown
from jaring.core.panels import panels_render
from jaring.core.scoping import region_in_scope, user_region_codes
from jaring.core.tallies import versioned
from jaring.regions.models import Region
from jaring.regions.selectors import region_children
from jaring.registry.editing import CheckedPerson
from jaring.registry.exports import ExportFormat, people_export
from jaring.registry.filters import PersonFilterSet, is_nik_query, search_hint
from jaring.registry.models import OccupationCategory, Person, PersonStatus
from jaring.registry.paging import keyset_page, page_number_of
from jaring.registry.person_forms import PersonForm, PersonStatusForm
from jaring.registry.selectors import (
    imports_held,
    imports_visible,
    people_counts_visible,
    people_scope_broad,
    people_summary_visible,
    people_tally_children,
    people_tally_totals,
    people_visible,
    person_get,
    person_source_rows,
    person_visible_to,
)
from jaring.registry.services import (
    PersonEditError,
    PersonStatusError,
    person_add,
    person_status_change,
    person_update,
)

PAGE_SIZE = 50


def _home_counts(user: User, codes: tuple[str, ...] | None, shown: list[str]) -> dict[str, Any]:
    """The home page's figures as plain data (they are cached and read back by other processes,
    so no model instances: a cached instance would tie the cache to the loaded apps)."""
    if codes is None:  # the whole country: one row per province
        counts = people_tally_children("")
        total = people_tally_totals([""])[""]
    else:
        counts = people_counts_visible(user, shown)
        total = sum(counts.values())
    by_code, needs_review = people_summary_visible(user, [""] if codes is None else codes)
    names = dict(OccupationCategory.objects.filter(code__in=by_code).values_list("code", "name"))
    return {
        "counts": {code: counts.get(code, 0) for code in shown},
        "total": total,
        "by_occupation": [
            {"occupation__code": code or None, "occupation__name": names.get(code), "n": n}
            for code, n in sorted(by_code.items(), key=lambda item: -item[1])[:12]
        ],
        "needs_review": needs_review,
    }


def _home_figures(user: User, codes: tuple[str, ...] | None) -> dict[str, Any]:
    """The home page's figures and their rendered tiles and tables, the same for every user
    with the same regions: plain data and text only (read back by other processes)."""
    regions = (
        list(Region.objects.filter(level=1).order_by("code"))
        if codes is None
        else list(Region.objects.filter(code__in=codes).select_related("parent"))
    )
    figures = _home_counts(user, codes, [r.code for r in regions])
    counts = figures["counts"]
    # (code, name, the province or kab/kota above it, people)
    rows = [
        (r.code, r.display_name, r.parent.name if r.parent else "", counts[r.code]) for r in regions
    ]
    context = {**figures, "region_rows": rows}
    return {
        "total": figures["total"],
        "region_rows": rows,
        "html": {
            part: render_to_string(f"registry/_home_{part}.html", context)
            for part in ("tiles", "regions", "occupations")
        },
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's regions and how many people each holds: read from the people tally, which
    every write keeps current (ADR 0011); the figures and their tables are rendered once and
    kept until the next write (the same for everyone with the same regions)."""
    user = signed_in_user(request)
    codes = user.region_codes
    figures = versioned(("home", codes), lambda: _home_figures(user, codes))
    return render(
        request,
        "registry/home.html",
        {
            **figures,
            "figures_html": {k: mark_safe(v) for k, v in figures["html"].items()},
            "recent_imports": imports_visible(user)[:5],
            # The to-do list: saved imports with rows held for a decision.
            "held_imports": imports_held(user)[:5] if user.capabilities.import_lists else [],
            # Sections of higher apps (bills due, members about to lapse: finance).
            "panels": panels_render("home", request, None),
        },
    )


def _browser_counts(
    user: Any, here: str, children: list[str], *, whole: bool
) -> tuple[dict[str, int], int]:
    if whole:
        return people_tally_children(here), people_tally_totals([here])[here]
    return people_counts_visible(user, children), people_counts_visible(user, [here])[here]


def _browser_page(user: Any, code: str | None, scope: tuple[str, ...] | None) -> dict[str, Any]:
    """The region browser's page for ``code`` as the users of regions ``scope`` see it (the
    rows, the total and the rendered content): the same for each of them, so kept until the
    next write. An unknown code is :class:`Http404` (never kept)."""
    region = None
    if code is not None:
        try:
            region = Region.objects.select_related("parent").get(code=code)
        except Region.DoesNotExist as exc:
            raise Http404 from exc
    children = list(region_children(code).order_by("code"))
    here = region.code if region else ""
    whole = scope is None or (region is not None and region_in_scope(user, region.code))
    counts, total = _browser_counts(user, here, [c.code for c in children], whole=whole)
    # (code, name, kind, people, open): a child is open to browse when it lies in the user's
    # regions or contains one of them.
    rows = [
        (
            child.code,
            child.name,
            str(child.get_kind_display()),
            counts.get(child.code, 0),
            scope is None
            or region_in_scope(user, child.code)
            or any(c.startswith(f"{child.code}.") for c in scope),
        )
        for child in children
    ]
    ancestors = (
        list(Region.objects.filter(code__in=region.ancestor_codes()[:-1]).order_by("code"))
        if region
        else []
    )
    context = {"region": region, "ancestors": ancestors, "rows": rows, "total": total}
    return {
        "rows": rows,
        "total": total,
        "title": region.display_name if region else "",
        "html": render_to_string("registry/_region_browser.html", context),
    }


@login_required
def region_browser(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Province → kab/kota → kecamatan → desa, with people counts per child (from the people
    tally: a million people cost the same few milliseconds as a hundred); the page's content
    is rendered once per region and scope, and kept until the next write."""
    scope = user_region_codes(request.user)
    page = versioned(
        ("region-browser", code, scope), lambda: _browser_page(request.user, code, scope)
    )
    return render(
        request,
        "registry/region_browser.html",
        {**page, "body": mark_safe(page["html"])},
    )


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    merged = request.GET.get("status") == PersonStatus.MERGED
    filterset = PersonFilterSet(request.GET, queryset=people_visible(request.user, merged=merged))
    people = filterset.qs if filterset.is_valid() else people_visible(request.user).none()
    # The working list: people no longer listed or deceased only when asked for by status.
    if not request.GET.get("status"):
        people = people.filter(status=PersonStatus.REGISTERED)
    status_field = filterset.form.fields["status"]
    status_field.choices = [("", _("Registered (working list)")), *PersonStatus.choices]
    # Keyset pages (registry.paging): page 500 costs what page 1 costs. The page's number,
    # which the pace counts, travels signed in the cursor.
    if page_number_of(request.GET) > FREE_PAGES and (seconds := paced(request.user)):
        return _too_fast(request, seconds)
    page = keyset_page(people, request.GET, PAGE_SIZE, broad=people_scope_broad(request.user))
    query = request.GET.copy()
    for cursor in ("page", "after", "before"):
        query.pop(cursor, None)
    if (
        is_nik_query(request.GET.get("q", ""))
        and not signed_in_user(request).capabilities.see_full_nik
    ):
        # A role that sees masked NIKs may find a person in its regions by the full number,
        # but the page never writes the number back (not in the box, not in the links).
        query.pop("q", None)
        filterset = PersonFilterSet(query, queryset=people_visible(request.user).none())
    template = "registry/_people_table.html" if request.htmx else "registry/people_list.html"  # type: ignore[attr-defined]
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    typed = request.GET.get("q", "")
    if hint := search_hint(typed):
        # Why the box was read as it was (a region code, part of a NIK): never the digits.
        context["search_hint"] = _(hint) % {"n": len(re.sub(r"\D", "", typed))}
    if "q" in request.GET and "q" not in query:
        context["next_path"] = f"{request.path}?{query.urlencode()}"  # not the NIK either
    return render(request, template, context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if seconds := paced(request.user):
        return _too_fast(request, seconds)
    try:
        person = person_get(request.user, pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    history = entries_shown(
        LogEntry.objects.get_for_object(person)
        .select_related("actor", "content_type")
        .order_by("-timestamp"),
        viewer=request.user,
    )
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "source_rows": person_source_rows(request.user, person),
            "history": history,
            # Sections of higher apps (the programmes that covered the person).
            "panels": panels_render("person", request, person),
        },
    )


def _too_fast(request: HttpRequest, seconds: int) -> HttpResponse:
    """429: more people read in this hour than a role without the export right may."""
    response = render(
        request,
        "registry/paced.html",
        {"minutes": max(1, -(-seconds // 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


@login_required
def people_export_view(request: HttpRequest) -> HttpResponse:
    door_check(signed_in_user(request))  # the same door checks again and records
    file_format: ExportFormat = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    region_code = request.GET.get("region", "").strip()
    if not region_code:
        codes = request.user.region_codes  # type: ignore[union-attr]
        if not codes or len(codes) != 1:
            return HttpResponse(_("Choose a region to export."), status=400)
        region_code = codes[0]
    if not region_in_scope(request.user, region_code):
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content_type=content_type)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="jaring-orang-{region_code}-{stamp}.{file_format}"'
    )
    people_export(
        people=people_visible(request.user),
        actor=signed_in_user(request),
        channel=Channel.WEB,
        region_code=region_code,
        file_format=file_format,
        output=response,
        remote_addr=request.META.get("REMOTE_ADDR"),
        readable=True,
    )
    return response


# --- one person: add, correct, mark inactive or deceased ---------------------------------------


def _edit_refusal(form: Any, exc: PersonEditError, user: User) -> None:
    """The reasons a person could not be saved, on the form: each problem on its field."""
    if exc.checked is not None and exc.code == "INVALID":
        for problem in exc.checked.problems:
            if problem.blocking:
                target = problem.field if problem.field in form.fields else None
                if problem.field == "occupation_text":
                    target = "occupation"
                form.add_error(target, shown(problem.message))
    elif exc.code == "NIK_REGISTERED":
        existing = exc.person
        if existing is not None and person_visible_to(user, existing):
            form.add_error(
                "nik",
                _("This NIK is registered already: %(name)s.") % {"name": existing.name},
            )
            form.existing = existing
        else:
            form.add_error("nik", _("This NIK is registered already, in another region."))
    elif exc.code == "OUT_OF_SCOPE":
        form.add_error("village", _("Pick a desa or kelurahan inside your regions."))
    else:
        form.add_error(None, _("Someone changed this person meanwhile; open the page again."))


def _warnings_shown(request: HttpRequest, checked: CheckedPerson) -> None:
    for problem in checked.warnings:
        messages.warning(request, shown(problem.message))


@capability_required("edit_people")
def person_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PersonForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            person, checked = person_add(
                user=user, typed=form.typed(), village_code=form.cleaned_data["village"]
            )
        except PersonEditError as exc:
            _edit_refusal(form, exc, user)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person.name})
            _warnings_shown(request, checked)
            return redirect("person-detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form})


@capability_required("edit_people")
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    try:
        person = person_get(user, pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    initial = {
        "name": person.name,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date,
        "sex": person.sex,
        "village": person.region_id,
        "address": person.address,
        "rt_rw": person.rt_rw,
        "phone": person.phone,
        "occupation": person.occupation_text,
        "expected": person.updated_at.isoformat(),
    }
    form = PersonForm(request.POST or None, initial=initial, user=user, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            person, checked = person_update(
                user=user,
                person=person,
                typed=form.typed(),
                village_code=form.cleaned_data["village"],
                expected_updated=form.cleaned_data["expected"],
            )
        except PersonEditError as exc:
            _edit_refusal(form, exc, user)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": person.name})
            _warnings_shown(request, checked)
            return redirect("person-detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": person})


@capability_required("edit_people")
def person_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    try:
        person = person_get(user, pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    if person.status == PersonStatus.MERGED:
        raise Http404
    form = PersonStatusForm(request.POST or None, initial={"expected": person.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_status_change(
                person=person,
                status=PersonStatus(data["status"]),
                user=user,
                expected=PersonStatus(data["expected"]),
                reason=data.get("reason") or "",
                on=data.get("on"),
                note=data.get("note") or "",
            )
        except (PersonStatusError, ValueError) as exc:
            form.add_error(None, _status_refusal(exc))
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": person.name, "status": person.get_status_display()},
            )
            return redirect("person-detail", pk=person.pk)
    return render(request, "registry/person_status.html", {"form": form, "person": person})


def _status_refusal(exc: Exception) -> str:
    text = str(exc)
    if text.startswith("status is"):
        return _("Someone changed this person's status meanwhile; open the page again.")
    if "future" in text:
        return _("The date is in the future.")
    if "birth" in text:
        return _("The date is before the person's birth date.")
    return _("This reason does not fit the status.")
