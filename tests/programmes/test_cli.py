"""The CLI of issue 15: ``jaring programme …`` and ``jaring sk …`` with ``--json``, and one clear
message (nothing changed) for each kind of bad input."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from jaring.accounts.models import User
from jaring.accounts.roles import Role
from jaring.audit.models import DataExport
from jaring.programmes.models import Decree, DecreeStatus, Membership, Programme
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(*args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


CREATE = (
    "programme",
    "create",
    "--region",
    "35.71",
    "--name",
    "Pekerja rentan DBHCHT",
    "--year",
    "2023",
    "--funder",
    "dbhcht",
    "--start",
    "2023-09",
    "--months",
    "4",
    "--categories",
    "becak,kader:2",
    "--legal-basis",
    "Perwali 34/2023",
)


def test_create_draft_sign_diff_export(
    register: Callable[..., pl.DataFrame], tmp_path: Path
) -> None:
    register(5, occupation_code="becak", birth_date=born(40))
    register(4, seed=2, occupation_code="kader", birth_date=born(40))
    created = run(*CREATE)
    pid = str(created["programme"])
    assert created["categories"] == [
        {"code": "becak", "quota": None, "priority": 0},
        {"code": "kader", "quota": 2, "priority": 1},
    ]
    assert created["wadah"] == "SG" and created["first_month"] == "2023-09"
    draft = run("sk", "draft", "--programme", pid)
    assert {k: draft[k] for k in ("version", "people", "eligible", "over_quota", "excluded")} == {
        "version": 1,
        "people": 7,
        "eligible": 9,
        "over_quota": 2,
        "excluded": {},
    }
    assert (draft["monthly_iuran"], draft["total_iuran"]) == (7 * 16_800, 7 * 16_800 * 4)
    signed = run("sk", "sign", str(draft["sk"]), "--number", "188/1/2023", "--date", "2023-08-28")
    assert signed["memberships"] == 7 and signed["number"] == "188/1/2023"
    updated = run("programme", "update", pid, "--months", "12", "--quota", "8")
    assert updated["months"] == 12 and updated["signed_version"] == 1
    second = run("sk", "draft", "--programme", pid)
    assert second["version"] == 2 and second["first_month"] == "2024-01"
    run("sk", "sign", str(second["sk"]), "--number", "188/2/2023", "--date", "2023-12-20")
    diff = run("sk", "diff", str(draft["sk"]), str(second["sk"]))
    assert (diff["added"], diff["removed"], diff["kept"]) == (0, 0, 7)
    listed = run("programme", "list", "--region", "35.71")
    assert [p["people"] for p in listed["programmes"]] == [7]
    for fmt in ("csv", "xlsx", "pdf"):
        path = tmp_path / f"lampiran.{fmt}"
        exported = run("sk", "export", str(second["sk"]), "--format", fmt, "--output", str(path))
        assert exported["rows"] == 7 and path.stat().st_size > 0
    header = (tmp_path / "lampiran.csv").read_text().splitlines()[0]
    assert header.startswith("no,nik,nama,")
    assert DataExport.objects.filter(kind="lampiran", channel="cli").count() == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--quota", "-5"), "Kuota tidak boleh negatif"),
        (("--quota", "banyak"), "Kuota harus bilangan bulat"),
        (("--budget", "Rp -1"), "Anggaran tidak boleh negatif"),
        (("--budget", "sejuta"), "Anggaran harus bilangan bulat"),
        (("--start", "2023-13"), "Bulan pertama '2023-13' tidak dapat dibaca"),
        (("--start", "Sept 2023"), "tidak dapat dibaca"),
        (("--funder", "dana-desa"), "Sumber dana dana-desa tidak dikenal"),
        (("--categories", "astronot"), "Kategori pekerjaan astronot tidak dikenal"),
    ],
)
def test_bad_programme_input(extra: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(*CREATE, *extra)
    assert not Programme.objects.exists()


def test_a_region_outside_the_users_scope(make_user: Callable[..., User]) -> None:
    make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    args = [a if a != "35.71" else "36.72" for a in CREATE]
    with pytest.raises(CommandError, match="di luar wilayah Anda"):
        call_command(*args, "--user", "kediri")
    assert not Programme.objects.exists()
    assert run(*CREATE, "--user", "kediri")["region"] == "35.71"


def test_signing_twice_editing_a_signed_version_and_foreign_diffs(
    register: Callable[..., pl.DataFrame], tmp_path: Path
) -> None:
    people = register(3, occupation_code="becak", birth_date=born(40))
    pid = str(run(*CREATE)["programme"])
    sk = str(run("sk", "draft", "--programme", pid)["sk"])
    run("sk", "sign", sk, "--number", "1/2023", "--date", "2023-08-28")
    with pytest.raises(CommandError, match="sudah ditandatangani"):
        call_command("sk", "sign", sk, "--number", "2/2023", "--date", "2023-08-29")
    with pytest.raises(CommandError, match="sudah ditandatangani"):
        call_command("sk", "remove", sk, "--person", str(people["id"][0]), "--reason", "withdrew")
    with pytest.raises(CommandError, match="tidak dapat diubah"):
        call_command("programme", "update", pid, "--funder", "apbd")
    signed = Decree.objects.get(pk=sk)
    assert (signed.status, signed.number, Membership.objects.count()) == (
        DecreeStatus.SIGNED,
        "1/2023",
        3,
    )
    other = str(run(*CREATE[:5], "Lain", *CREATE[6:])["programme"])
    other_sk = str(run("sk", "draft", "--programme", other)["sk"])
    with pytest.raises(CommandError, match="program yang berbeda"):
        call_command("sk", "diff", sk, other_sk)
    with pytest.raises(CommandError, match="Format docx tidak dikenal"):
        call_command("sk", "export", sk, "--format", "docx", "--output", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        call_command("sk", "sign", other_sk, "--number", "9", "--date", "28-08-2023")
    assert Decree.objects.get(pk=other_sk).status == DecreeStatus.DRAFT
    assert not (tmp_path / "x.docx").exists()
    assert not DataExport.objects.exists()
