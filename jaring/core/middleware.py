"""Middleware of every request: the language, no caching of answers, the idle sign-out.

Bahasa Indonesia first: Django's LocaleMiddleware follows the browser's Accept-Language, which on
many office computers in Indonesia is English by default; Jaring's users get Indonesian unless
they choose English with the language switch (which sets the language cookie).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

_AVAILABLE = {code for code, _name in settings.LANGUAGES}


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in _AVAILABLE else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class TrustedProxyMiddleware:
    """Behind the local reverse proxy every request comes from 127.0.0.1; the proxy names the
    client in ``X-Forwarded-For``. For requests from ``JARING_TRUSTED_PROXIES`` only, the last
    address there (the one the proxy itself added) becomes ``REMOTE_ADDR``: the sign-in
    lockout, the audit trail and the export records then see who made the request. From any
    other address the header is ignored, so a client cannot choose its own address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = frozenset(settings.JARING_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and request.META.get("REMOTE_ADDR") in self.trusted:
            client = forwarded.rsplit(",", 1)[-1].strip()
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


class NoStoreMiddleware:
    """Every answer Django gives — pages, API answers, downloads — says ``Cache-Control:
    no-store``: personal data must not stay in a browser's cache on a shared kelurahan computer,
    nor in a proxy. Static files are served before this (WhiteNoise) and keep their caching.

    One mechanism for every app: a new page is covered without doing anything.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers["Cache-Control"] = "no-store, max-age=0"
        response.headers.pop("Expires", None)
        return response


# The session is written again (pushing its expiry back by SESSION_COOKIE_AGE) at most this often.
_REFRESH_SECONDS = 300
_LAST_SEEN = "jaring_last_seen"


def session_seen(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """On sign-in: the session starts as just seen (saved with the sign-in itself)."""
    if hasattr(request, "session"):
        request.session[_LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Sign a user out after ``JARING_SESSION_IDLE_HOURS`` without a request.

    Django's ``SESSION_SAVE_EVERY_REQUEST`` would write the session row on every request,
    including htmx's progress polls, and on SQLite such a write waits for a running import's
    transaction. Here the session is written at most every five minutes; its expiry
    (``SESSION_COOKIE_AGE``, the idle time) moves with it, and the time of the last write is
    checked, so an idle session ends on time even if its cookie is replayed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif not isinstance(last_seen, int) or now - last_seen >= _REFRESH_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class OutOfRangeMiddleware:
    """A number too large for the database — an id in a URL, a filter's value — is a bad
    request (400), not a server error: SQLite raises ``OverflowError`` past 2**63 and
    PostgreSQL a ``DataError`` ("out of range"). Found by fuzzing the API (issue 14)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (
            isinstance(exception, OverflowError)
            or (isinstance(exception, DataError) and "out of range" in str(exception))
        ):
            return None
        message = _("A number in the request is too large.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=400)
        return HttpResponseBadRequest(message)
