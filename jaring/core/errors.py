"""Pages for refused, missing and failed requests, inside the site's layout and in the reader's
language (templates 403.html, 404.html, 500.html), and the favicon.

Django renders 403 and 404 with the request (the menu shows); its 500 view renders without one,
so :func:`server_error` does, and falls back to a plain sentence if even that fails (a broken
database must not turn the error page into a second error).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

FAVICON = Path(__file__).resolve().parent.parent / "static" / "jaring" / "favicon.ico"


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return render(request, "500.html", status=500)
    except Exception:
        return HttpResponseServerError(
            "<!doctype html><title>Kesalahan</title><p>Maaf, terjadi kesalahan di server. "
            "Coba lagi sebentar lagi.</p>"
        )


@lru_cache(maxsize=1)
def _favicon() -> bytes:
    return FAVICON.read_bytes()


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on every site whatever the page says."""
    return HttpResponse(_favicon(), content_type="image/x-icon")
