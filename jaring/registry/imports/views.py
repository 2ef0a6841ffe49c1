"""Pages of an import: upload, confirm the columns, watch the progress, read and fix the result."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.permissions import capability_required, signed_in_user
from jaring.audit.models import Channel
from jaring.core.formats import date_label
from jaring.core.messages import shown
from jaring.regions.models import Region
from jaring.registry.exports import import_workbook_allowed, import_workbook_release
from jaring.registry.forms import ImportUploadForm, MappingForm
from jaring.registry.imports.applying.commit import HELD_CHANGE_CODES
from jaring.registry.imports.deciding import (
    COMPARED_VALUES,
    HeldCase,
    Key,
    held_case,
    held_cases,
    held_decline,
    held_register,
)
from jaring.registry.imports.discarding import (
    DISCARDABLE,
    ImportDiscardError,
    import_discard,
)
from jaring.registry.imports.problems import ImportFileError
from jaring.registry.imports.reading.mapping import FIELD_LABELS
from jaring.registry.imports.services import (
    ImportRequestError,
    import_changes_settle,
    import_create,
    import_mapping_save,
    import_place,
    import_preview,
)
from jaring.registry.imports.template import import_template
from jaring.registry.models import ImportBatch, ImportProblem, ImportStatus, OnExisting
from jaring.registry.selectors import imports_visible
from jaring.registry.tasks import import_enqueue

# How far along the bar each stage is; the stages themselves are in services.import_run.
STAGE_PERCENT = {"": 2, "reading": 10, "checking": 25, "protecting": 50, "saving": 75, "done": 100}
RUNNING = {ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.COMMITTING}


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = imports_visible(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def _user_regions(request: HttpRequest) -> list[Region]:
    codes = request.user.region_codes  # type: ignore[union-attr]
    if codes is None:  # national: every kab/kota
        return list(Region.objects.filter(level=2).order_by("code"))
    return list(Region.objects.filter(code__in=codes).order_by("code"))


@capability_required("import_lists")
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, regions=_user_regions(request)
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_create(
                source=upload,
                file_name=upload.name,
                region_code=import_place(form.cleaned_data["region"], form.cleaned_data["place"]),
                source_name=form.cleaned_data["source_name"],
                on_existing=OnExisting(form.cleaned_data["on_existing"]),
                dry_run=form.cleaned_data["dry_run"],
                user=signed_in_user(request),
            )
        except ImportRequestError as exc:
            form.add_error("place" if exc.code.startswith("PLACE_") else "file", shown(exc.message))
        else:
            return redirect("import-mapping", pk=batch.pk)
    page = Paginator(imports_visible(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "registry/imports/list.html", {"form": form, "page": page})


@capability_required("import_lists")
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.status in RUNNING or batch.status == ImportStatus.COMMITTED:
        return redirect("import-detail", pk=batch.pk)
    try:
        preview = import_preview(batch)
    except ImportFileError as exc:
        batch.status = ImportStatus.FAILED
        batch.error_code, batch.error_params = exc.code, dict(exc.params)
        batch.save(update_fields=["status", "error_code", "error_params"])
        messages.error(request, shown(exc.message))
        return redirect("import-detail", pk=batch.pk)
    except ImportRequestError as exc:  # the file was removed after the retention period
        messages.error(request, shown(exc.message))
        return redirect("import-detail", pk=batch.pk)
    if "nik" not in preview.mapping and batch.status == ImportStatus.UPLOADED:
        # No column looks like a NIK: the batch ends as failed with the reason, not "uploaded"
        # forever; the user may still choose the column by hand, or delete the upload.
        batch.status = ImportStatus.FAILED
        batch.error_code = "FILE_NO_NIK_COLUMN"
        batch.error_params = {"file": batch.file_name, "columns": ", ".join(preview.headers)}
        batch.save(update_fields=["status", "error_code", "error_params"])
    form = MappingForm(request.POST or None, headers=preview.headers, initial_map=preview.mapping)
    if request.method == "POST" and form.is_valid():
        import_mapping_save(batch, form.mapping())
        import_enqueue(batch.pk, commit=not batch.dry_run)
        return redirect("import-detail", pk=batch.pk)
    context_extra = {"discardable": batch.status in DISCARDABLE}
    return render(
        request,
        "registry/imports/mapping.html",
        {"batch": batch, "preview": preview, "form": form, **context_extra},
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    user = signed_in_user(request)
    context: dict[str, Any] = {
        "batch": batch,
        **_progress_context(batch),
        # What the door lets this user take (see registry.exports.import_workbook_release).
        "may_take_problems": import_workbook_allowed(batch, user, only_problems=True),
        "may_take_all": import_workbook_allowed(batch, user, only_problems=False),
        "discardable": batch.status in DISCARDABLE,
        # Something to save: the save button shows only then (never "saved" for 0 rows).
        "saveable": batch.accepted + batch.warnings > 0,
    }
    if batch.status in {ImportStatus.CHECKED, ImportStatus.COMMITTED}:
        problems = ImportProblem.objects.filter(batch=batch)
        context["changed_fields"] = [
            (_(FIELD_LABELS.get(_CHANGED_FIELD.get(column, column), column)), n)
            for column, n in sorted(batch.changes.items(), key=lambda item: -item[1])
        ]
        if batch.changes_held:
            context["held_changes"] = problems.filter(code__in=HELD_CHANGE_CODES.values()).order_by(
                "sheet", "row_number", "code"
            )[:200]
        context["by_code"] = (
            problems.values("code", "severity").annotate(n=Count("id")).order_by("-n", "code")
        )
        code = request.GET.get("code", "")
        listed = problems.filter(code=code) if code else problems
        context["code"] = code
        if user.capabilities.see_full_nik:
            context["problems"] = Paginator(
                listed.order_by("sheet", "row_number", "id"), 100
            ).get_page(request.GET.get("page"))
        else:
            # A problem quotes the row's values (a NIK's date, the stated birth date): for a
            # role that sees masked identities, the counts by kind only.
            context["problems_hidden"] = True
    return render(request, "registry/imports/detail.html", context)


# A person column as the mapping page names its field.
_CHANGED_FIELD = {
    "village_code": "desa",
    "occupation_code": "occupation",
    "occupation_text": "occupation",
    "declared_income": "income",
}


@require_POST
@capability_required("import_lists")
def import_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or decline the held changes of registered people's name, birth date or sex: all
    of a batch, or one row's (``sheet``, ``row``)."""
    batch = _batch(request, pk)
    apply = request.POST.get("apply") == "1"
    row = request.POST.get("row", "")
    rows = [(request.POST.get("sheet", ""), int(row))] if row.isdigit() else None
    try:
        settled = import_changes_settle(batch, apply=apply, user=signed_in_user(request), rows=rows)
    except ImportRequestError as exc:
        messages.error(request, shown(exc.message))
    else:
        if apply:
            messages.success(request, _("Changes applied: %(n)d.") % {"n": settled})
        else:
            messages.success(request, _("Kept as registered: %(n)d.") % {"n": settled})
    return redirect("import-detail", pk=batch.pk)


