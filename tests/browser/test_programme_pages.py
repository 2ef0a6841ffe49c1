"""A kab/kota admin drafts a decree from the registry, signs it, has its lampiran rendered as
PDF in the background (watching the progress) and downloads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.programmes.models import Decree, DecreeStatus, LampiranFile
from jaring.programmes.services import programme_create


def test_draft_sign_and_download_the_lampiran_pdf(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    add_people: Callable[..., pl.DataFrame],
    real_task_queue: Callable[[], None],
    tmp_path: Path,
) -> None:
    add_people(12, "35.71", seed=8)
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    programme_create(
        user=user,
        region_code="35.71",
        name="Jamsostek Pekerja Rentan Kota Kediri",
        year=2026,
        funder="dbhcht",
        first_month=date(2026, 1, 1),
        months=4,
        legal_basis="Perwali 34/2023",
    )
    page = sign_in(user)
    page.get_by_role("link", name="Program", exact=True).click()
    page.get_by_role("link", name="Jamsostek Pekerja Rentan Kota Kediri").click()
    page.get_by_test_id("draft-button").click()
    expect(page.get_by_test_id("decree-status")).to_have_text("Draf")
    expect(page.get_by_test_id("decree-people")).to_have_text("12")
    expect(page.get_by_test_id("decree-total")).to_have_text("Rp 806.400")  # 12 × 16.800 × 4

    form = page.get_by_test_id("sign-form")
    form.get_by_label("Nomor SK").fill("188.45/7/419.033/2026")
    form.get_by_label("Tanggal SK").fill("2025-12-20")
    form.get_by_role("button", name="Tanda tangani dan bekukan").click()
    expect(page.get_by_test_id("decree-status")).to_have_text("Ditandatangani")
    decree = Decree.objects.get()
    assert decree.status == DecreeStatus.SIGNED and decree.number == "188.45/7/419.033/2026"

    page.get_by_test_id("pdf-request").click()
    expect(page.get_by_test_id("pdf-progress")).to_have_attribute("data-status", "queued")
    real_task_queue()  # the worker renders it; the box polls and offers the download
    expect(page.get_by_test_id("pdf-download")).to_be_visible(timeout=30_000)
    assert LampiranFile.objects.get().status == "ready"
    with page.expect_download() as download:
        page.get_by_test_id("pdf-download").click()
    path = tmp_path / "lampiran.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    record = DataExport.objects.get(kind="lampiran")
    assert (record.actor, record.file_format, record.row_count) == (user, "pdf", 12)
