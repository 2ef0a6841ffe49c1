"""Pages of the claims app: thin views over the services and selectors. Every read starts from
``Claim.objects.restrict(user)``; personal data (NIK, bank account) is masked for roles that do
not need it, and every download of a scan or photo is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.permissions import signed_in_user
from jaring.accounts.roles import mask_nik
from jaring.audit.models import Channel
from jaring.audit.services import export_record
from jaring.claims.errors import ClaimError
from jaring.claims.forms import (
    AdvanceForm,
    AssessmentForm,
    DocumentForm,
    HeirFormSet,
    InstalmentForm,
    OpenAssessForm,
    OpenForm,
)
from jaring.claims.messages import DOCUMENT_LABELS, LINE_KIND_LABELS
from jaring.claims.models import (
    INJURY_EVENTS,
    Claim,
    ClaimDocument,
    ClaimStatus,
    EventKind,
    message_of,
)
from jaring.claims.selectors import (
    claim_get,
    claims_by_programme,
    claims_visible,
    due_on,
    overdue,
    ratios,
)
from jaring.claims.services import (
    NEXT_STEPS,
    HeirSpec,
    assessment_of,
    claim_advance,
    claim_assess,
    claim_document_receive,
    claim_heirs_set,
    claim_open,
    instalment_pay,
    person_by_nik,
    sla_working_days,
)
from jaring.core import crypto
from jaring.finance.messages import rupiah
from jaring.rules.problems import make_problem

PAGE_SIZE = 50


def _claim(request: HttpRequest, pk: int) -> Claim:
    try:
        return claim_get(request.user, pk)
    except Claim.DoesNotExist:
        raise Http404 from None


def _may_manage(request: HttpRequest) -> bool:
    return bool(signed_in_user(request).capabilities.manage_claims)


def _may_assess(request: HttpRequest) -> bool:
    return bool(signed_in_user(request).capabilities.assess_claims)


def _today(request: HttpRequest) -> date:
    text = request.GET.get("on", "")
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    claims = claims_visible(request.user).order_by("-event_date", "-id")
    status = request.GET.get("status", "")
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/claim_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "may_manage": _may_manage(request),
        },
    )


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    if not _may_manage(request):
        raise Http404
    form_class = OpenAssessForm if _may_assess(request) else OpenForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = assessment_of(
                incapacity_months=data.get("incapacity_months"),
                disability=data.get("disability") or "",
                percent=data.get("disability_percent"),
                function_loss=data.get("function_loss"),
            )
            person = person_by_nik(signed_in_user(request), data["nik"])
            claim = claim_open(
                user=signed_in_user(request),
                person=person,
                event=data["event"],
                event_date=data["event_date"],
                place=data["place"],
                cause=data["cause"],
                reporter=data["reporter"],
                assessment=assessment,
            )
        except ClaimError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Claim #%(claim)s reported.") % {"claim": claim.pk})
            return redirect("claim-detail", claim.pk)
    return render(request, "claims/claim_new.html", {"form": form})


def _heir_rows(request: HttpRequest, claim: Claim) -> list[dict[str, Any]]:
    user = signed_in_user(request)
    full = user.capabilities.see_full_nik and user.capabilities.manage_claims
    rows = []
    for heir in claim.heirs.all():
        nik = crypto.field_decrypt(heir, "nik_cipher") or ""
        account = crypto.field_decrypt(heir, "account_cipher") or ""
        rows.append(
            {
                "heir": heir,
                "nik": nik if full else mask_nik(nik) if nik else "",
                "account": account if full else ("****" + account[-4:] if account else ""),
            }
        )
    return rows


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    today = timezone.localdate()
    due, late = due_on(claim, on=today)
    lines = [
        {
            "line": line,
            "label": message_of(line.label).render(request.LANGUAGE_CODE),
            "kind": LINE_KIND_LABELS.get(line.kind, line.kind),
        }
        for line in claim.lines.all()
    ]
    findings = [
        {
            "role": f.role,
            "severity": f.severity,
            "text": make_problem(f.code, **f.params).message.render(request.LANGUAGE_CODE),
        }
        for f in claim.findings.all()
    ]
    documents = [
        {"doc": d, "label": DOCUMENT_LABELS.get(d.code, d.code)}
        for d in claim.documents.select_related("received_by")
    ]
    allowed = [str(s) for s in NEXT_STEPS[claim.status]]
    may_manage = _may_manage(request)
    editable = claim.status in (ClaimStatus.REPORTED, ClaimStatus.DOCUMENTS_COMPLETE)
    instalments = list(claim.instalments.all())
    heirs = _heir_rows(request, claim)
    initial = [
        {
            "name": r["heir"].name,
            "relation": r["heir"].relation,
            "birth_date": r["heir"].birth_date,
            "school_level": r["heir"].school_level,
            "school_year": r["heir"].school_year,
            "payee": r["heir"].is_payee,
            "bank_name": r["heir"].bank_name,
            "account_holder": r["heir"].account_holder,
        }
        for r in heirs
    ]
    return render(
        request,
        "claims/claim_detail.html",
        {
            "claim": claim,
            "lines": lines,
            "findings": findings,
            "reasons": [f for f in findings if f["role"] == "reason"],
            "notes": [f for f in findings if f["role"] == "note"],
            "documents": documents,
            "heirs": heirs,
            "steps": claim.steps.select_related("by"),
            "instalments": instalments,
            "instalment_payable": may_manage
            and claim.status in (ClaimStatus.PAID, ClaimStatus.HANDED_OVER),
            "assessment_form": AssessmentForm(
                initial={
                    "incapacity_months": claim.incapacity_months,
                    "disability": claim.disability,
                    "disability_percent": claim.disability_percent,
                    "function_loss": claim.function_loss,
                }
            )
            if editable and claim.event in INJURY_EVENTS and _may_assess(request)
            else None,
            "due": due,
            "late": late,
            "sla_days": sla_working_days(),
            "may_manage": may_manage,
            "editable": editable,
            "advance_form": AdvanceForm(allowed=allowed) if allowed and may_manage else None,
            "heir_formset": HeirFormSet(initial=initial or [{"relation": "spouse"}], prefix="heir")
            if may_manage
            else None,
            "documents_missing": claim.documents.filter(required=True, received=False).exists(),
            "today": today,
        },
    )


@login_required
@require_POST
def claim_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if not _may_manage(request):
        raise Http404
    form = AdvanceForm(
        request.POST, request.FILES, allowed=[str(s) for s in NEXT_STEPS[claim.status]]
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("claim-detail", pk)
    data = form.cleaned_data
    photo = data.get("photo")
    try:
        claim_advance(
            user=signed_in_user(request),
            claim=claim,
            to=data["to"],
            on=data["on"],
            amount=data["amount"],
            note=data["note"] or "",
            photo=photo.read() if photo else None,
            photo_name=photo.name if photo else "",
        )
    except ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Claim #%(claim)s moved on.") % {"claim": claim.pk})
    return redirect("claim-detail", pk)


@login_required
@require_POST
def claim_assess_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Disnaker enters the assessment of an injury; the entitlement is recomputed."""
    claim = _claim(request, pk)
    if not _may_assess(request):
        raise Http404
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("claim-detail", pk)
    data = form.cleaned_data
    try:
        assessed = claim_assess(
            user=signed_in_user(request),
            claim=claim,
            assessment=assessment_of(
                incapacity_months=data.get("incapacity_months"),
                disability=data.get("disability") or "",
                percent=data.get("disability_percent"),
                function_loss=data.get("function_loss"),
            ),
            on=data.get("assessed_on"),
        )
    except ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Assessment saved: the entitlement is now %(total)s.")
            % {"total": rupiah(assessed.total)},
        )
    return redirect("claim-detail", pk)