def _progress_context(batch: ImportBatch) -> dict[str, Any]:
    return {
        "running": batch.status in RUNNING,
        "percent": STAGE_PERCENT.get(batch.stage, 50),
    }


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar alone, polled by htmx; when the run ends the page reloads itself."""
    batch = _batch(request, pk)
    context = {"batch": batch, **_progress_context(batch)}
    response = render(request, "registry/imports/_progress.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@capability_required("import_lists")
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if batch.status == ImportStatus.CHECKED and batch.accepted + batch.warnings == 0:
        messages.error(request, _("Nothing to save: no row of this list was accepted."))
    # Compare-and-set: only a checked batch is queued to be saved (a second click, or a batch
    # saved meanwhile, queues nothing).
    elif not import_enqueue(batch.pk, commit=True, expected=(ImportStatus.CHECKED,)):
        messages.error(request, _("Only a checked import can be saved."))
    return redirect("import-detail", pk=batch.pk)


@login_required
def import_workbook_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The original rows with their problems, for the kelurahan to fix. Personal data as it
    came in: through the door (the export right, or the uploader taking back the problem rows
    of their own file), recorded like any export."""
    batch = _batch(request, pk)
    only_problems = request.GET.get("semua") != "1"
    language: Literal["id", "en"] = "en" if (get_language() or "id").startswith("en") else "id"
    user = signed_in_user(request)
    try:
        path = import_workbook_release(
            batch,
            actor=user,
            channel=Channel.WEB,
            only_problems=only_problems,
            language=language,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    except (ImportRequestError, ImportFileError) as exc:
        messages.error(request, shown(exc.message))
        return redirect("import-detail", pk=batch.pk)
    stem = batch.file_name.rsplit(".", 1)[0]
    suffix = "masalah" if only_problems else "hasil"
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{stem}-{suffix}.xlsx")


@require_POST
@capability_required("import_lists")
def import_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an import never saved (its file and staging rows go)."""
    batch = _batch(request, pk)
    try:
        import_discard(batch=batch, user=signed_in_user(request))
    except ImportDiscardError:
        messages.error(request, _("A saved or running import cannot be deleted."))
        return redirect("import-detail", pk=batch.pk)
    messages.success(request, _("Import %(name)s deleted.") % {"name": batch.file_name})
    return redirect("import-list")


@capability_required("import_lists")
def import_template_download(request: HttpRequest) -> HttpResponse:
    """The workbook to fill in (no personal data: headers and instructions only)."""
    response = HttpResponse(
        import_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-daftar-jaring.xlsx"'
    return response


# --- rows held for a decision ---------------------------------------------------------------


def _key(text: str) -> Key | None:
    sheet, _sep, row = text.rpartition(":")
    return (sheet, int(row)) if row.isdigit() else None


def _held_post(request: HttpRequest, batch: ImportBatch, case: HeldCase | None) -> None:
    """Carry out the decision posted for ``case`` (the one the page showed)."""
    user = signed_in_user(request)
    rows = [k for k in (_key(t) for t in request.POST.getlist("row")) if k is not None]
    shown_rows = {(r.sheet, r.row) for r in case.rows} if case else set()
    if case is None or not rows or not set(rows) <= shown_rows:
        messages.error(request, _("This row is no longer waiting: someone decided it meanwhile."))
        return
    keep = request.POST.get("keep", "")
    village = request.POST.get("village", "")
    if village == "other":
        village = request.POST.get("village_other", "")
    try:
        if request.POST.get("decision") == "decline" or keep == "none":
            held_decline(batch=batch, user=user, rows=rows)
            messages.success(request, _("Not registered: kept in the import as listed."))
            return
        chosen = [k for k in [_key(keep)] if k is not None and k in shown_rows] if keep else rows
        if request.POST.get("same") == "1" and case.same_written:
            chosen += list(case.same_written)
        decided = held_register(
            batch=batch,
            user=user,
            rows=chosen,
            village_code=village if case.needs_village else "",
            birth_date=parse_date(request.POST.get("birth_date", "") or "")
            if case.needs_birth_date
            else None,
        )
    except ImportRequestError as exc:
        messages.error(request, shown(exc.message))
    else:
        messages.success(
            request,
            _("Registered: %(created)d new, %(linked)d already registered, %(declined)d not kept.")
            % {"created": decided.created, "linked": decided.linked, "declined": decided.declined},
        )


def _held_shown(case: HeldCase, user: Any) -> list[dict[str, Any]]:
    """The rows of a case as the page shows them: identity masked as the role requires."""

    def birth(value: Any) -> str:
        shown_date = user.show_birth_date(value)
        return str(shown_date) if isinstance(shown_date, int) else date_label(shown_date)

    return [
        {
            "row": row,
            "nik": user.show_nik(row.nik),
            "values": {
                name: birth(row.birth_date) if name == "birth_date" else row.value(name)
                for name in COMPARED_VALUES
            },
        }
        for row in case.rows
    ]


_VALUE_LABELS = {"village": "desa"}


@capability_required("import_lists")
def import_held(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows of a saved import held for a decision, one case at a time: choose the village,
    keep one of the rows of a NIK (or none), register or not (mobile-first)."""
    batch = _batch(request, pk)
    user = signed_in_user(request)
    saved = batch.status == ImportStatus.COMMITTED
    cases = held_cases(batch) if saved else []
    try:
        index = max(0, min(int(request.GET.get("kasus", "0")), len(cases) - 1))
    except ValueError:
        index = 0
    waiting = [k for c in cases for k in c]
    case = held_case(batch, cases[index], waiting=waiting) if cases else None
    if request.method == "POST":
        _held_post(request, batch, case)
        return redirect(f"{reverse('import-held', args=[batch.pk])}?kasus={index}")
    shown_rows = _held_shown(case, user) if case else []
    comparison = [
        (
            _(FIELD_LABELS[_VALUE_LABELS.get(name, name)]),
            name in case.differs,
            [r["values"][name] for r in shown_rows],
        )
        for name in COMPARED_VALUES
    ] if case else []  # fmt: skip
    context = {
        "batch": batch,
        "saved": saved,
        "case": case,
        "rows": shown_rows,
        "comparison": comparison,
        "index": index,
        "number": index + 1,
        "total": len(cases),
        "previous": index - 1 if index > 0 else None,
        "next": index + 1 if index + 1 < len(cases) else None,
    }
    return render(request, "registry/imports/held.html", context)
