"""Real lists (issue 12): a worker who should be registered is never refused for the wrong
reason. Declared income is information; a place the file lacks comes from the upload; what
needs a person's decision is held, not rejected."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.registry.imports.checking import CheckedTable
from jaring.registry.imports.problems import (
    IMPORT_PROBLEM_SPECS,
    problem_messages,
    problem_spec,
)
from jaring.rules.messages import translate

from ..conftest import codes_of

Check = Callable[..., CheckedTable]
BUDI = "3571031708800002"  # a man born 17-08-1980, kecamatan 35.71.03 (Kota Kediri)
HEADER = "NIK;Nama;Tgl Lahir;JK;Kelurahan;Penghasilan"


def _one(income: str) -> str:
    return f"{HEADER}\n{BUDI};Budi;17-08-1980;L;Bandar Lor;{income}\n"


def _written(amount: int, style: int) -> str:
    dotted = f"{amount:,}".replace(",", ".")
    return [dotted, f"Rp {dotted}", f"Rp. {dotted},-", str(amount), f"{amount:,}"][style]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=st.integers(min_value=0, max_value=50_000_000), style=st.integers(0, 4))
def test_declared_income_never_rejects_and_is_kept_as_given(
    check_csv: Check, amount: int, style: int
) -> None:
    checked = check_csv(_one(_written(amount, style)))
    row = checked.rows.row(0, named=True)
    assert row["state"] != "rejected"
    assert row["declared_income"] == amount
    assert row["income_basis"] == 1_000_000  # the contribution basis is the programme's
    assert not {c for c in codes_of(checked, 2) if c.startswith("INCOME")}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(written=st.text(alphabet="abcxyz-/ ?!", min_size=1, max_size=12))
def test_unreadable_income_is_a_warning_at_most(check_csv: Check, written: str) -> None:
    checked = check_csv(_one(written))
    assert checked.rows["state"].item() != "rejected"
    income = checked.problems.filter(checked.problems["code"].str.starts_with("INCOME"))
    assert set(income["severity"].to_list()) <= {"warning"}


def test_a_desa_list_with_an_income_column_registers_everyone(check_csv: Check) -> None:
    """Ten rows with Rp 500.000–1.750.000 (the list that rejected nine of ten)."""
    amounts = [500_000, 750_000, 1_000_000, 1_250_000, 1_500_000, 1_750_000, 600_000, 900_000,
               1_100_000, 1_300_000]  # fmt: skip
    lines = ["NIK;Nama;Tgl Lahir;JK;Kelurahan;Penghasilan"]
    for i, amount in enumerate(amounts):
        nik = f"3571031708{80 + i:02d}{i + 1:04d}"
        lines.append(f"{nik};Warga {i};17-08-19{80 + i};L;Bandar Lor;{amount:,}".replace(",", "."))
    checked = check_csv("\n".join(lines) + "\n")
    assert checked.summary()["rejected"] == 0
    assert checked.rows["declared_income"].to_list() == amounts


_INTERNAL = re.compile(r"open question|\bQ\d+\b|unverified|UNVERIFIED|TODO|FIXME", re.I)


def test_no_import_message_shows_an_internal_note() -> None:
    """What an import user reads never names an open question or an unverified note."""
    codes = [*IMPORT_PROBLEM_SPECS, "INCOME_BASIS_BELOW_MINIMUM", "INCOME_BASIS_NOT_LISTED"]
    for code in codes:
        template = problem_spec(code).template
        for language in ("id", "en"):
            assert not _INTERNAL.search(translate(template, language)), code


# --- the list's place --------------------------------------------------------------------------

BANDAR_LOR, BANDAR_KIDUL, MOJOROTO = "35.71.01.1001", "35.71.01.1002", "35.71.01"
KEDIRI_KOTA_VILLAGE = "Kemasan"  # kecamatan Kota (35.71.02)


def _rt_list(*names: str) -> str:
    """A desa's RT/RW list: no desa column at all."""
    lines = ["NIK;Nama;Tgl Lahir;JK;Alamat"]
    lines += [
        f"3571011708{80 + i:02d}{i + 1:04d};{n};17-08-19{80 + i};L;RT 01 RW 02"
        for i, n in enumerate(names)
    ]
    return "\n".join(lines) + "\n"


