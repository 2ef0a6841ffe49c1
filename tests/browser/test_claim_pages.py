"""A Disnaker officer reports a member's death, sees the entitlement with its legal basis,
names the widow as payee, ticks the file's documents, and takes the claim through submission,
approval and payment to the handover."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.claims.models import Claim, ClaimStatus
from jaring.registry.models import Person, PersonStatus
from jaring.rules.months import Month
from tests.claims.conftest import Member, member

__all__ = ["member"]


def _step(page: Page, label: str, amount: str | None = None) -> None:
    form = page.get_by_test_id("advance-form")
    form.get_by_label("Langkah berikutnya").select_option(label=label)
    if amount is not None:
        form.get_by_label("Jumlah diterima (Rp)").fill(amount)
    form.get_by_role("button", name="Catat langkah").click()


def test_a_claim_from_report_to_handover(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    member: Callable[..., Member],
) -> None:
    m = member(first=Month(2024, 1), paid=12)
    page = sign_in(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    page.goto(f"{live_server.url}/klaim/")
    page.get_by_test_id("claim-new").click()
    form = page.get_by_test_id("claim-open-form")
    form.get_by_label("NIK peserta").fill(m.nik)
    form.get_by_label("Peristiwa", exact=True).select_option("death")
    form.get_by_label("Tanggal peristiwa").fill("2024-05-10")
    form.get_by_label("Tempat", exact=True).fill("RSUD Gambiran, Kediri")
    form.get_by_role("button", name="Laporkan dan hitung haknya").click()

    expect(page.get_by_test_id("claim-total")).to_have_text("Rp 42.000.000")
    expect(page.get_by_test_id("claim-lines")).to_contain_text("PP 44/2015 jo. PP 82/2019")
    expect(page.get_by_test_id("claim-status")).to_have_text("Dilaporkan")
    assert Person.objects.get(pk=m.person.pk).status == PersonStatus.DECEASED

    page.get_by_text("Isi ahli waris dan penerima pembayaran").click()
    heirs = page.get_by_test_id("heir-form")
    heirs.get_by_label("Nama", exact=True).fill("Siti Aminah")
    heirs.get_by_label("Hubungan", exact=True).select_option("spouse")
    heirs.get_by_label("Penerima pembayaran", exact=True).check()
    heirs.get_by_label("Bank", exact=True).fill("BRI")
    heirs.get_by_label("Nomor rekening", exact=True).fill("0012-3456-7890")
    heirs.get_by_role("button", name="Simpan ahli waris").click()
    expect(page.get_by_test_id("heirs")).to_contain_text("Siti Aminah")
    expect(page.get_by_test_id("documents")).to_contain_text("Buku nikah")

    documents = page.get_by_test_id("documents")
    for _ in range(documents.locator("input[name=received]").count()):
        unticked = documents.locator("input[name=received]:not(:checked)")
        if unticked.count() == 0:
            break
        code = str(unticked.first.get_attribute("data-testid"))
        box = documents.get_by_test_id(code)  # the same box once it is no longer unticked
        box.check()
        box.locator("xpath=ancestor::form").get_by_role("button", name="Simpan").click()
        expect(page.get_by_test_id(code)).to_be_checked()
    expect(documents.locator("input[name=received]:not(:checked)")).to_have_count(0)

    _step(page, "Berkas lengkap")
    expect(page.get_by_test_id("claim-status")).to_have_text("Berkas lengkap")
    _step(page, "Diajukan ke BPJS")
    expect(page.get_by_test_id("claim-sla")).to_contain_text("3 hari kerja")
    _step(page, "Disetujui")
    _step(page, "Dibayar", amount="40000000")
    expect(page.get_by_role("alert").first).to_contain_text("catatan")
    _step(page, "Dibayar", amount="42000000")
    expect(page.get_by_test_id("claim-status")).to_have_text("Dibayar")
    _step(page, "Diserahkan")
    expect(page.get_by_test_id("claim-status")).to_have_text("Diserahkan")
    expect(page.get_by_test_id("claim-steps")).to_contain_text("kediri")

    claim = Claim.objects.get()
    assert claim.status == ClaimStatus.HANDED_OVER and claim.amount_received == 42_000_000
    page.goto(f"{live_server.url}/orang/{m.person.pk}/")
    expect(page.get_by_test_id("person-claims")).to_contain_text("Diserahkan")
