"""A password someone else chose is changed at first sign-in.

An administrator's new account or password reset leaves ``must_change_password`` set; until the
user picks their own, every page leads to the password form (the API answers with its own
authentication, and signing out or switching language stay possible).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/", "/favicon.ico")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.path not in (reverse("password-change"), reverse("logout"))
        ):
            return redirect("password-change")
        return self.get_response(request)