def test_a_desa_list_without_a_desa_column_takes_the_chosen_desa(check_csv: Check) -> None:
    checked = check_csv(_rt_list("Budi", "Joko", "Sri"), place=BANDAR_LOR)
    assert checked.rows["village_code"].to_list() == [BANDAR_LOR] * 3
    summary = checked.summary()
    assert summary["rejected"] == summary["held"] == 0


def test_without_a_place_the_rows_are_held_never_rejected(check_csv: Check) -> None:
    checked = check_csv(_rt_list("Budi", "Joko"))
    assert checked.rows["state"].to_list() == ["held", "held"]
    assert checked.summary()["held"] == 2
    assert set(checked.problems["code"]) >= {"VILLAGE_MISSING"}
    assert set(checked.problems.filter(pl.col("code") == "VILLAGE_MISSING")["severity"]) == {"hold"}


def test_a_kecamatan_list_resolves_inside_it_and_holds_what_is_outside(check_csv: Check) -> None:
    text = (
        "NIK;Nama;Kelurahan\n"
        "3571011708800001;Budi;Bandar Kidul\n"
        f"3571011708810002;Joko;{KEDIRI_KOTA_VILLAGE}\n"
        "3571011708820003;Sri;\n"
    )
    checked = check_csv(text, place=MOJOROTO)
    assert checked.rows["village_code"].to_list()[0] == BANDAR_KIDUL
    assert checked.rows["state"].to_list()[1:] == ["held", "held"]
    assert codes_of(checked, 3) >= {"VILLAGE_OUTSIDE_IMPORT"}
    assert codes_of(checked, 4) >= {"VILLAGE_MISSING"}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    village=st.one_of(
        st.just(""),
        st.sampled_from(["Bandar Lor", "Bandr Lor", "Kemasan", "Desa Antah Berantah", "-", "?"]),
        st.text(alphabet="abcdefghij .-", max_size=15),
    ),
    place=st.sampled_from([None, BANDAR_LOR, MOJOROTO]),
)
def test_a_village_is_never_a_reason_to_reject(
    check_csv: Check, village: str, place: str | None
) -> None:
    checked = check_csv(f"NIK;Nama;Kelurahan\n{BUDI};Budi;{village}\n", place=place)
    assert checked.rows["state"].item() != "rejected"
    village_problems = checked.problems.filter(pl.col("code").str.starts_with("VILLAGE"))
    assert set(village_problems["severity"]) <= {"hold", "warning"}


def test_only_a_row_that_cannot_be_a_person_is_rejected(check_csv: Check) -> None:
    """No valid NIK, no name: rejected. An unreadable birth date takes the NIK's; an
    impossible one, shifted columns and a formula without a value are held or warned."""
    text = (
        "NIK;Nama;Tgl Lahir;Kelurahan\n"
        f"{BUDI};Budi;kemarin;Bandar Lor\n"
        f"3571031708810003;Joko;17-08-2031;Bandar Lor\n"
        f"3571031708820004;;17-08-1982;Bandar Lor\n"
        f"357103170882;Sri;17-08-1982;Bandar Lor\n"
    )
    checked = check_csv(text)
    assert checked.rows["state"].to_list() == ["warning", "held", "rejected", "rejected"]
    assert checked.rows["birth_date"].to_list()[0] == date(1980, 8, 17)  # the NIK's


# --- a kelurahan name twice in one kab/kota ----------------------------------------------------

SEMARANG = "33.74"  # Kota Semarang: two Mangunharjo (33.74.10, 33.74.16), two Purwosari


