"""Pages of the finance app: thin views over the services and selectors. Every read starts
from the programmes (or bills) the user may see; people come through ``restrict(user)``."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.permissions import capability_required, signed_in_user
from jaring.accounts.roles import mask_nik
from jaring.audit.models import Channel
from jaring.audit.services import export_record
from jaring.core import crypto
from jaring.core.scratch import scratch_folder
from jaring.core.tallies import versioned
from jaring.finance.charts import budget_svg
from jaring.finance.errors import FinanceError
from jaring.finance.exchange.applying import response_import
from jaring.finance.exchange.registration import registration_file_make
from jaring.finance.forms import (
    IssueForm,
    PaymentForm,
    RegistrationForm,
    ResponseForm,
    SimulationForm,
)
from jaring.finance.messages import day_label, message, row_problems, rupiah
from jaring.finance.models import (
    Bill,
    BillLine,
    Enrolment,
    LineKind,
    Payment,
    ResponseFile,
    ResponseRow,
    RowOutcome,
)
from jaring.finance.selectors.budget import Simulation, programme_budget
from jaring.finance.selectors.reconciliation import LISTS, reconcile
from jaring.finance.selectors.statement import monthly_statement
from jaring.finance.selectors.status import STATE_KEYS, programme_status, status_frame
from jaring.finance.selectors.warnings import (
    home_warnings,
    programme_warnings,
    unpaid_by_person,
)
from jaring.finance.services import bill_correct, bill_issue, payment_record
from jaring.finance.services.bills import CHARGING
from jaring.programmes.models import Decree, DecreeStatus, Programme
from jaring.programmes.selectors import programmes_visible
from jaring.registry.models import OccupationCategory, Person
from jaring.rules.contributions import contribution_for_month
from jaring.rules.months import Month
from jaring.rules.programmes import CONTRIBUTION_FUNDER

PAGE_SIZE = 50
STATE_LABELS = {
    "active": _("Active"),
    "arrears_1": _("In arrears, 1 month"),
    "arrears_2": _("In arrears, 2 months"),
    "arrears_3": _("In arrears, 3 months"),
    "lapsed": _("Ended (lapsed)"),
    "not_yet_active": _("Not yet paid for"),
}


def _programme(request: HttpRequest, pk: int) -> Programme:
    found = programmes_visible(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _bill(request: HttpRequest, pk: int) -> Bill:
    found = (
        Bill.objects.restrict(request.user)
        .select_related("programme__region")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _on(request: HttpRequest) -> date:
    text = request.GET.get("on", "")
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _people(request: HttpRequest, ids: list[int]) -> dict[int, Person]:
    """The people the user may see, by id (names, desa, NIK masked unless the role sees it)."""
    found = Person.objects.restrict(request.user).filter(pk__in=ids).select_related("region")
    return {p.pk: p for p in found}


def _nik(request: HttpRequest, person: Person | None) -> str:
    if person is None:
        return "—"
    nik = person.nik
    return nik if signed_in_user(request).capabilities.see_full_nik else mask_nik(nik)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = list(programmes_visible(request.user).order_by("-year", "name"))
    bills = {}
    for bill in Bill.objects.filter(programme__in=programmes).order_by("month"):
        bills[bill.programme_id] = bill
    return render(
        request,
        "finance/programme_list.html",
        {"rows": [(p, bills.get(p.pk)) for p in programmes]},
    )


@login_required
def programme_finance(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = _on(request)
    bills = list(Bill.objects.filter(programme=programme).order_by("month"))
    status = programme_status(programme, today) if today >= programme.first_month else None
    due, lapse = programme_warnings(programme, today)
    next_month = (Month.of(bills[-1].month) + 1) if bills else Month.of(programme.first_month)
    return render(
        request,
        "finance/programme.html",
        {
            "programme": programme,
            "bills": bills,
            "status": status,
            "state_rows": [(STATE_LABELS[k], status.counts[k], k) for k in STATE_KEYS]
            if status
            else [],
            "today": today,
            "due_warning": due,
            "lapse_warning": lapse,
            "issue_form": IssueForm(initial={"month": str(next_month), "ahead": 1}),
            "tab": "bills",
        },
    )


@require_POST
@capability_required("manage_finance")
def bill_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("finance-programme", pk)
    try:
        month = Month.parse(form.cleaned_data["month"])
        bills = bill_issue(
            user=signed_in_user(request),
            programme=programme,
            month=month,
            ahead=form.cleaned_data["ahead"],
        )
    except ValueError:
        messages.error(request, _("Choose a month."))
        return redirect("finance-programme", pk)
    except FinanceError as exc:
        messages.error(request, str(exc))
        return redirect("finance-programme", pk)
    messages.success(
        request,
        _("Bill %(number)s issued: %(lines)s people, %(total)s, due on %(due)s.")
        % {
            "number": bills[0].number,
            "lines": bills[0].lines,
            "total": rupiah(sum(b.total for b in bills)),
            "due": day_label(bills[0].due_date),
        },
    )
    return redirect("finance-bill", bills[0].pk)


def _rule_lines(bill: Bill) -> list[dict[str, Any]]:
    """The bill's amounts by rule, each with its legal basis (from the rules engine)."""
    language = "en" if (get_language() or "id").startswith("en") else "id"
    cohorts = (
        BillLine.objects.filter(bill=bill, kind=LineKind.CHARGE)
        .values("income_basis", "funder", "transport", "jht")
        .annotate(n=Count("pk"))
        .order_by()
    )
    month = Month.of(bill.month)
    lines: list[dict[str, Any]] = []
    for cohort in cohorts:
        result = contribution_for_month(
            cohort["income_basis"],
            month,
            jht=cohort["jht"] > 0,
            sector="transport" if cohort["transport"] else "other",
            funder=CONTRIBUTION_FUNDER[cohort["funder"]],
        )
        for amount in (*result.lines, *result.reductions):
            lines.append(
                {
                    "label": amount.label.render(language),
                    "each": amount.rupiah,
                    "people": cohort["n"],
                    "total": amount.rupiah
                    * cohort["n"]
                    * (-1 if "REDUCTION" in amount.code else 1),
                    "basis": amount.basis.citation,
                    "verified": amount.basis.verified,
                }
            )
    return lines


