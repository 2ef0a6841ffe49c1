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


def test_mask_keeps_region_and_serial_readable() -> None:
    assert mask_nik("3571031708800002") == "3571********0002"
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
