"""Counts of registered people per region and month, kept current by every write that changes
them (see :mod:`jaring.core.tallies` and ADR 0011)."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from jaring.core.tallies import Tally, tally_constraints, tally_indexes


class PeopleTally(Tally):
    """Registered people by the desa they live in, as flows: +1 in the month they were first
    registered, -1 in the month they left (merged, inactive or deceased: ``status_date``); per
    kecamatan and above also by occupation category, sex, birth year, the funder named by their
    first list and how their occupation was classified."""

    dimensions: ClassVar[tuple[str, ...]] = (
        "occupation",
        "sex",
        "birth_year",
        "funder",
        "occupation_match",  # how the occupation was classified: the home page's review count
    )

    class Meta:
        verbose_name = _("people tally")
        verbose_name_plural = _("people tallies")
        constraints = tally_constraints("people_tally")
        indexes = tally_indexes("people_tally")