@login_required
def bill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bill = _bill(request, pk)
    lines = BillLine.objects.restrict(request.user).filter(bill=bill).order_by("position")
    kind = request.GET.get("kind", "")
    if kind == "unpaid":
        lines = lines.filter(kind__in=CHARGING, position__gt=bill.paid_through)
    elif kind == "corrections":
        lines = lines.exclude(kind=LineKind.CHARGE)
    page = Paginator(lines.select_related("region"), PAGE_SIZE).get_page(request.GET.get("page"))
    people = _people(request, [line.person_id for line in page])
    rows = [
        {
            "line": line,
            "person": people.get(line.person_id),
            "nik": _nik(request, people.get(line.person_id)),
            "paid": line.kind in CHARGING and line.position <= bill.paid_through,
        }
        for line in page
    ]
    payments = list(bill.payments.order_by("paid_on", "pk"))
    allocations = list(bill.allocations.select_related("payment").order_by("payment__paid_on"))
    from jaring.finance.selectors.statement import monthly_statement as _statement

    by_region = _statement(bill.programme, Month.of(bill.month)).by_region
    return render(
        request,
        "finance/bill_detail.html",
        {
            "bill": bill,
            "programme": bill.programme,
            "rule_lines": _rule_lines(bill),
            "rows": rows,
            "page": page,
            "kind": kind,
            "payments": payments,
            "allocations": allocations,
            "by_region": by_region,
            "form": PaymentForm(
                initial={"amount": bill.outstanding, "paid_on": timezone.localdate()}
            ),
            "tab": "bills",
        },
    )


