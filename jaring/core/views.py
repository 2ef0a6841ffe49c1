"""The home page: the user's regions and how many people each holds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jaring.regions.models import Region
from jaring.registry.models import OccupationMatch
from jaring.registry.selectors import (
    imports_visible,
    people_count_by_child,
    people_count_within,
    people_visible,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    codes = user.region_codes  # type: ignore[union-attr]
    if codes is None:  # the whole country: one row per province
        counts = people_count_by_child(user, None)
        regions = list(Region.objects.filter(level=1).order_by("code"))
    else:
        regions = list(Region.objects.filter(code__in=codes).select_related("parent"))
        counts = people_count_within(user, [r.code for r in regions])
    region_rows = [(r, counts.get(r.code, 0)) for r in regions]
    people = people_visible(user)
    by_occupation = list(
        people.order_by()
        .values("occupation__code", "occupation__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:12]
    )
    needs_review = people.filter(
        occupation_match__in=[OccupationMatch.FUZZY, OccupationMatch.UNCLASSIFIED]
    ).count()
    return render(
        request,
        "core/home.html",
        {
            "region_rows": region_rows,
            "total": sum(counts.values()),
            "by_occupation": by_occupation,
            "needs_review": needs_review,
            "recent_imports": imports_visible(user)[:5],
        },
    )
