"""A kab/kota admin signs in, sees their city, searches the people list and opens a person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from playwright.sync_api import Page, expect

from jaring.accounts.models import User
from jaring.accounts.roles import Role, mask_nik


def test_regency_admin_finds_a_person_and_never_sees_another_city(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    add_people: Callable[..., pl.DataFrame],
) -> None:
    kediri = add_people(25, "35.71", seed=11)
    cilegon = add_people(25, "36.72", seed=12)
    page = sign_in(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))

    expect(page.get_by_test_id("people-total")).to_have_text("25")
    expect(page.get_by_test_id("home-regions")).to_contain_text("Kota Kediri")

    page.get_by_role("link", name="Orang", exact=True).click()
    expect(page.get_by_test_id("people-count")).to_have_text("25 orang")
    table = page.get_by_test_id("people-table")
    for name in cilegon["name"].to_list():
        expect(table).not_to_contain_text(name)

    target = kediri.row(0, named=True)
    page.get_by_placeholder("Nama atau NIK 16 digit").fill(target["nik"])
    expect(page.get_by_test_id("people-count")).to_have_text("1 orang")  # htmx, no reload
    page.get_by_role("link", name=target["name"]).click()
    expect(page.get_by_test_id("person-identity")).to_contain_text(target["nik"])
    expect(page.get_by_test_id("person-identity")).to_contain_text(target["village_name"])

    page.goto(f"{live_server.url}/orang/{cilegon['id'][0]}/")
    expect(page.locator("body")).to_contain_text("Halaman tidak ditemukan")


def test_provincial_admin_sees_masked_niks(
    live_server: Any,
    sign_in: Callable[[User], Page],
    make_user: Callable[..., User],
    add_people: Callable[..., pl.DataFrame],
) -> None:
    people = add_people(3, "33.75", seed=13)
    page = sign_in(make_user("jateng", Role.PROVINCIAL_ADMIN, ("33",)))
    page.goto(f"{live_server.url}/orang/")
    table = page.get_by_test_id("people-table")
    for nik in people["nik"].to_list():
        expect(table).to_contain_text(mask_nik(nik))
        expect(table).not_to_contain_text(nik)