@require_POST
@capability_required("manage_finance")
def payment_view(request: HttpRequest, pk: int) -> HttpResponse:
    bill = _bill(request, pk)
    form = PaymentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("finance-bill", pk)
    data = form.cleaned_data
    upload = data.get("proof")
    try:
        payment = payment_record(
            user=signed_in_user(request),
            bill=bill,
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            kind=data["kind"],
            proof=upload.read() if upload else None,
            proof_name=upload.name if upload else "",
            confirm_over=data["confirm_over"],
            note=data.get("note") or "",
        )
    except FinanceError as exc:
        messages.error(request, str(exc))
        return redirect("finance-bill", pk)
    bill.refresh_from_db()
    messages.success(
        request,
        _("Payment %(reference)s recorded: %(amount)s; still owed %(outstanding)s.")
        % {
            "reference": payment.reference,
            "amount": rupiah(payment.amount),
            "outstanding": rupiah(bill.outstanding),
        },
    )
    return redirect("finance-bill", pk)


@require_POST
@capability_required("manage_finance")
def bill_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    bill = _bill(request, pk)
    try:
        done = bill_correct(user=signed_in_user(request), bill=bill)
    except FinanceError as exc:
        messages.error(request, str(exc))
        return redirect("finance-bill", pk)
    messages.success(
        request,
        _("Corrections: %(added)s added, %(cancelled)s cancelled (%(amount)s).")
        % {"added": done.added, "cancelled": done.cancelled, "amount": rupiah(done.amount)},
    )
    return redirect("finance-bill", pk)


