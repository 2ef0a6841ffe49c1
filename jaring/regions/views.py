"""Region browser: province → kab/kota → kecamatan → desa, with people counts per child."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jaring.accounts.scoping import region_in_scope, user_region_codes
from jaring.regions.models import Region
from jaring.regions.selectors import region_children
from jaring.registry.selectors import people_count_by_child


@login_required
def region_browser(request: HttpRequest, code: str | None = None) -> HttpResponse:
    region = None
    if code is not None:
        try:
            region = Region.objects.select_related("parent").get(code=code)
        except Region.DoesNotExist as exc:
            raise Http404 from exc
    scope = user_region_codes(request.user)
    children = list(region_children(code).order_by("code"))
    counts = people_count_by_child(request.user, region)
    rows = [
        # A child is open to browse when it lies in the user's regions or contains one of them.
        (
            child,
            counts.get(child.code, 0),
            scope is None
            or region_in_scope(request.user, child.code)
            or any(c.startswith(f"{child.code}.") for c in scope),
        )
        for child in children
    ]
    ancestors = (
        list(Region.objects.filter(code__in=region.ancestor_codes()[:-1]).order_by("code"))
        if region
        else []
    )
    return render(
        request,
        "regions/browser.html",
        {
            "region": region,
            "ancestors": ancestors,
            "rows": rows,
            "total": sum(counts.values()),
        },
    )
