"""Reads of the finance tallies for Monev: members registered at BPJS, members paid for a month
and members lapsed in a month, per region (see :mod:`jaring.finance.tallies`)."""

from __future__ import annotations

from collections.abc import Iterable

from jaring.core.tallies import tally_children, tally_months, tally_totals
from jaring.finance.models import BpjsTally, LapseTally, PaidTally


def bpjs_tally_totals(codes: Iterable[str], *, upto: int) -> dict[str, int]:
    """Enrolments registered at BPJS with effect by month ``upto`` (``yyyymm``), per region."""
    return tally_totals(BpjsTally, codes, upto=upto)


def bpjs_tally_children(code: str, *, upto: int) -> dict[str, int]:
    return tally_children(BpjsTally, code, upto=upto)


def paid_tally_totals(codes: Iterable[str], *, upto: int) -> dict[str, int]:
    """Enrolments paid for month ``upto`` (``yyyymm``), per region: the active members."""
    return tally_totals(PaidTally, codes, upto=upto)


def paid_tally_children(code: str, *, upto: int) -> dict[str, int]:
    return tally_children(PaidTally, code, upto=upto)


def paid_tally_months(code: str) -> dict[int, int]:
    """The change in paid members each month (``yyyymm``) in ``code``."""
    return tally_months(PaidTally, code)


def lapse_tally_totals(codes: Iterable[str], *, upto: int) -> dict[str, int]:
    """Members lapsed in month ``upto`` (``yyyymm``), per region: what
    :func:`~jaring.finance.selectors.status.lapsed_counts` counts from the rows."""
    return tally_totals(LapseTally, codes, upto=upto)


def lapse_tally_children(code: str, *, upto: int) -> dict[str, int]:
    return tally_children(LapseTally, code, upto=upto)
