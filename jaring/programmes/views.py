"""Pages of programmes and their decrees (SK): thin views over the services and selectors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.permissions import capability_required, signed_in_user
from jaring.audit.door import door_check, may_take, take_out
from jaring.audit.models import Channel
from jaring.programmes.errors import ProgrammeError
from jaring.programmes.forms import AddForm, ProgrammeForm, RemoveForm, SignForm
from jaring.programmes.lampiran import full_nik_allowed, lampiran_export
from jaring.programmes.messages import (
    CAUTION_LABELS,
    entry_explanation,
    finding_text,
    reason_label,
)
from jaring.programmes.models import (
    MEMBER_STATUSES,
    Decree,
    DecreeEntry,
    DecreeStatus,
    EntryStatus,
    LampiranFile,
    LampiranStatus,
    Programme,
)
from jaring.programmes.selectors import (
    decree_diff,
    decrees_visible,
    person_memberships,
    programmes_visible,
)
from jaring.programmes.services import (
    CategorySpec,
    decree_draft,
    decree_sign,
    entry_add,
    entry_remove,
    entry_restore,
    programme_create,
    programme_findings_of,
    programme_update,
)
from jaring.programmes.tasks import lampiran_enqueue
from jaring.rules.months import Month
from jaring.rules.programmes import Caution, Ineligible

PAGE_SIZE = 50


def _programme(request: HttpRequest, pk: int) -> Programme:
    programme = programmes_visible(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def _decree(request: HttpRequest, pk: int) -> Decree:
    decree = decrees_visible(request.user).filter(pk=pk).first()
    if decree is None:
        raise Http404
    return decree


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = (
        programmes_visible(request.user)
        .annotate(versions=Count("decrees"))
        .order_by("region_id", "-year", "name")
    )
    current = {
        d.programme_id: d
        for d in Decree.objects.filter(
            programme__in=programmes, status=DecreeStatus.SIGNED
        ).order_by("programme_id", "version")
    }
    rows = [(p, current.get(p.pk)) for p in programmes]
    return render(request, "programmes/programme_list.html", {"rows": rows})


def _form_fields(form: ProgrammeForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("region_code")
    data.pop("categories")
    data["apbdes_source"] = data["apbdes_source"] or ""
    return data


@capability_required("manage_programmes")
def programme_new(request: HttpRequest) -> HttpResponse:
    codes = request.user.region_codes  # type: ignore[union-attr]
    initial = {"region_code": codes[0] if codes else "", "year": datetime.now().year}
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme, findings = programme_create(
                user=signed_in_user(request),
                region_code=form.cleaned_data["region_code"],
                categories=[CategorySpec(c) for c in form.cleaned_data["categories"]],
                **_form_fields(form),
            )
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            for finding in findings:
                if finding.severity == "warning":
                    messages.warning(request, finding_text(finding))
            return redirect("programme-detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@capability_required("manage_programmes")
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_of(programme))
    if request.method == "POST" and form.is_valid():
        fields = _form_fields(form)
        if form.cleaned_data["region_code"] != programme.region_id:
            fields["region_code"] = form.cleaned_data["region_code"]
        try:
            programme_update(
                user=signed_in_user(request),
                programme=programme,
                categories=[CategorySpec(c) for c in form.cleaned_data["categories"]],
                **fields,
            )
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("programme-detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    findings = [(f.severity, finding_text(f), f.basis) for f in programme_findings_of(programme)]
    categories = list(programme.categories.select_related("category"))
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "findings": findings,
            "categories": categories,
            "category_quota_sum": sum(c.quota for c in categories if c.quota is not None),
            "decrees": programme.decrees.order_by("-version"),
            "has_draft": programme.decrees.filter(status=DecreeStatus.DRAFT).exists(),
        },
    )


@require_POST
@capability_required("manage_programmes")
def programme_draft(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    first = request.POST.get("first_month", "").strip()
    try:
        decree = decree_draft(
            user=signed_in_user(request),
            programme=programme,
            first_month=Month.parse(first) if first else None,
        )
    except (ProgrammeError, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("programme-detail", pk=programme.pk)
    return redirect("decree-detail", pk=decree.pk)


def _entries(decree: Decree, request: HttpRequest, status: str, reason: int | None) -> Any:
    entries = DecreeEntry.objects.restrict(request.user).filter(decree=decree)
    if status == "members":
        entries = entries.filter(status__in=MEMBER_STATUSES)
    elif status in EntryStatus.values:
        entries = entries.filter(status=status)
    if reason:
        entries = entries.filter(reason=reason)
    return entries.select_related(
        "person", "region", "occupation", "conflict_programme", "exclusion_list", "decree"
    ).order_by("rank", "person__name_normalized", "person_id")


@login_required
def decree_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decree = _decree(request, pk)
    status = request.GET.get("status", "members")
    try:
        reason = int(request.GET.get("reason", "") or 0)
    except ValueError:
        reason = 0
    page = Paginator(_entries(decree, request, status, reason), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(e, entry_explanation(e)) for e in page]
    counts = dict(
        DecreeEntry.objects.filter(decree=decree)
        .order_by()
        .values_list("status")
        .annotate(n=Count("person"))
    )
    excluded = [
        (r, reason_label(r), n)
        for r, n in DecreeEntry.objects.filter(decree=decree, status=EntryStatus.EXCLUDED)
        .order_by("reason")
        .values_list("reason")
        .annotate(n=Count("person"))
    ]
    over = [
        (r, reason_label(r), n)
        for r, n in DecreeEntry.objects.filter(decree=decree, status=EntryStatus.OVER_LIMIT)
        .order_by("reason")
        .values_list("reason")
        .annotate(n=Count("person"))
    ]
    by_cautions = (
        DecreeEntry.objects.filter(decree=decree, cautions__gt=0)
        .order_by()
        .values_list("cautions")
        .annotate(n=Count("person"))
    )
    cautions = [
        (str(CAUTION_LABELS[flag]), sum(n for bits, n in by_cautions if bits & flag))
        for flag in (Caution.NEAR_DUPLICATE_COVERED, Caution.NEAR_DUPLICATE_IN_DECREE)
    ]
    diff = decree_diff(decree.previous, decree) if decree.previous is not None else None
    pdf = LampiranFile.objects.filter(
        decree=decree, full_nik=full_nik_allowed(signed_in_user(request))
    ).first()
    can_manage = signed_in_user(request).capabilities.manage_programmes
    return render(
        request,
        "programmes/decree_detail.html",
        {
            "decree": decree,
            "programme": decree.programme,
            "page": page,
            "rows": rows,
            "status": status,
            "reason": reason,
            "counts": counts,
            "members": counts.get(EntryStatus.INCLUDED, 0) + counts.get(EntryStatus.ADDED, 0),
            "excluded": excluded,
            "over": over,
            "cautions": [c for c in cautions if c[1]],
            "diff": diff,
            "diff_reasons": _diff_reasons(diff.removed_by_reason) if diff else [],
            "pdf": pdf,
            "can_manage": can_manage,
            "may_export": may_take(signed_in_user(request)),
            "editable": can_manage and not decree.is_signed,
            "sign_form": SignForm(initial={"signatory_title": ""}),
            "remove_form": RemoveForm(),
            "limit_budget": int(Ineligible.BUDGET),
        },
    )


def _diff_reasons(by_reason: dict[str, int]) -> list[tuple[str, int]]:
    from jaring.programmes.models import ChangeReason

    labels = dict(ChangeReason.choices)
    return [(str(labels.get(k, k)), n) for k, n in by_reason.items()]


@require_POST
@capability_required("manage_programmes")
def decree_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    decree = _decree(request, pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the decree's number and date."))
        return redirect("decree-detail", pk=decree.pk)
    try:
        decree_sign(
            user=signed_in_user(request),
            decree=decree,
            number=form.cleaned_data["number"],
            signed_on=form.cleaned_data["signed_on"],
            signatory_name=form.cleaned_data["signatory_name"],
            signatory_title=form.cleaned_data["signatory_title"],
        )
    except ProgrammeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The decree is signed and frozen; its memberships start."))
    return redirect("decree-detail", pk=decree.pk)


@require_POST
@capability_required("manage_programmes")
def entry_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    decree = _decree(request, pk)
    user = signed_in_user(request)
    try:
        if action == "remove":
            form: RemoveForm | AddForm = RemoveForm(request.POST)
            if not form.is_valid():
                raise ProgrammeError("REASON_REQUIRED", allowed="")
            entry_remove(
                user=user,
                decree=decree,
                person_id=form.cleaned_data["person"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        elif action == "add":
            form = AddForm(request.POST)
            if not form.is_valid():
                raise ProgrammeError("NOTE_REQUIRED")
            entry_add(
                user=user,
                decree=decree,
                person_id=form.cleaned_data["person"],
                note=form.cleaned_data["note"],
            )
        elif action == "restore":
            entry_restore(user=user, decree=decree, person_id=int(request.POST["person"]))
        else:
            raise Http404
    except (ProgrammeError, ValueError, KeyError) as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or f"/sk/{decree.pk}/")


@login_required
def lampiran_download(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    decree = _decree(request, pk)
    if file_format not in {"csv", "xlsx"}:
        raise Http404
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="lampiran-sk-{decree.pk}-v{decree.version}.{file_format}"'
    )
    lampiran_export(
        decree=decree,
        user=signed_in_user(request),
        channel=Channel.WEB,
        file_format=file_format,
        output=response,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    return response


@require_POST
@login_required
def lampiran_pdf_request(request: HttpRequest, pk: int) -> HttpResponse:
    decree = _decree(request, pk)
    if not decree.is_signed:
        raise Http404
    user = signed_in_user(request)
    door_check(user)  # a PDF nobody may take is not rendered
    record = lampiran_enqueue(decree_id=decree.pk, full_nik=full_nik_allowed(user), user_id=user.pk)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "programmes/_pdf_progress.html", _pdf_context(decree, record))
    return redirect("decree-detail", pk=decree.pk)


def _pdf_context(decree: Decree, record: LampiranFile | None) -> dict[str, Any]:
    percent = 0
    if record is not None:
        if record.status == LampiranStatus.READY:
            percent = 100
        elif record.progress_total:
            percent = int(95 * record.progress_done / record.progress_total)
    running = record is not None and record.status in {
        LampiranStatus.QUEUED,
        LampiranStatus.RENDERING,
    }
    return {"decree": decree, "pdf": record, "percent": percent, "running": running}


@login_required
def lampiran_pdf_progress(request: HttpRequest, pk: int) -> HttpResponse:
    decree = _decree(request, pk)
    record = LampiranFile.objects.filter(
        decree=decree, full_nik=full_nik_allowed(signed_in_user(request))
    ).first()
    return render(request, "programmes/_pdf_progress.html", _pdf_context(decree, record))


@login_required
def lampiran_pdf_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    decree = _decree(request, pk)
    user = signed_in_user(request)
    full = full_nik_allowed(user)
    record = LampiranFile.objects.filter(
        decree=decree, full_nik=full, status=LampiranStatus.READY
    ).first()
    if record is None or not record.file:
        raise Http404
    take_out(
        actor=user,
        channel=Channel.WEB,
        kind="lampiran",
        description=(
            f"Lampiran SK {decree.programme.name} v{decree.version} {decree.number}"
            f"{'' if full else ', NIK disamarkan'}"
        ),
        region_code=decree.programme.region_id,
        row_count=decree.people,
        file_format="pdf",
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=f"lampiran-sk-{decree.pk}-v{decree.version}.pdf",
        content_type="application/pdf",
    )


def person_programmes_panel(request: HttpRequest, person: Any) -> SafeString:
    """The person page's section: every programme that has covered the person."""
    memberships = list(person_memberships(request.user, person.pk))
    return mark_safe(
        render_to_string(
            "programmes/_person_memberships.html",
            {"memberships": memberships},
            request=request,
        )
    )
