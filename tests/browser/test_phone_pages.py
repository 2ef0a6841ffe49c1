"""A desa operator works on a phone: the pages fit a 390 px screen (nothing scrolls sideways;
wide tables scroll inside their own box), the error pages are Indonesian inside the layout, and
the favicon is served."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.utils import timezone
from playwright.sync_api import Page

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.imports.services import import_create, import_run
from jaring.registry.matching.services import match_run
from jaring.synthetic.messy import write_messy_file

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}


def _page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_daily_pages_fit_a_phone_and_a_desktop(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    duplicate_registry: dict[str, pl.DataFrame],
    tmp_path: Path,
) -> None:
    path = tmp_path / "kiriman.xlsx"
    write_messy_file(
        path, rows=60, regency="35.71", seed=5, fmt="xlsx", reference_date=timezone.localdate()
    )
    admin = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    with path.open("rb") as source:
        batch = import_create(
            source=source,
            file_name="Daftar pekerja rentan Kel. Bandar Lor tahun anggaran 2026 (revisi).xlsx",
            region_code="35.71",
            source_name="Kiriman Kel. Bandar Lor",
            user=admin,
        )
    import_run(batch.pk, commit=False)
    match_run(region_code="35.71")
    make_user("auditor", Role.AUDITOR, ("35.71",))
    person = duplicate_registry["main"]["id"][0]
    pages = [
        "/",
        "/impor/",
        f"/impor/{batch.pk}/",
        "/duplikat/",
        "/orang/",
        f"/orang/{person}/",
        "/orang/baru/",
        "/pengguna/",
        "/pengguna/baru/",
        "/tidak-ada/",
    ]
    page = sign_in(admin)
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for address in pages:
            page.goto(f"{live_server.url}{address}")
            assert _page_width(page) <= size["width"], (address, size, _page_width(page))
    # The audit log, as the auditor reads it.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    auditor = sign_in(User.objects.get(username="auditor"))
    for address in ("/audit/", "/audit/ekspor/"):
        auditor.goto(f"{live_server.url}{address}")
        assert _page_width(auditor) <= PHONE["width"], (address, _page_width(auditor))


def test_error_pages_in_the_layout_and_a_favicon(
    live_server: Any, sign_in: Callable[[User], Page], make_user: Callable[..., User]
) -> None:
    page = sign_in(make_user("op", Role.VILLAGE_OPERATOR, ("35.71.01.1001",)))
    page.set_viewport_size(PHONE)
    refused = page.goto(f"{live_server.url}/audit/")
    assert refused is not None and refused.status == 403
    assert page.get_by_test_id("error-page").is_visible()
    assert "Peran Anda tidak boleh membuka halaman ini" in page.content()
    assert page.get_by_role("button", name="Menu").is_visible()  # the menu, collapsed
    missing = page.goto(f"{live_server.url}/orang/999999/")
    assert missing is not None and missing.status == 404
    assert "Halaman tidak ditemukan" in page.content()
    assert _page_width(page) <= PHONE["width"]
    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"


def test_every_role_s_menu_pages_fit_a_phone_and_a_desktop(
    live_server: Any,
    page: Page,
    make_user: Callable[..., User],
    add_people: Callable[..., pl.DataFrame],
) -> None:
    add_people(30, "35.71", seed=8, within="35.71.01.1001")
    scopes = {
        Role.NATIONAL_ADMIN: (),
        Role.PROVINCIAL_ADMIN: ("35",),
        Role.REGENCY_ADMIN: ("35.71",),
        Role.VILLAGE_OPERATOR: ("35.71.01.1001",),
        Role.BPJS_VIEWER: ("35.71",),
        Role.AUDITOR: ("35.71",),
    }
    wide: list[tuple[str, str, int, int]] = []
    for role, regions in scopes.items():
        user = make_user(f"u-{role.value}", role, regions)
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server.url}/masuk/")
        page.get_by_label("Nama pengguna").fill(user.username)
        page.get_by_label("Kata sandi").fill("s3cret-pass-for-tests")
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{live_server.url}/")
        links = page.eval_on_selector_all(
            "#nav a.nav-link", "links => links.map(a => a.getAttribute('href'))"
        )
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            for address in dict.fromkeys(["/", *links]):
                if address.startswith("/api/"):
                    continue
                page.goto(f"{live_server.url}{address}")
                width = _page_width(page)
                if width > size["width"]:
                    wide.append((role.value, address, size["width"], width))
    assert wide == []