@login_required
@require_POST
def instalment_pay_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A later year's scholarship instalment recorded paid."""
    claim = _claim(request, pk)
    if not _may_manage(request):
        raise Http404
    form = InstalmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The instalment could not be read."))
        return redirect("claim-detail", pk)
    data = form.cleaned_data
    try:
        paid = instalment_pay(
            user=signed_in_user(request),
            claim=claim,
            child=data["child"],
            number=data["number"],
            on=data.get("paid_on"),
            reference=data.get("reference") or "",
        )
    except ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Scholarship of child %(child)s, instalment %(number)s, recorded paid.")
            % {"child": paid.child, "number": paid.number},
        )
    return redirect("claim-detail", pk)


@login_required
@require_POST
def claim_heirs_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if not _may_manage(request):
        raise Http404
    formset = HeirFormSet(request.POST, prefix="heir")
    if not formset.is_valid():
        messages.error(request, _("The heirs could not be read; check each row."))
        return redirect("claim-detail", pk)
    specs = [
        HeirSpec(
            name=f.cleaned_data["name"],
            relation=f.cleaned_data["relation"],
            nik=f.cleaned_data.get("nik") or "",
            birth_date=f.cleaned_data.get("birth_date"),
            school_level=f.cleaned_data.get("school_level") or "",
            school_year=f.cleaned_data.get("school_year"),
            payee=bool(f.cleaned_data.get("payee")),
            bank_name=f.cleaned_data.get("bank_name") or "",
            account=f.cleaned_data.get("account") or "",
            account_holder=f.cleaned_data.get("account_holder") or "",
        )
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("name") or "").strip()
    ]
    try:
        claim_heirs_set(user=signed_in_user(request), claim=claim, heirs=specs)
    except ClaimError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Heirs saved."))
    return redirect("claim-detail", pk)


