"""A desa operator on a phone decides the rows an import held: the village of a kelurahan name
that two kelurahan of the city share, then which of two rows of one NIK is the worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.imports.services import import_create, import_run
from jaring.registry.models import ImportBatch, ImportRow, Person

PHONE = {"width": 390, "height": 844}
IN_TUGU = "33.74.16.1007"  # one of the two Mangunharjo of Kota Semarang


def test_an_operator_decides_a_held_village_and_a_conflicting_repeat_on_a_phone(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    path = tmp_path / "daftar-rt.csv"
    path.write_text(
        "NIK;Nama;Tgl Lahir;JK;Alamat;Kelurahan\n"
        "3374011708800002;Budi Santoso;17-08-1980;L;Jl. Mawar 5;Mangunharjo\n"
        "3374101708800003;Joko;17-08-1980;L;Jl. Kenanga;Tugurejo\n"
        "3374101708800003;Slamet;17-08-1981;L;Jl. Kenanga 2;Tugurejo\n",
        encoding="utf-8",
    )
    admin = make_user("semarang", Role.REGENCY_ADMIN, ("33.74",))
    with path.open("rb") as source:
        batch = import_create(
            source=source, file_name=path.name, region_code="33.74", source_name="RT", user=admin
        )
    import_run(batch.pk, commit=True)
    assert ImportBatch.objects.get().held == 3

    page = sign_in(admin)
    page.set_viewport_size(PHONE)
    page.get_by_test_id("home-held").get_by_role("link").click()
    expect(page.get_by_test_id("held-position")).to_have_text("Kasus 1 dari 2")
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= PHONE["width"]

    # Mangunharjo: two kelurahan, named with their kecamatan; the NIK points at neither.
    village = page.get_by_test_id("held-village")
    expect(village.get_by_label("Mangunharjo").first).to_be_visible()
    assert village.get_by_role("radio").count() >= 3
    village.locator(f"input[value='{IN_TUGU}']").check()
    page.get_by_test_id("held-register").click()
    expect(page.get_by_test_id("held-position")).to_have_text("Kasus 1 dari 1")
    assert Person.objects.get(name="Budi Santoso").region_id == IN_TUGU

    # One NIK, two people: the rows side by side, the differences marked; keep Slamet.
    case = page.get_by_test_id("held-case")
    expect(case).to_have_attribute("data-kind", "conflict")
    compare = page.get_by_test_id("held-compare")
    expect(compare.locator("tr[data-differs='1']")).to_have_count(3)  # name, birth date, address
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= PHONE["width"]
    case.get_by_label("Baris 4: Slamet").check()
    page.get_by_test_id("held-register").click()
    expect(page.get_by_test_id("held-none")).to_be_visible()
    assert Person.objects.get(name="Slamet").region_id == "33.74.16.1002"  # Tugurejo
    assert not Person.objects.filter(name="Joko").exists()
    assert ImportRow.objects.get(row_number=3).action == "declined"
    assert ImportBatch.objects.get().held == 0