@pytest.mark.parametrize(
    ("nik_kecamatan", "village", "state", "code"),
    [
        ("337410", "33.74.10.1003", "warning", "VILLAGE_FROM_NIK"),
        ("337416", "33.74.16.1007", "warning", "VILLAGE_FROM_NIK"),
        ("337401", None, "held", "VILLAGE_AMBIGUOUS"),  # the NIK points at neither
    ],
)
def test_a_shared_kelurahan_name_is_told_apart_by_the_nik_s_kecamatan(
    check_csv: Check, nik_kecamatan: str, village: str | None, state: str, code: str
) -> None:
    text = f"NIK;Nama;Kelurahan\n{nik_kecamatan}1708800002;Budi;Mangunharjo\n"
    checked = check_csv(text, regency=SEMARANG)
    row = checked.rows.row(0, named=True)
    assert (row["village_code"], row["state"]) == (village, state)
    assert code in codes_of(checked, 2)
    if village:
        message = problem_messages(checked.problems.filter(pl.col("code") == code)).item()
        assert village in message and nik_kecamatan[:2] in message


def test_the_place_chosen_at_upload_comes_before_the_nik(check_csv: Check) -> None:
    """A list of kecamatan 33.74.16 with a NIK issued in 33.74.10 (the worker moved)."""
    text = "NIK;Nama;Kelurahan\n3374101708800002;Budi;Mangunharjo\n"
    checked = check_csv(text, regency=SEMARANG, place="33.74.16")
    assert checked.rows["village_code"].item() == "33.74.16.1007"
    assert "VILLAGE_FROM_NIK" not in codes_of(checked, 2)


# --- the same worker twice in one file ---------------------------------------------------------


def test_the_same_worker_twice_is_one_person_and_the_repeat_is_reported(check_csv: Check) -> None:
    text = (
        "NIK;Nama;Tgl Lahir;JK;Pekerjaan;Alamat;Kelurahan\n"
        f"{BUDI};Budi Santoso;17-08-1980;L;Ojek;Jl. Mawar No. 5;Bandar Lor\n"
        f"{BUDI};BUDI  SANTOSO;17/08/1980;L;Ojek;Jalan Mawar 5 RT 1;Bandar Lor\n"
        f"{BUDI};Budi Santoso;17-08-1980;L;Ojek;Jl. Mawar No. 5;Bandar Lor\n"
    )
    checked = check_csv(text)
    assert checked.rows["state"].to_list() == ["accepted", "warning", "warning"]
    assert checked.rows["duplicate_of"].to_list() == [None, 2, 2]
    assert codes_of(checked, 3) == {"NIK_DUPLICATE_SAME_PERSON"}
    assert codes_of(checked, 4) == {"NIK_DUPLICATE_IN_FILE"}
    assert checked.summary()["duplicates_in_file"] == 2
    message = problem_messages(
        checked.problems.filter(pl.col("code") == "NIK_DUPLICATE_SAME_PERSON")
    ).item()
    assert "Alamat" in message and "Nama" not in message


def test_one_nik_for_two_people_is_held_not_rejected(check_csv: Check) -> None:
    text = (
        "NIK;Nama;Tgl Lahir;Kelurahan\n"
        f"{BUDI};Budi Santoso;17-08-1980;Bandar Lor\n"
        f"{BUDI};Slamet Riyadi;17-08-1980;Bandar Lor\n"
    )
    checked = check_csv(text)
    assert checked.rows["state"].to_list() == ["held", "held"]
    assert checked.summary()["duplicates_in_file"] == 0
    assert checked.summary()["held"] == 2


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    addresses=st.lists(st.text(alphabet="abc .,0123", max_size=10), min_size=2, max_size=4),
)
def test_repeats_of_one_person_are_never_rejected_nor_held(
    check_csv: Check, addresses: list[str]
) -> None:
    lines = ["NIK;Nama;Tgl Lahir;Alamat;Kelurahan"]
    lines += [f"{BUDI};Budi;17-08-1980;{a};Bandar Lor" for a in addresses]
    checked = check_csv("\n".join(lines) + "\n")
    assert set(checked.rows["state"]) <= {"accepted", "warning"}
    assert checked.summary()["duplicates_in_file"] == len(addresses) - 1
