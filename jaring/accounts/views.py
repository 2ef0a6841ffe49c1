"""Pages of user management (/pengguna/…) and of one's own password: thin views over
``accounts.services`` and ``accounts.selectors``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jaring.accounts.errors import AccountError
from jaring.accounts.forms import UserForm, UsersImportForm
from jaring.accounts.models import User
from jaring.accounts.permissions import capability_required, signed_in_user
from jaring.accounts.roles import Role, roles_grantable
from jaring.accounts.selectors import user_managed_get, users_managed
from jaring.accounts.services import (
    UserSpec,
    password_changed,
    user_active_set,
    user_create,
    user_password_reset,
    user_state,
    user_update,
    users_file_read,
    users_import,
    users_template,
)
from jaring.core.messages import shown
from jaring.core.scratch import scratch_folder

PAGE_SIZE = 50


def _managed(request: HttpRequest, pk: int) -> User:
    try:
        return user_managed_get(request.user, pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc


@capability_required("manage_users")
def user_list(request: HttpRequest) -> HttpResponse:
    admin = signed_in_user(request)
    users = users_managed(admin)
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(region_scopes__region_id__startswith=query)
        ).distinct()
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    if request.GET.get("active") in ("0", "1"):
        users = users.filter(is_active=request.GET["active"] == "1")
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": query,
            "role": role,
            "active": request.GET.get("active", ""),
            "roles": roles_grantable(Role(admin.role)),
        },
    )


def _spec_error(form: Form, exc: AccountError) -> None:
    form.add_error(None, str(exc))


@capability_required("manage_users")
def user_new(request: HttpRequest) -> HttpResponse:
    admin = signed_in_user(request)
    form = UserForm(request.POST or None, granter=Role(admin.role))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = user_create(
                admin=admin,
                spec=UserSpec(
                    username=data["username"],
                    role=data["role"],
                    regions=tuple(form.region_codes()),
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                ),
            )
        except AccountError as exc:
            _spec_error(form, exc)
        else:
            # Shown on this answer only: the password is stored nowhere in clear.
            return render(
                request,
                "accounts/user_password.html",
                {"managed": created.user, "password": created.password, "new": True},
            )
    return render(request, "accounts/user_form.html", {"form": form})


@capability_required("manage_users")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin = signed_in_user(request)
    managed = _managed(request, pk)
    initial = {
        "name": managed.get_full_name(),
        "role": managed.role,
        "regions": ", ".join(r.region_id for r in managed.region_scopes.all()),
        "email": managed.email,
        "phone": managed.phone,
        "state": user_state(managed),
    }
    form = UserForm(request.POST or None, initial=initial, granter=Role(admin.role), editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_update(
                admin=admin,
                user=managed,
                expected_updated=data["state"],
                name=data["name"],
                role=data["role"],
                regions=form.region_codes(),
                email=data["email"],
                phone=data["phone"],
            )
        except AccountError as exc:
            _spec_error(form, exc)
        else:
            messages.success(request, _("User %(username)s saved.") % {"username": managed})
            return redirect("user-list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "managed": managed, "state": user_state(managed), "self": managed == admin},
    )


@require_POST
@capability_required("manage_users")
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    managed = _managed(request, pk)
    active = request.POST.get("active") == "1"
    try:
        user_active_set(
            admin=signed_in_user(request),
            user=managed,
            active=active,
            expected_updated=request.POST.get("state", ""),
        )
    except AccountError as exc:
        messages.error(request, str(exc))
        return redirect("user-edit", pk=pk)
    text = (
        _("User %(username)s can sign in again.")
        if active
        else _("User %(username)s is deactivated: signed out, and can no longer sign in.")
    )
    messages.success(request, text % {"username": managed})
    return redirect("user-list")


@require_POST
@capability_required("manage_users")
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    managed = _managed(request, pk)
    try:
        password = user_password_reset(
            admin=signed_in_user(request),
            user=managed,
            expected_updated=request.POST.get("state", ""),
        )
    except AccountError as exc:
        messages.error(request, str(exc))
        return redirect("user-edit", pk=pk)
    return render(
        request, "accounts/user_password.html", {"managed": managed, "password": password}
    )


@capability_required("manage_users")
def user_import(request: HttpRequest) -> HttpResponse:
    admin = signed_in_user(request)
    form = UsersImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower() or ".xlsx"
        try:
            with tempfile.NamedTemporaryFile(suffix=suffix, dir=scratch_folder()) as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
                handle.flush()
                rows = users_file_read(Path(handle.name))
            created = users_import(admin=admin, rows=rows)
        except AccountError as exc:
            context["error"] = str(exc)
            context["problems"] = [shown(p) for p in exc.problems]
        else:
            context["created"] = [
                (c.user, request.build_absolute_uri(c.link), c.regions) for c in created
            ]
    return render(request, "accounts/user_import.html", context)


class PasswordChange(auth_views.PasswordChangeView):
    """One's own password; also where a first sign-in lands (accounts.middleware)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=form.user)
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordSet(auth_views.PasswordResetConfirmView):
    """A one-time link from an administrator: choose a password, then sign in with it."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=form.user)
        messages.success(self.request, _("Your password is set; sign in with it."))
        return response


@capability_required("manage_users")
def user_import_template(request: HttpRequest) -> HttpResponse:
    """The list of users to fill in (one example row to overwrite)."""
    response = HttpResponse(
        users_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-pengguna-jaring.xlsx"'
    return response
