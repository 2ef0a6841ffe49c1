"""The duplicate review's tab of people also registered in another region (``jaring national
import-pairs``): the reader's own person, and of the other side only the region to contact."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jaring.accounts.permissions import capability_required
from jaring.national.selectors import flags_visible, region_names


@capability_required("review_matches")
def cross_region_flags(request: HttpRequest) -> HttpResponse:
    flags = flags_visible(request.user).order_by("-match_probability", "person_id", "id")
    page = Paginator(flags, 50).get_page(request.GET.get("page"))
    names = region_names({flag.other_region for flag in page})
    return render(
        request,
        "national/flags.html",
        {"page": page, "rows": [(flag, names.get(flag.other_region, "")) for flag in page]},
    )
