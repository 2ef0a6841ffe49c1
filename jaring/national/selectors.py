"""Reads of what national matching brought back, restricted to the reader's regions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jaring.national.models import CrossRegionFlag
from jaring.regions.models import Region


def flags_visible(user: Any) -> QuerySet[CrossRegionFlag]:
    """Cross-region flags on the reader's own people (their desa in the reader's regions),
    with the person and desa; the other side is only a region code."""
    return CrossRegionFlag.objects.restrict(user).select_related("person", "region")


def region_names(codes: set[str]) -> dict[str, str]:
    """Names of regions by code ("36.72" → "Kota Cilegon"): the Disnaker to contact. A region
    is public, not personal data."""
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
