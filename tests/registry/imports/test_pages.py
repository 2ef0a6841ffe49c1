"""A stored problem is a code and parameters: the import page and the API say it in the reader's
language, through the same catalogue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.registry.models import ImportBatch, ImportProblem, ImportStatus

pytestmark = pytest.mark.django_db

INDONESIAN = "Jenis kelamin menurut NIK (laki-laki) berbeda dengan yang dicatat (perempuan)."
ENGLISH = "The sex encoded in the NIK (male) differs from the recorded sex (female)."


def _batch(status: str, **fields: object) -> ImportBatch:
    return ImportBatch.objects.create(
        file_name="daftar.csv",
        file_sha256="",
        file_size=1,
        region_id="35.71",
        source_name="Kelurahan",
        status=status,
        **fields,
    )


def test_a_stored_problem_reads_in_the_language_the_user_chose(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    batch = _batch(ImportStatus.CHECKED)
    ImportProblem.objects.create(
        batch=batch,
        row_number=2,
        code="NIK_SEX_MISMATCH",
        severity="warning",
        column="JK",
        params={"nik_sex": "L", "stated_sex": "P"},
    )
    user = make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    client = login(user)
    page = reverse("import-detail", args=[batch.pk])
    assert INDONESIAN in client.get(page).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(page).content.decode()
    assert ENGLISH in english and INDONESIAN not in english

    api = APIClient()
    api.force_authenticate(user)
    (problem,) = api.get(f"/api/imports/{batch.pk}/problems/").json()["results"]
    assert problem["params"] == {"nik_sex": "L", "stated_sex": "P"}
    assert (problem["detail"], problem["detail_en"]) == (INDONESIAN, ENGLISH)


def test_why_a_run_failed_is_stored_as_a_code_and_shown_in_either_language(
    make_user: Callable[..., User], login: Callable[[User], Client]
) -> None:
    batch = _batch(
        ImportStatus.FAILED, error_code="FILE_EMPTY", error_params={"file": "daftar.csv"}
    )
    client = login(make_user("kediri", Role.REGENCY_ADMIN, ("35.71",)))
    page = reverse("import-detail", args=[batch.pk])
    assert "Berkas daftar.csv kosong." in client.get(page).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "File daftar.csv is empty." in client.get(page).content.decode()