@login_required
@require_POST
def claim_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if not _may_manage(request):
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("The document could not be read."))
        return redirect("claim-detail", pk)
    scan = form.cleaned_data.get("scan")
    try:
        claim_document_receive(
            user=signed_in_user(request),
            claim=claim,
            code=form.cleaned_data["code"],
            received=bool(form.cleaned_data.get("received")),
            upload=scan.read() if scan else None,
            name=scan.name if scan else "",
        )
    except ClaimError as exc:
        messages.error(request, str(exc))
    return redirect("claim-detail", pk)


def _send(
    request: HttpRequest, claim: Claim, field: Any, name: str, kind: str, what: str
) -> HttpResponseBase:
    user = signed_in_user(request)
    if not (user.capabilities.manage_claims or user.capabilities.view_audit):
        raise Http404
    export_record(
        actor=user,
        channel=Channel.WEB,
        kind=kind,
        description=f"{what} klaim #{claim.pk}",
        region_code=claim.region_id,
        row_count=1,
        file_format=Path(name).suffix.lstrip(".")[:10] or "-",
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(field.open("rb"), as_attachment=True, filename=Path(name).name)


@login_required
def document_download(request: HttpRequest, pk: int, doc: int) -> HttpResponseBase:
    """A scan of the file: only for the claim's region and roles that handle claims or audit
    them; each download audited."""
    claim = _claim(request, pk)
    document = ClaimDocument.objects.filter(claim=claim, pk=doc).first()
    if document is None or not document.file:
        raise Http404
    return _send(request, claim, document.file, document.file_name, "claim-document", document.code)


@login_required
def photo_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    claim = _claim(request, pk)
    if not claim.handover_photo:
        raise Http404
    return _send(
        request, claim, claim.handover_photo, claim.handover_photo.name or "", "claim-photo", "foto"
    )


@login_required
def overdue_list(request: HttpRequest) -> HttpResponse:
    on = _today(request)
    frame = overdue(request.user, on=on)
    rows = frame.head(500).to_dicts()
    for row in rows:
        row["status_label"] = ClaimStatus(row["status"]).label
    return render(
        request,
        "claims/overdue.html",
        {
            "rows": rows,
            "count": frame.height,
            "on": on,
            "sla_days": sla_working_days(),
        },
    )


@login_required
def claims_report(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "claims/report.html",
        {
            "by_programme": [
                {**row, "event_label": EventKind(row["event"]).label}
                for row in claims_by_programme(request.user)
            ],
            "ratios": ratios(request.user),
        },
    )


def person_claims_panel(request: HttpRequest, person: Any) -> SafeString:
    """The person page's section: the person's claims (one query)."""
    claims = list(claims_visible(request.user).filter(person_id=person.pk).order_by("-event_date"))
    return mark_safe(
        render_to_string("claims/_person_claims.html", {"claims": claims}, request=request)
    )
