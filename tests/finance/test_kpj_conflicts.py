"""One KPJ for two NIKs (issue 16, item 3): a response file that gives one membership number to
two people is listed by the reconciliation (``jaring bpjs reconcile`` ``kpj_conflicts``, with
the KPJ and both people), every row flagged KPJ_SHARED, and nothing already stored is
overwritten by the contested number."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from jaring.finance.exchange.applying import response_import
from jaring.finance.models import Enrolment, ResponseRow
from jaring.finance.selectors.reconciliation import reconcile
from tests.finance.conftest import Signed

pytestmark = pytest.mark.django_db
TODAY = date(2023, 10, 2)


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(*args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A branch's answer as csv: NIK, KPJ, status."""
    lines = ["NIK;No KPJ;Status;TMT"] + [f"'{n};{k};{s};01-09-2023" for n, k, s in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(signed: Signed, path: Path) -> None:
    response_import(user=None, programme=signed.programme, path=path, today=TODAY)


def _kpj(signed: Signed, index: int) -> str:
    person = int(signed.people["id"][index])
    return Enrolment.objects.get(programme=signed.programme, person_id=person).kpj


def test_one_kpj_two_niks_is_listed_and_nothing_is_overwritten(
    signed_programme: Callable[..., Signed], tmp_path: Path
) -> None:
    signed = signed_programme(4)
    niks = signed.people["nik"].to_list()
    # The first answer: A, B and C registered with their own numbers.
    _import(
        signed,
        csv(
            tmp_path / "first.csv",
            [
                (niks[0], "23010000001", "Terdaftar"),
                (niks[1], "23010000002", "Terdaftar"),
                (niks[2], "23010000003", "Terdaftar"),
            ],
        ),
    )
    before = {i: _kpj(signed, i) for i in range(3)}
    first = run("bpjs", "reconcile", "--programme", str(signed.programme.pk), "--on", str(TODAY))
    assert first["kpj_conflicts"] == 0
    # The second answer gives A's number to B as well, and to D (who had none yet).
    path = csv(
        tmp_path / "second.csv",
        [
            (niks[1], "23010000001", "Terdaftar"),
            (niks[3], "23010000001", "Terdaftar"),
        ],
    )
    _import(signed, path)
    flagged = ResponseRow.objects.filter(response__file_name="second.csv")
    assert all("KPJ_SHARED" in row.problems for row in flagged)
    # Nothing already stored changed hands: A keeps its number, B keeps its own.
    assert _kpj(signed, 0) == before[0] == "23010000001"
    assert _kpj(signed, 1) == before[1] == "23010000002"
    assert _kpj(signed, 2) == before[2]
    # The reconciliation lists the number and each person it is given to.
    result = run("bpjs", "reconcile", "--programme", str(signed.programme.pk), "--on", str(TODAY))
    assert result["kpj_conflicts"] >= 2
    conflicts = reconcile(signed.programme, TODAY).lists["kpj_conflicts"]
    people = set(conflicts.filter(conflicts["kpj"] == "23010000001")["person_id"].to_list())
    ids = signed.people["id"].to_list()
    assert {ids[0], ids[1], ids[3]} <= people


def test_one_kpj_two_niks_in_one_file(
    signed_programme: Callable[..., Signed], tmp_path: Path
) -> None:
    signed = signed_programme(3)
    niks = signed.people["nik"].to_list()
    path = csv(
        tmp_path / "answer.csv",
        [
            (niks[0], "23010000007", "Terdaftar"),
            (niks[1], "23010000007", "Terdaftar"),
            (niks[2], "23010000009", "Terdaftar"),
        ],
    )
    result = run("bpjs", "import-response", str(path), "--programme", str(signed.programme.pk))
    assert result["rows"] == 3 and result["unreadable"] == 0
    rows = {r.row_number: r.problems for r in ResponseRow.objects.all()}
    assert "KPJ_SHARED" in rows[2] and "KPJ_SHARED" in rows[3]
    assert "KPJ_SHARED" not in rows[4]
    listed = run("bpjs", "reconcile", "--programme", str(signed.programme.pk), "--on", str(TODAY))
    assert listed["kpj_conflicts"] == 2
    conflicts = reconcile(signed.programme, TODAY).lists["kpj_conflicts"]
    assert set(conflicts["kpj"].to_list()) == {"23010000007"}
    assert set(conflicts["person_id"].to_list()) == set(signed.people["id"].to_list()[:2])
