"""Monev pages: the dashboard and its map shapes, scope, query counts, figures and awards."""

from __future__ import annotations

import json
from collections.abc import Callable

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.monitoring.models import ReportedFigure, Target

pytestmark = pytest.mark.django_db


def _payload(html: str) -> dict:
    """The charts' data the page carries (``json_script``)."""
    start = html.index('<script id="monev-data" type="application/json">') + 48
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture
def mojokerto(add_people: Callable[..., pl.DataFrame]) -> pl.DataFrame:
    return add_people(80, "35.16", seed=21)


def test_dashboard_of_a_kabkota_shows_tiles_children_and_drill_links(
    mojokerto: pl.DataFrame,
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    client = login(make_user("mojokerto", Role.REGENCY_ADMIN, ("35.16",)))
    url = reverse("monev-dashboard", args=["35.16"])
    # Each stage's tally (people, SK memberships, BPJS registrations, paid months) is read for
    # the region, its children and the trend, and the lapsed members counted once for the
    # children (the region's is their sum; each cached until the next write, a version check
    # each): a few queries per stage, not per row or child.
    with django_assert_max_num_queries(38):  # type: ignore[operator]
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kabupaten Mojokerto" in html and "653.623" in html  # Sakernas, Indonesian digits
    assert f"{reverse('people-list')}?region=35.16" in html
    payload = _payload(html)
    assert sum(c["registered"] for c in payload["children"]) == 80
    assert payload["mapUrl"] == reverse("monev-map", args=["35.16"])
    assert {"occupation", "sex", "age", "funder"} <= set(payload["breakdowns"])
    # Each kecamatan's shape, named as the page names it.
    shapes = client.get(payload["mapUrl"]).json()
    assert len(shapes["features"]) == 18
    names = {f["properties"]["name"] for f in shapes["features"]}
    assert {c["name"] for c in payload["children"]} == names


def test_regions_outside_scope_are_not_shown_and_the_home_redirects_to_ones_own(
    mojokerto: pl.DataFrame, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    assert client.get(reverse("monev-dashboard", args=["35.16"])).status_code == 404
    assert client.get(reverse("monev-dashboard", args=["ID"])).status_code == 404
    assert client.get(reverse("monev-report", args=["35.16", "pdf"])).status_code == 404
    assert client.get(reverse("monev-home")).url == reverse("monev-dashboard", args=["35.71"])
    # Nothing counted in Kota Kediri yet: a clear message, not an error page.
    page = client.get(reverse("monev-dashboard", args=["35.71"]))
    assert page.status_code == 200 and "Tidak ada data" in page.content.decode()


def test_national_dashboard_and_a_bad_period(
    mojokerto: pl.DataFrame, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("nasional", Role.NATIONAL_ADMIN))
    page = client.get(reverse("monev-dashboard", args=["ID"]), {"periode": "2024-13"})
    assert page.status_code == 200 and "tidak dapat dibaca" in page.content.decode()
    assert len(_payload(page.content.decode())["children"]) == 38
    shapes = client.get(reverse("monev-map", args=["ID"]))
    assert len(shapes.json()["features"]) == 38
    again = client.get(reverse("monev-map", args=["ID"]), HTTP_IF_NONE_MATCH=shapes["ETag"])
    assert again.status_code == 304


def test_figures_page_saves_targets_and_flags_disagreeing_figures(
    mojokerto: pl.DataFrame, make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    admin = login(make_user("mojokerto", Role.REGENCY_ADMIN, ("35.16",)))
    saved = admin.post(
        reverse("monev-figures"),
        {"form": "target", "target-region_code": "35.16", "target-year": "2024",
         "target-measure": "ucj_pct", "target-value": "50", "target-source": "BPJS Mojokerto"},
    )  # fmt: skip
    assert saved.status_code == 302 and Target.objects.get().value == 50
    too_high = admin.post(
        reverse("monev-figures"),
        {"form": "target", "target-region_code": "35.16", "target-year": "2024",
         "target-measure": "ucj_pct", "target-value": "120"},
        follow=True,
    )  # fmt: skip
    assert "di atas 100" in too_high.content.decode() and Target.objects.get().value == 50
    outside = admin.post(
        reverse("monev-figures"),
        {"form": "target", "target-region_code": "36.72", "target-year": "2024",
         "target-measure": "registered", "target-value": "10"},
        follow=True,
    )  # fmt: skip
    assert "di luar wilayah" in outside.content.decode() and Target.objects.count() == 1
    today = timezone.localdate().isoformat()
    flagged = admin.post(
        reverse("monev-figures"),
        {"form": "figure", "figure-region_code": "35.16", "figure-as_of": today,
         "figure-kind": "protected", "figure-value": "100", "figure-source": "Laporan Bupati"},
        follow=True,
    )  # fmt: skip
    assert ReportedFigure.objects.count() == 1
    assert "tidak sesuai" in flagged.content.decode().lower()
    auditor = login(make_user("auditor", Role.AUDITOR, ("35.16",)))
    assert auditor.post(reverse("monev-figures"), {"form": "target"}).status_code == 403
    assert auditor.get(reverse("monev-figures")).status_code == 200


def test_working_population_page_shows_sakernas(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    client = login(make_user("jateng", Role.PROVINCIAL_ADMIN, ("33",)))
    page = client.get(reverse("monev-working-population"))
    html = page.content.decode()
    assert page.status_code == 200 and "Kota Semarang" in html and "938.766" in html
    assert len(page.context["rows"]) == 35


def test_api_coverage_checks_and_award_are_scoped(
    mojokerto: pl.DataFrame, make_user: Callable[..., User]
) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user("mojokerto", Role.REGENCY_ADMIN, ("35.16",)))
    coverage = client.get(reverse("api-monev-coverage"), {"region": "35.16"}).json()
    assert coverage["registered"] == 80 and len(coverage["children"]) == 18
    assert client.get(reverse("api-monev-coverage"), {"region": "36.72"}).status_code == 404
    bad = client.get(reverse("api-monev-coverage"), {"region": "35.16", "period": "2024-1x"})
    assert bad.status_code == 400 and "tidak dapat dibaca" in bad.json()["detail"]
    assert client.get(reverse("api-monev-checks"), {"region": "35.16"}).json() == []
    assert (
        client.get(reverse("api-monev-award"), {"province": "35", "year": 2024}).status_code == 404
    )
    national = APIClient()
    national.force_authenticate(make_user("nasional", Role.NATIONAL_ADMIN))
    ranking = national.get(reverse("api-monev-award"), {"province": "35", "year": 2024}).json()
    assert len(ranking["ranking"]) == 38
    bad_year = national.get(reverse("api-monev-award"), {"province": "35", "year": 1990})
    assert bad_year.status_code == 400 and "rentang" in bad_year.json()["detail"]


def test_api_coverage_served_from_its_kept_answer(
    mojokerto: pl.DataFrame,
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
    django_assert_num_queries: Callable[..., object],
) -> None:
    """A repeated request reads the answer kept as bytes until the next write: the session,
    the user, the user's regions and the data versions. The scope is checked first, on the
    code: a region outside it is refused with its reason, and nothing kept is served."""
    client = login(make_user("jatim", Role.PROVINCIAL_ADMIN, ("35",)))
    url = reverse("api-monev-coverage")
    first = client.get(url, {"region": "35.16"})
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    with django_assert_num_queries(4):  # type: ignore[operator]
        again = client.get(url, {"region": "35.16"})
    assert again.content == first.content and again.json()["registered"] == 80
    assert len(again.json()["children"]) == 18
    assert client.get(url, {"region": "35"}).json()["registered"] == 80
    national = login(make_user("nasional", Role.NATIONAL_ADMIN))
    assert national.get(url, {"region": "ID"}).json()["registered"] == 80
    # Kept for the country, refused to a provincial user all the same.
    refused = client.get(url, {"region": "ID"})
    assert refused.status_code == 404 and "di luar wilayah kerja" in refused.json()["detail"]
    outside = client.get(url, {"region": "36.72"})
    assert outside.status_code == 404 and "Kota Cilegon" in outside.json()["detail"]
    unknown = client.get(url, {"region": "35.99"})
    assert unknown.status_code == 404 and "35.99" in unknown.json()["detail"]
    # The browsable API still answers a browser.
    assert (
        "text/html" in client.get(url, {"region": "35.16"}, HTTP_ACCEPT="text/html")["Content-Type"]
    )
    # A write: the next answer is computed again (a person more in Mojokerto).
    add_people(1, "35.16", seed=99)
    assert client.get(url, {"region": "35.16"}).json()["registered"] == 81
