"""A kab/kota admin uploads a kelurahan list, watches it being checked, downloads the rows with
problems for the kelurahan to fix, and saves the accepted rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import ImportBatch, Person
from jaring.synthetic.messy import write_messy_file


def test_upload_watch_progress_download_problems_and_save(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    real_task_queue: Callable[[], None],
    tmp_path: Path,
) -> None:
    path = tmp_path / "kiriman-kelurahan.xlsx"
    truth = write_messy_file(
        path, rows=120, regency="35.71", seed=21, fmt="xlsx", reference_date=timezone.localdate()
    )
    page = sign_in(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))

    page.get_by_role("link", name="Impor").click()
    page.get_by_label("Berkas daftar").set_input_files(str(path))
    page.get_by_label("Sumber").fill("Kiriman Kel. Bandar Lor")
    page.get_by_role("button", name="Unggah dan periksa kolom").click()

    # The mapping page shows Jaring's guess; the NIK column was found.
    expect(page.get_by_test_id("mapping-form")).to_be_visible()
    assert page.get_by_label("NIK *").input_value() == truth.headers["nik"]
    page.get_by_role("button", name="Periksa daftar").click()

    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(page.get_by_test_id("import-stage")).to_have_text("Menunggu pekerja…")

    real_task_queue()  # the worker picks the import up; the page polls and reloads itself

    expect(page.get_by_test_id("import-status")).to_have_text("Sudah diperiksa, menunggu disimpan")
    expect(page.get_by_test_id("count-rejected")).to_have_text(str(truth.summary["rejected"]))
    expect(page.get_by_test_id("count-warnings")).to_have_text(str(truth.summary["warnings"]))
    assert Person.objects.count() == 0  # checked only

    with page.expect_download() as download:
        page.get_by_test_id("download-problems").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert {"Status", "Masalah"} <= set(header)
    assert sheet.max_row - 1 == truth.summary["warnings"] + truth.summary["rejected"]
    problems = [
        row[header.index("Masalah")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert all(problems)

    page.get_by_test_id("commit-button").click()
    real_task_queue()
    expect(page.get_by_test_id("import-status")).to_have_text("Tersimpan", timeout=15_000)
    batch = ImportBatch.objects.get()
    assert Person.objects.count() == batch.created > 0
