"""The CLI of issue 16 on a fresh database after the SK issue's CLI: every command with
``--json`` and its contract's keys, and one clear message (exit non-zero, nothing changed) for
each kind of bad input."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter
from django.core.management import CommandError, call_command

from jaring.audit.models import DataExport
from jaring.finance.models import (
    Bill,
    BillLine,
    BpjsTally,
    Enrolment,
    LapseTally,
    PaidTally,
    Payment,
    ResponseFile,
    ResponseRow,
)
from jaring.finance.selectors.tallies import bpjs_tally_totals, paid_tally_totals
from jaring.finance.tallies import finance_tally_differences
from jaring.programmes.selectors import membership_tally_totals
from tests.programmes.conftest import born

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(*args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, "--json", stdout=io.StringIO())
    return str(caught.value)


def response_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A branch's return list: two title rows, then the header, then ``rows``."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Hasil")
    sheet.write(0, 0, "DAFTAR HASIL PENDAFTARAN PESERTA BPU — KANTOR CABANG KEDIRI")
    sheet.write(1, 0, "Wadah: SG Pemkot Kediri")
    for col, title in enumerate(["No", "NIK", "Nama", "No. KPJ", "Status", "Keterangan", "TMT"]):
        sheet.write(3, col, title)
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


def test_cli_from_sk_to_budget(register: Callable[..., pl.DataFrame], tmp_path: Path) -> None:
    people = register(12, occupation_code="becak", birth_date=born(40, date(2023, 9, 1)))
    pid = str(
        run(
            "programme", "create", "--region", "35.71", "--name", "DBHCHT 2023", "--year",
            "2023", "--funder", "dbhcht", "--start", "2023-09", "--months", "4",
            "--categories", "becak", "--budget", "2000000",
        )["programme"]
    )  # fmt: skip
    draft = run("sk", "draft", "--programme", pid)
    sk = str(draft["sk"])
    run("sk", "sign", sk, "--number", "188/45/2023", "--date", "2023-08-28")

    out = tmp_path / "daftar.xlsx"
    first = run("bpjs", "registration-file", sk, "--output", str(out))
    assert first["rows"] == 12 and out.stat().st_size > 0
    table = pl.read_excel(out)
    assert table.columns[:3] == ["NIK", "NAMA", "TEMPAT LAHIR"]
    assert sorted(table["NIK"].cast(pl.String).to_list()) == sorted(people["nik"].to_list())
    assert DataExport.objects.filter(kind="bpjs-registration", row_count=12).count() == 1

    niks = people["nik"].to_list()
    rows: list[list[object]] = [
        [i + 1, f"'{nik}", name, f"{23010000000 + i}", "Terdaftar", "", "01-09-2023"]
        for i, (nik, name) in enumerate(zip(niks[:9], people["name"], strict=False))
    ]
    rows.append([10, niks[9], "X", None, "DITOLAK", "NIK tidak ditemukan di Dukcapil", None])
    rows.append([11, niks[10], "Y", "230199", "Non Aktif", "Menunggak iuran", "2023-09-01"])
    rows.append([12, "3571010101900009", "Orang lain", "23019999999", "aktif", "", "2023-09-01"])
    rows.append([13, "35710101", "Rusak", "23019999998", "aktif", "", ""])
    rows.append(rows[0].copy())  # the same row again
    path = response_xlsx(tmp_path / "balasan.xlsx", rows)
    result = run("bpjs", "import-response", str(path), "--programme", pid)
    assert {k: result[k] for k in ("rows", "registered", "rejected", "inactive", "not_in_sk",
                                   "unreadable")} == {
        "rows": 14, "registered": 9, "rejected": 1, "inactive": 1, "not_in_sk": 1,
        "unreadable": 1,
    }  # fmt: skip
    assert result["repeated"] == 1 and result["already_imported"] is False
    # the same file twice changes nothing
    again = run("bpjs", "import-response", str(path), "--programme", pid)
    assert again["already_imported"] is True and ResponseFile.objects.count() == 1
    assert ResponseRow.objects.count() == 14
    kinds = dict(ResponseRow.objects.values_list("row_number", "problems"))
    assert "KPJ_LENGTH" in kinds[15]  # 230199: six digits, kept with a warning
    assert "NIK_UNREADABLE" in kinds[17]

    rec = run("bpjs", "reconcile", "--programme", pid, "--on", "2023-09-20")
    assert rec["in_sk_not_active"] == 3  # rejected, non-active, not answered
    assert rec["active_not_in_sk"] == 1 and rec["kpj_conflicts"] == 0
    # only the not yet registered go into the next file; --all for a renewal
    assert run("bpjs", "registration-file", sk, "--output", str(out))["rows"] == 3
    assert run("bpjs", "registration-file", sk, "--output", str(out), "--all")["rows"] == 12

    bill = run("bills", "issue", "--programme", pid, "--month", "2023-09")
    assert set(bill) >= {"bill", "lines", "total", "due_date"}
    # 11 billed (the rejected one is withheld) × Rp 16,800; 15 Sep 2023 is a Friday
    assert (bill["lines"], bill["total"], bill["due_date"]) == (11, 11 * 16_800, "2023-09-15")
    paid = run(
        "payments", "record", "--bill", str(bill["bill"]), "--amount", "100800",
        "--date", "2023-09-14", "--reference", "SP2D-0912/2023",
    )  # fmt: skip
    assert {k: paid[k] for k in ("paid", "outstanding")} == {
        "paid": 100_800,
        "outstanding": 11 * 16_800 - 100_800,
    }
    status = run("bills", "status", "--programme", pid, "--on", "2023-09-20")
    assert {k: status[k] for k in ("active", "arrears_1", "lapsed", "outstanding")} == {
        "active": 6,
        "arrears_1": 0,
        "lapsed": 0,
        "outstanding": 5 * 16_800,
    }
    assert status["not_yet_active"] == 6  # never paid: 5 billed unpaid + 1 rejected
    # Monev reads the same from the tallies the writes kept: 12 in the SK, 9 registered at
    # BPJS (the one registered in another region's rows is not an enrolment), 6 paid for
    # September and nobody yet for October; each tally equals a recomputation from the rows.
    assert membership_tally_totals(["35.71"], upto=202309) == {"35.71": 12}
    assert bpjs_tally_totals(["35.71", ""], upto=202309) == {"35.71": 9, "": 9}
    assert paid_tally_totals(["35.71"], upto=202309) == {"35.71": 6}
    assert paid_tally_totals(["35.71"], upto=202310) == {"35.71": 0}
    assert all(finance_tally_differences(m).is_empty() for m in (BpjsTally, PaidTally, LapseTally))
    budget = run("budget", "--programme", pid)
    assert (budget["ceiling"], budget["billed"], budget["paid"]) == (2_000_000, 184_800, 100_800)
    # September billed; October to December projected for the 12 in the decree
    assert budget["projected"] == 184_800 + 3 * 12 * 16_800
    assert budget["fits"] is True
    sim = run("budget", "--programme", pid, "--more-people", "10", "--jht")
    assert sim["simulation"]["added"] == 3 * (12 * 20_000 + 10 * 36_800)
    assert sim["fits"] is False


def test_bad_input_changes_nothing(register: Callable[..., pl.DataFrame], tmp_path: Path) -> None:
    register(3, occupation_code="becak", birth_date=born(40, date(2023, 9, 1)))
    pid = str(
        run(
            "programme", "create", "--region", "35.71", "--name", "P", "--year", "2023",
            "--funder", "apbd", "--start", "2023-09", "--months", "2",
        )["programme"]
    )  # fmt: skip
    sk = str(run("sk", "draft", "--programme", pid)["sk"])
    # a draft is not registered
    assert "draf" in fails("bpjs", "registration-file", sk, "--output", str(tmp_path / "a.xlsx"))
    run("sk", "sign", sk, "--number", "1/2023", "--date", "2023-08-28")
    assert "sebelum" in fails("bills", "issue", "--programme", pid, "--month", "2023-08")
    assert "SK" in fails("bills", "issue", "--programme", pid, "--month", "2023-11")
    bill = str(run("bills", "issue", "--programme", pid, "--month", "2023-09")["bill"])
    message = fails("bills", "issue", "--programme", pid, "--month", "2023-09")
    assert "sudah ditagih" in message
    assert Bill.objects.count() == 1 and BillLine.objects.count() == 3
    pay = ("payments", "record", "--bill", bill, "--date", "2023-09-10", "--reference")
    assert "lebih" in fails(*pay, "R1", "--amount", "60000")
    assert "Rp 0" in fails(*pay, "R1", "--amount", "-5000")
    assert "Rp 0" in fails(*pay, "R1", "--amount", "0")
    assert "sebelum" in fails(
        "payments", "record", "--bill", bill, "--date", "2023-08-01", "--reference", "R1",
        "--amount", "50400",
    )  # fmt: skip
    assert Payment.objects.count() == 0
    over = run(*pay, "R1", "--amount", "60000", "--confirm-over")
    assert over["overpaid"] == 60_000 - 50_400 and over["outstanding"] == 0
    assert "sudah dicatat" in fails(*pay, "R1", "--amount", "1000", "--confirm-over")
    assert Payment.objects.count() == 1
    # a response without a NIK column, and one of KPJs of the wrong shape
    bad = tmp_path / "bad.csv"
    bad.write_text("Nama;No KPJ;Status\nA;1;aktif\n", encoding="utf-8")
    assert "NIK" in fails("bpjs", "import-response", str(bad), "--programme", pid)
    assert ResponseFile.objects.count() == 0 and Enrolment.objects.filter(kpj="1").count() == 0
    assert "tidak ada" in fails("bills", "status", "--programme", "999")
