"""A Disnaker admin creates a desa operator, who signs in with the password shown once, must
choose their own, and then registers a newly found worker from a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import Person
from jaring.synthetic.people import generate_people

DESA = "35.71.01.1001"
NEW_PASSWORD = "desa-bandar-lor-2026"


def test_an_operator_is_created_changes_the_password_and_adds_a_person(
    live_server: Any, sign_in: Callable[[User], Page], make_user: Callable[..., User]
) -> None:
    page = sign_in(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    page.get_by_role("link", name="Pengguna").click()
    page.get_by_role("link", name="Pengguna baru").click()
    page.locator("input[name=username]").fill("op.bandarlor")
    page.locator("input[name=name]").fill("Siti Aminah")
    page.locator("select[name=role]").select_option("village_operator")
    page.locator("input[name=regions]").fill(DESA)
    page.get_by_role("button", name="Simpan").click()
    password = page.get_by_test_id("password").inner_text().strip()
    assert len(password) == 14
    page.get_by_role("button", name="Keluar").click()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/masuk/")
    page.get_by_label("Nama pengguna").fill("op.bandarlor")
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/akun/sandi/")
    # Every page leads back here until the password is the operator's own.
    page.goto(f"{live_server.url}/orang/")
    page.wait_for_url(f"{live_server.url}/akun/sandi/")
    page.locator("input[name=old_password]").fill(password)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi").click()
    page.wait_for_url(f"{live_server.url}/")

    worker = generate_people(1, regency="35.71", seed=77, within=DESA).row(0, named=True)
    page.goto(f"{live_server.url}/orang/baru/")
    page.locator("input[name=nik]").fill(worker["nik"])
    page.locator("input[name=name]").fill(worker["name"])
    page.locator("input[name=birth_date]").fill(worker["birth_date"].isoformat())
    page.locator("select[name=sex]").select_option(worker["sex"])
    page.locator("select[name=village]").select_option(DESA)
    page.locator("input[name=occupation]").fill("ojek pangkalan")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("person-identity")).to_contain_text(worker["nik"])
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= 390
    person = Person.objects.get()
    assert person.region_id == DESA and person.occupation_id == "ojek_pangkalan"
    assert person.created_at <= timezone.now()
