"""The demo's claims figures (issue 17, item 7), computed from the rows ``jaring demo`` writes:
Kabupaten Mojokerto's Rp 392.000.000 handed over (6 × 42 + 2 × 70 million), Kota Cilegon's
claims at 164,4 % of its Rp 480.457.660 of iuran, one claim stalled past its service level and
one refused because the membership had lapsed; and the demo's words (Indonesian sentences,
the codes only as hints, dates as "21 Nov 2026", numbers as "392.000.000").

One test builds the whole demo (the seeds of the other apps are what the claims stand on): about
a minute and a half on either database.
"""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from jaring.claims.models import Claim, ClaimStatus, EventKind
from jaring.claims.selectors import claims_summary, overdue
from jaring.core.scoping import within_q
from jaring.finance.models import Payment

pytestmark = pytest.mark.django_db

MOJOKERTO, CILEGON, WUNUT, PEKALONGAN = "35.16", "36.72", "33.10.19.2018", "33.75"


def _claims(region: str) -> list[Claim]:
    return list(Claim.objects.filter(within_q("region", [region])).prefetch_related("lines"))


def test_the_demo_claims_figures_come_from_the_rows() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    said = out.getvalue()

    # Kabupaten Mojokerto: 6 JKM deaths of Rp 42.000.000 and 2 JKK deaths of Rp 70.000.000,
    # each handed over to the heir, Rp 392.000.000 received in all.
    mojokerto = _claims(MOJOKERTO)
    assert Counter(c.event for c in mojokerto) == {EventKind.DEATH: 6, EventKind.WORK_DEATH: 2}
    assert {c.status for c in mojokerto} == {ClaimStatus.HANDED_OVER}
    for claim in mojokerto:
        expected = 42_000_000 if claim.event == EventKind.DEATH else 70_000_000
        assert claim.total == sum(line.amount for line in claim.lines.all()) == expected
        assert claim.amount_received == expected
    assert sum(c.amount_received or 0 for c in mojokerto) == 6 * 42_000_000 + 2 * 70_000_000
    assert claims_summary(None, year=2024, region=MOJOKERTO).paid == 392_000_000

    # Kota Cilegon: the claims paid against the iuran its payments brought, 164,4 %.
    cilegon = _claims(CILEGON)
    paid = sum(c.amount_received or 0 for c in cilegon if c.status in ("paid", "handed_over"))
    iuran = (
        Payment.objects.filter(within_q("bill__programme__region", [CILEGON]))
        .filter(bill__month__year=2024)
        .aggregate(s=Sum("amount"))["s"]
    )
    assert (paid, iuran) == (790_000_000, 480_457_660)
    assert round(paid * 100 / iuran, 1) == 164.4
    summary = claims_summary(None, year=2024, region=CILEGON).as_dict()
    assert (summary["paid"], summary["iuran"], summary["ratio_percent"]) == (
        790_000_000,
        480_457_660,
        164.4,
    )

    # One claim stalled past its service level: submitted, not settled, working days late.
    late = overdue(None, on=timezone.localdate())
    assert late.height == 1
    stalled = Claim.objects.get(pk=late["claim_id"][0])
    assert stalled.region_id == WUNUT and stalled.status == ClaimStatus.SUBMITTED
    assert late["late_days"][0] > 0

    # One refused because the membership had lapsed, with that reason from the rules engine.
    refused = Claim.objects.get(status=ClaimStatus.REJECTED)
    assert refused.region_id.startswith(PEKALONGAN)
    assert refused.entitled is False and refused.total == 0
    assert list(refused.findings.filter(role="reason").values_list("code", flat=True)) == [
        "CLAIM_MEMBERSHIP_ENDED"
    ]

    # The words the demo prints: Indonesian, the codes only as hints, no raw dates or numbers.
    assert "Rp 392.000.000" in said
    assert "iuran Rp 480.457.660; rasio 164,4 %" in said
    assert "Kepesertaan berakhir" in said and "(CLAIM_MEMBERSHIP_ENDED)" in said
    assert re.search(r"diajukan \d{1,2} [A-Z][a-z]{2} \d{4}", said)
    assert not re.search(r"\b\d{2}-\d{2}-\d{4}\b", said), "a date as dd-mm-yyyy"
    assert not re.search(r"\d,\d{3}\b", said), "a number grouped with commas"
    assert not re.search(r"(?<!\()\b[A-Z]+(?:_[A-Z]+)+\b(?!\))", said), "a bare code"
    assert "Kota Kediri (35.71)" in said  # a user's region by name, the code as a hint