@login_required
def proof_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The proof of a payment: only for the payment's region, and each download audited."""
    payment = Payment.objects.restrict(request.user).filter(pk=pk).first()
    if payment is None or not payment.proof:
        raise Http404
    user = signed_in_user(request)
    if not (user.capabilities.manage_finance or user.capabilities.view_audit):
        raise Http404
    export_record(
        actor=user,
        channel=Channel.WEB,
        kind="payment-proof",
        description=f"Bukti bayar {payment.reference}",
        region_code=payment.programme.region_id,
        row_count=1,
        file_format=Path(payment.proof_name).suffix.lstrip(".")[:10] or "-",
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    return FileResponse(payment.proof.open("rb"), as_attachment=True, filename=payment.proof_name)


@login_required
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = _on(request)
    key = request.GET.get("state", "arrears_3")
    if key not in STATE_KEYS:
        key = "arrears_3"
    status = programme_status(programme, today, regions=True)
    frame = (
        status_frame(programme, today).filter(pl.col("key") == key).sort("region_id", "person_id")
    )
    ids = frame["person_id"].to_list()
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    people = _people(request, list(page))
    owed = unpaid_by_person(programme, Month.of(today), list(page))
    owed_by = dict(owed.iter_rows())
    rows = [
        {
            "person": people.get(pid),
            "nik": _nik(request, people.get(pid)),
            "owed": owed_by.get(pid, 0),
        }
        for pid in page
    ]
    return render(
        request,
        "finance/status.html",
        {
            "programme": programme,
            "status": status,
            "state_rows": [(STATE_LABELS[k], status.counts[k], k) for k in STATE_KEYS],
            "state": key,
            "state_label": STATE_LABELS[key],
            "rows": rows,
            "page": page,
            "today": today,
            "tab": "status",
        },
    )


WHY_LABELS = {
    "not_answered": _("no answer from BPJS yet"),
    "inactive": _("non-active at BPJS"),
    "membership_ended": _("no membership this month"),
    "not_in_any_sk": _("in no decree of the programme"),
}


def _why(why: str) -> str:
    if why.startswith("rejected:"):
        from jaring.finance.models import ReasonCode

        code = why.split(":", 1)[1]
        reason = ReasonCode(code).label if code in ReasonCode.values else code
        return _("rejected: %(reason)s") % {"reason": reason}
    if why.startswith("programme:"):
        other = Programme.objects.filter(pk=why.split(":", 1)[1]).first()
        return _("registered under %(programme)s") % {"programme": other.name if other else "—"}
    return str(WHY_LABELS.get(why, why))


@login_required
def reconciliation_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    today = _on(request)
    result = reconcile(programme, today)
    chosen = request.GET.get("list", "in_sk_not_active")
    if chosen not in LISTS:
        chosen = "in_sk_not_active"
    region = request.GET.get("region", "")
    frame = result.lists[chosen]
    if region:
        frame = frame.filter(pl.col("region_id") == region)
    records = frame.to_dicts()
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    people = _people(request, [r["person_id"] for r in page if r["person_id"]])
    rows = [
        {
            "person": people.get(r["person_id"]) if r["person_id"] else None,
            "nik": _nik(request, people.get(r["person_id"])) if r["person_id"] else "—",
            "why": _why(r["why"]) if chosen != "kpj_conflicts" else r["why"],
            "kpj": r["kpj"],
            "region": r["region_id"],
        }
        for r in page
    ]
    from jaring.regions.models import Region

    names = dict(
        Region.objects.filter(
            code__in=[r["region"] for r in result.by_region() if r["region"]]
        ).values_list("code", "name")
    )
    return render(
        request,
        "finance/reconciliation.html",
        {
            "programme": programme,
            "result": result,
            "counts": [(name, result.count(name)) for name in LISTS],
            "regions": [
                {**r, "name": names.get(r["region"] or "", _("unknown desa"))}
                for r in result.by_region()
            ],
            "chosen": chosen,
            "region": region,
            "rows": rows,
            "page": page,
            "today": today,
            "tab": "reconcile",
        },
    )


@login_required
def budget_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    form = SimulationForm(request.GET or None)
    categories = list(OccupationCategory.objects.order_by("sort_order").values_list("code", "name"))
    _choices(form, "category", [("", "—"), *categories])
    simulation = Simulation()
    error = ""
    if request.GET and form.is_valid():
        data = form.cleaned_data
        simulation = Simulation(
            more_people=data.get("more_people") or 0,
            jht=bool(data.get("jht")),
            more_months=data.get("more_months") or 0,
            category=data.get("category") or "",
            category_people=data.get("category_people") or 0,
        )
    try:
        budget = programme_budget(programme, simulation=simulation)
    except FinanceError as exc:
        error = str(exc)
        budget = programme_budget(programme)
    chart = budget_svg(budget, title=_("Cumulative iuran against the DPA ceiling"))
    cumulative = 0
    rows = []
    for m in budget.months:
        cumulative += m.projected
        rows.append({"month": m, "cumulative": cumulative})
    return render(
        request,
        "finance/budget.html",
        {
            "programme": programme,
            "budget": budget,
            "rows": rows,
            "form": form,
            "error": error,
            # Drawn by budget_svg, every text in it escaped: the SVG itself, not a JSON string.
            "chart": mark_safe(chart),
            "tab": "budget",
        },
    )


@login_required
def exchange_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    decrees = list(
        Decree.objects.filter(programme=programme, status=DecreeStatus.SIGNED).order_by("-version")
    )
    form = RegistrationForm()
    _choices(form, "decree", [(d.pk, f"v{d.version} — {d.number}") for d in decrees])
    counts = {
        row["bpjs_status"]: row["n"]
        for row in Enrolment.objects.filter(programme=programme)
        .values("bpjs_status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return render(
        request,
        "finance/exchange.html",
        {
            "programme": programme,
            "registration_form": form,
            "response_form": ResponseForm(),
            "responses": ResponseFile.objects.filter(programme=programme).order_by("-imported_at")[
                :20
            ],
            "counts": counts,
            "has_decree": bool(decrees),
            "tab": "exchange",
        },
    )


@require_POST
@capability_required("export_personal_data")
def registration_download(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    form = RegistrationForm(request.POST)
    _choices(
        form, "decree", [(d.pk, str(d.pk)) for d in Decree.objects.filter(programme=programme)]
    )
    if not form.is_valid():
        messages.error(request, _("Choose a signed decree."))
        return redirect("finance-exchange", pk)
    decree = Decree.objects.select_related("programme").get(pk=form.cleaned_data["decree"])
    buffer = io.BytesIO()
    file_format = form.cleaned_data["file_format"]
    try:
        registration_file_make(
            user=signed_in_user(request),
            decree=decree,
            file_format=file_format,
            output=buffer,
            everyone=form.cleaned_data["everyone"],
            channel=Channel.WEB,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    except FinanceError as exc:
        messages.error(request, str(exc))
        return redirect("finance-exchange", pk)
    name = f"pendaftaran-bpjs-{programme.pk}-v{decree.version}.{file_format}"
    content_type = (
        "text/csv"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return HttpResponse(
        buffer.getvalue(),
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@require_POST
@capability_required("manage_finance")
def response_upload(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    form = ResponseForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the response file."))
        return redirect("finance-exchange", pk)
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(
        suffix=Path(upload.name).suffix, dir=scratch_folder()
    ) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            result = response_import(
                user=signed_in_user(request),
                programme=programme,
                path=handle.name,
                file_name=upload.name,
            )
        except FinanceError as exc:
            messages.error(request, str(exc))
            return redirect("finance-exchange", pk)
    if result.already:
        messages.info(request, _("This file was read before; nothing changed."))
    return redirect("finance-response", result.response.pk)


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = (
        ResponseFile.objects.restrict(request.user)
        .select_related("programme")
        .filter(pk=pk)
        .first()
    )
    if response is None:
        raise Http404
    outcome = request.GET.get("outcome", "")
    rows = (
        ResponseRow.objects.restrict(request.user)
        .filter(response=response)
        .order_by("sheet", "row_number")
    )
    if outcome in RowOutcome.values:
        rows = rows.filter(outcome=outcome)
    elif outcome == "problems":
        rows = rows.exclude(problems="")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    people = _people(request, [r.person_id for r in page if r.person_id])
    full = signed_in_user(request).capabilities.see_full_nik
    shown = []
    for row in page:
        nik = crypto.field_decrypt(row, "nik_cipher") or row.nik_text
        nik = nik if full or not row.nik_cipher else mask_nik(nik)
        shown.append(
            {
                "row": row,
                "person": people.get(row.person_id) if row.person_id else None,
                "nik": nik,
                "problems": row_problems(row, nik=nik),
            }
        )
    return render(
        request,
        "finance/response_detail.html",
        {
            "response": response,
            "programme": response.programme,
            "rows": shown,
            "page": page,
            "outcome": outcome,
            "outcomes": RowOutcome.choices,
            "tab": "exchange",
        },
    )


@login_required
def statement_view(request: HttpRequest, pk: int, month: str) -> HttpResponseBase:
    programme = _programme(request, pk)
    try:
        chosen = Month.parse(month)
    except ValueError:
        raise Http404 from None
    statement = monthly_statement(programme, chosen)
    if request.GET.get("format") == "xlsx":
        buffer = io.BytesIO()
        pl.DataFrame(
            statement.by_region or [{"region": "", "name": "", "lines": 0, "amount": 0, "paid": 0}]
        ).write_excel(buffer, worksheet="per desa", autofit=True)
        return FileResponse(
            io.BytesIO(buffer.getvalue()),
            as_attachment=True,
            filename=f"laporan-iuran-{programme.pk}-{chosen}.xlsx",
        )
    return render(
        request,
        "finance/statement.html",
        {
            "programme": programme,
            "statement": statement,
            "previous": chosen + -1,
            "next": chosen + 1,
            "tab": "bills",
        },
    )


def home_panel(request: HttpRequest, obj: object) -> SafeString:
    """The home page's warnings: bills due soon and members about to lapse, per programme
    the user may see; computed once per write and day, whoever asks (a national user sees
    every programme of the country)."""
    del obj
    if not request.user.is_authenticated:
        return mark_safe("")
    today = timezone.localdate()
    user = signed_in_user(request)
    warnings = versioned(
        ("home-warnings", user.region_codes, today.isoformat()),
        lambda: home_warnings(programmes_visible(user), today),
    )
    if not warnings:
        return mark_safe("")
    return mark_safe(
        render_to_string("finance/_home_warnings.html", {"warnings": warnings}, request=request)
    )


__all__ = ["message"]
