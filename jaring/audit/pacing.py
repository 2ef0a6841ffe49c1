"""Reading people a page or a record at a time, without the export right: paced (issue 14).

The door (:mod:`jaring.audit.door`) makes every bulk read an export: the API's lists beyond
their first page need the export right and are recorded. What it leaves open is reading one
page at a time: a role without the export right (a desa operator, the provincial
administrator, the auditor) can still walk the people list page after page, or open person
after person, and so take a whole region's people without ever exporting.

Such reads are paced, per user and per hour (a fixed window of the clock's hour):

- the first :data:`FREE_PAGES` pages of a list are free — finding someone, checking a desa;
- every further page of the web list of people, and every person opened (the person's page,
  the API's record), counts; past ``JARING_BROWSE_PER_HOUR`` (default 200) the answer is
  429 "too many pages" until the hour ends. A role with the export right is not paced: what it
  takes in bulk it takes through the door, recorded.

A person at work opens a few dozen people an hour; a script walking a kab/kota's 100,000 people
needs months at this pace, and asks for them where the audit log shows it. The counts live in
the cache: with the default per-process cache each web worker (gunicorn's three) counts on its
own, so a user may get up to three budgets an hour — still bounded.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

#: Pages of a list read before the pace counts.
FREE_PAGES = 3
_WINDOW = 3600


def paced(user: Any) -> int | None:
    """Count one read by ``user``: ``None`` when allowed, else the seconds until the hour ends.
    Users with the export right (and the command line) are never paced."""
    if user is None or not user.is_authenticated or user.capabilities.export_personal_data:
        return None
    now = int(time.time())
    window = now // _WINDOW
    key = f"jaring:pace:{user.pk}:{window}"
    cache.add(key, 0, timeout=_WINDOW + 60)
    try:
        reads = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_WINDOW + 60)
        reads = 1
    if reads <= settings.JARING_BROWSE_PER_HOUR:
        return None
    return (window + 1) * _WINDOW - now


def page_number(value: str | None) -> int:
    """The page a request asks for (1 when unreadable, as the paginators read it)."""
    return int(value) if value and value.isdigit() else 1


class BrowsePacing(BaseThrottle):
    """The pace for the API's people: a record, or a list page beyond the free ones (a later
    page needs the export right anyway, :class:`~jaring.audit.door.PersonalPagination`)."""

    def __init__(self) -> None:
        self.seconds: int | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        if getattr(view, "action", None) == "list" and (
            page_number(request.query_params.get("page")) <= FREE_PAGES
        ):
            return True
        self.seconds = paced(request.user)
        return self.seconds is None

    def wait(self) -> float | None:
        return self.seconds
