"""NIK and phone are shown in full only to roles that need them — on pages and in the API."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import CAPABILITIES, Role, mask_nik, mask_phone

pytestmark = pytest.mark.django_db


def test_mask_keeps_only_the_province_readable() -> None:
    # Kecamatan, birth date and serial hidden: the desa, birth year and sex shown beside the
    # mask cannot fill them in (issue 14).
    assert mask_nik("3571031708800002") == "35**************"
    assert mask_phone("+6281234567890") == "+62812*****890"


@pytest.mark.parametrize("role", list(Role))
def test_pages_and_api_mask_nik_exactly_for_roles_without_the_need(
    role: Role,
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    person = add_people(1, "35.71", seed=9).row(0, named=True)
    user = make_user(f"u-{role}", role, () if role == Role.NATIONAL_ADMIN else ("35.71",))
    full, masked = person["nik"], mask_nik(person["nik"])
    sees_full = CAPABILITIES[role].see_full_nik

    page = login(user).get(reverse("person-detail", args=[person["id"]])).content.decode()
    listing = login(user).get(reverse("people-list")).content.decode()
    api = APIClient()
    api.force_authenticate(user)
    from_api = api.get(f"/api/people/{person['id']}/").json()

    shown = full if sees_full else masked
    hidden = masked if sees_full else full
    assert shown in page and shown in listing and from_api["nik"] == shown
    assert hidden not in page and hidden not in listing
    expected_phone = (
        person["phone"] if CAPABILITIES[role].see_phone else mask_phone(person["phone"])
    )
    assert from_api["phone"] == expected_phone
    # The birth date whole for roles that see full NIKs, its year for the others.
    born = person["birth_date"]
    assert from_api["birth_year"] == born.year
    assert from_api["birth_date"] == (born.isoformat() if sees_full else None)
    whole = born.strftime("%d-%m-%Y")
    assert (whole in listing) == sees_full


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REGENCY_ADMIN])
def test_a_birth_date_changed_by_an_import_shows_as_its_year_in_the_logs_of_a_masked_role(
    role: Role,
    add_people: Callable[..., pl.DataFrame],
    make_user: Callable[..., User],
    login: Callable[[User], Client],
) -> None:
    from jaring.audit.services import RecordChange, record_bulk_updates
    from jaring.registry.models import Person

    person = add_people(1, "35.71", seed=9).row(0, named=True)
    record_bulk_updates(
        Person,
        [
            RecordChange(
                person["id"], person["name"], {"birth_date": ["1980-08-17", "1981-09-18"]}, {}
            )
        ],
        actor=None,
    )
    user = make_user("u", role, ("35.71",))
    client = login(user)
    page = client.get(reverse("person-detail", args=[person["id"]])).content.decode()
    pages = [page]
    if CAPABILITIES[role].view_audit:
        pages.append(client.get(reverse("audit-log")).content.decode())
    whole = ("17 Agu 1980", "18 Sep 1981", "1981-09-18", "1980-08-17")
    if CAPABILITIES[role].see_full_nik:
        assert "18 Sep 1981" in page
    else:
        assert "1980 → 1981" in page
    for text in pages:
        assert CAPABILITIES[role].see_full_nik or not [w for w in whole if w in text]
