"""What check_table decides about rows: states, codes, derived values, duplicates."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
import pytest

from jaring.regions.datafiles import read_region_file
from jaring.registry.imports.checking import CheckedTable
from jaring.registry.imports.problems import MappingError, problem_message, problem_messages
from jaring.registry.occupations import OccupationResult

from ..conftest import PEKALONGAN, codes_of, state_of

Check = Callable[..., CheckedTable]
# Budi: man born 17-08-1980 in kecamatan 35.71.03; Ani: woman born 17-08-1985.
BUDI, ANI = "3571031708800002", "3571035708850003"
HEADER = "NIK;Nama;Tgl Lahir;JK;Kelurahan;Kecamatan;No HP;Pekerjaan;Penghasilan"


def _row(nik: str = BUDI, name: str = "Budi", born: str = "17-08-1980", sex: str = "L",
         desa: str = "Bandar Lor", kec: str = "Mojoroto", phone: str = "0812-3456-7890",
         job: str = "Ojek Pangkalan", income: str = "1.000.000") -> str:  # fmt: skip
    return ";".join([nik, name, born, sex, desa, kec, phone, job, income])


def _check(check_csv: Check, *rows: str, **kwargs: Any) -> CheckedTable:
    return check_csv("\n".join([HEADER, *rows]) + "\n", **kwargs)


def test_a_clean_row_is_accepted_with_normalised_values(check_csv: Check) -> None:
    checked = _check(check_csv, _row(name="H. MOCH. BUDI, S.Pd"))
    row = checked.rows.row(0, named=True)
    assert row["state"] == "accepted"
    assert checked.problems.is_empty()
    assert row["nik"] == BUDI
    assert row["name_normalized"] == "muhammad budi"
    assert row["birth_date"] == date(1980, 8, 17)
    assert row["sex"] == "L"
    assert row["village_code"] == "35.71.01.1001"
    assert row["phone"] == "+6281234567890"
    assert (row["occupation_code"], row["occupation_match"]) == ("ojek_pangkalan", "synonym")
    assert row["income_basis"] == 1_000_000


def test_every_row_has_exactly_one_state(check_csv: Check) -> None:
    rows = [_row(), _row(nik="3.57103E+15"), _row(nik=ANI, name="Ani", born="17-08-1985", sex="P",
            phone="0812")]  # fmt: skip
    checked = _check(check_csv, *rows)
    summary = checked.summary()
    assert summary["rows"] == 3 == summary["accepted"] + summary["warnings"] + summary["rejected"]
    assert checked.rows["state"].to_list() == ["accepted", "rejected", "warning"]
    assert summary["problems"] == {"NIK_SCIENTIFIC_NOTATION": 1, "PHONE_INVALID": 1}


def test_missing_birth_date_and_sex_come_from_the_nik(check_csv: Check) -> None:
    checked = _check(check_csv, _row(nik=ANI, name="Ani", born="", sex=""))
    row = checked.rows.row(0, named=True)
    assert (row["birth_date"], row["sex"]) == (date(1985, 8, 17), "P")
    assert codes_of(checked, 2) == {"BIRTH_DATE_FROM_NIK", "SEX_FROM_NIK"}
    assert row["state"] == "warning"


def test_stated_values_differing_from_the_nik_are_warnings(check_csv: Check) -> None:
    checked = _check(check_csv, _row(born="18-08-1980", sex="Perempuan"))
    assert codes_of(checked, 2) == {"NIK_BIRTH_DATE_MISMATCH", "NIK_SEX_MISMATCH"}
    row = checked.rows.row(0, named=True)
    # The NIK is never corrected; the stated values are kept.
    assert (row["nik"], row["birth_date"], row["sex"]) == (BUDI, date(1980, 8, 18), "P")
    assert row["state"] == "warning"


@pytest.mark.parametrize(
    ("born", "codes", "state"),
    [
        ("08/17/1980", {"BIRTH_DATE_MONTH_FIRST"}, "warning"),
        # Unreadable: the NIK's date is used; readable but impossible: held for a person.
        ("31-02-1980", {"BIRTH_DATE_INVALID"}, "warning"),
        ("kemarin", {"BIRTH_DATE_INVALID"}, "warning"),
        ("17-08-2030", {"BIRTH_DATE_FUTURE", "NIK_BIRTH_DATE_MISMATCH"}, "held"),
        ("17-08-2015", {"AGE_BELOW_MINIMUM", "NIK_BIRTH_DATE_MISMATCH"}, "held"),
        ("17-08-1920", {"AGE_ABOVE_MAXIMUM", "NIK_BIRTH_DATE_MISMATCH"}, "warning"),
        ("17 Agustus 1980", set(), "accepted"),
        ("29450", set(), "accepted"),  # an Excel serial saved into a CSV
    ],
)
def test_birth_dates(check_csv: Check, born: str, codes: set[str], state: str) -> None:
    checked = _check(check_csv, _row(born=born))
    assert codes_of(checked, 2) == codes
    assert state_of(checked, 2) == state


def test_sex_written_unreadably(check_csv: Check) -> None:
    checked = _check(check_csv, _row(sex="X"))
    assert codes_of(checked, 2) == {"SEX_UNREADABLE"}
    assert checked.rows["sex"].item() == "L"


def test_name_and_nik_are_required(check_csv: Check) -> None:
    checked = _check(check_csv, _row(name="-"), _row(nik=""))
    assert codes_of(checked, 2) == {"NAME_MISSING"}
    assert codes_of(checked, 3) == {"NIK_EMPTY"}
    assert checked.rows["state"].to_list() == ["rejected", "rejected"]


def test_identical_repeat_is_saved_once(check_csv: Check) -> None:
    checked = _check(check_csv, _row(), _row(nik=ANI, name="Ani", born="", sex="P"),
                     _row(name="BUDI", born="1980-08-17", phone="+62 812 3456 7890"))  # fmt: skip
    assert codes_of(checked, 4) == {"NIK_DUPLICATE_IN_FILE"}
    assert checked.rows["duplicate_of"].to_list() == [None, None, 2]
    assert checked.rows["state"].to_list() == ["accepted", "warning", "warning"]
    detail = problem_messages(
        checked.problems.filter(pl.col("code") == "NIK_DUPLICATE_IN_FILE")
    ).item()
    assert "baris 2" in detail
    assert checked.summary()["duplicates_in_file"] == 1


def test_conflicting_repeats_are_all_held(check_csv: Check) -> None:
    """One NIK, another name: two people under one NIK, for a person to decide."""
    checked = _check(check_csv, _row(), _row(name="Budi Santoso"), _row())
    assert checked.rows["state"].to_list() == ["held"] * 3
    assert all(codes_of(checked, r) == {"NIK_DUPLICATE_CONFLICT"} for r in (2, 3, 4))
    assert checked.summary()["conflicting_rows"] == 3
    assert checked.rows["duplicate_of"].null_count() == 3


def test_villages_with_typos_unknown_and_kecamatan(check_csv: Check) -> None:
    checked = _check(
        check_csv,
        _row(desa="KEL. BANDAR LOR"),
        _row(nik=ANI, name="Ani", born="17-08-1985", sex="P", desa="Bandar Lorr"),
        _row(nik="3571015001900004", name="Cici", born="10-01-1990", sex="P", desa="Atlantis"),
        _row(nik="3571011101900005", name="Dodi", born="11-01-1990", desa="Bandar Lor", kec="Kota"),
    )
    assert codes_of(checked, 2) == set()
    assert codes_of(checked, 3) == {"VILLAGE_FUZZY"}
    assert codes_of(checked, 4) == {"VILLAGE_UNKNOWN"}
    assert codes_of(checked, 5) == {"KECAMATAN_MISMATCH"}
    assert checked.rows["village_code"].to_list() == [
        "35.71.01.1001",
        "35.71.01.1001",
        None,
        "35.71.01.1001",
    ]


def test_the_kecamatan_settles_a_village_name_used_twice(check_csv: Check) -> None:
    regions = read_region_file().filter(pl.col("code").str.starts_with(f"{PEKALONGAN}."))
    villages = regions.filter(pl.col("level") == 4)
    name = villages.filter(pl.len().over("name") > 1).sort("name", "code")["name"][0]
    first, second = villages.filter(pl.col("name") == name).sort("code")["code"].to_list()[:2]
    kecamatan = dict(regions.filter(pl.col("level") == 3).select("code", "name").iter_rows())
    text = "NIK;Nama;Desa;Kecamatan\n" + "\n".join(
        [f"3326011708800002;Budi;{name};{kecamatan[second[:8]]}", f"3326011708800003;Ani;{name};"]
    )
    checked = check_csv(text + "\n", regency=PEKALONGAN)
    assert checked.rows["village_code"].to_list() == [second, None]
    assert "VILLAGE_AMBIGUOUS" in codes_of(checked, 3)
    detail = problem_messages(checked.problems.filter(pl.col("code") == "VILLAGE_AMBIGUOUS")).item()
    assert first in detail and second in detail


def test_single_village_import(check_csv: Check) -> None:
    header = "NIK;Nama;Desa"
    checked = check_csv(
        f"{header}\n{BUDI};Budi;\n{ANI};Ani;Bandar Kidul\n{BUDI[:-1]}5;Cici;Bandar Lor\n",
        place="35.71.01.1001",
    )
    assert checked.rows["village_code"].to_list() == ["35.71.01.1001", None, "35.71.01.1001"]
    assert "VILLAGE_OUTSIDE_IMPORT" in codes_of(checked, 3)
    assert not {c for c in codes_of(checked, 2) if c.startswith("VILLAGE")}


def test_occupations_are_classified_never_guessed(check_csv: Check) -> None:
    seen: list[list[str]] = []

    def classify(texts: list[str]) -> dict[str, OccupationResult]:
        seen.append(list(texts))
        known = {
            "Ojek Pangkalan": OccupationResult(
                "ojek_pangkalan", "synonym", 100.0, "ojek pangkalan"
            ),
            "ojeg": OccupationResult("ojek_pangkalan", "fuzzy", 90.0, "ojek"),
        }
        return {t: known.get(t, OccupationResult(None, "unclassified", 0.0, None)) for t in texts}

    rows = [_row(), _row(nik=ANI, name="Ani", born="17-08-1985", sex="P", job="ojeg"),
            _row(nik="3571015001900004", name="Cici", born="10-01-1990", sex="P", job="Pilot"),
            _row(nik="3571011101900005", name="Dodi", born="11-01-1990", job=""),
            _row(nik="3571011201900006", name="Eko", born="12-01-1990",
                 job="Ojek Pangkalan")]  # fmt: skip
    checked = _check(check_csv, *rows, classify=classify)
    assert seen == [["Ojek Pangkalan", "Pilot", "ojeg"]]  # each distinct text once
    assert codes_of(checked, 3) == {"OCCUPATION_FUZZY"}
    assert codes_of(checked, 4) == {"OCCUPATION_UNCLASSIFIED"}
    assert codes_of(checked, 5) == {"OCCUPATION_MISSING"}
    assert checked.rows["occupation_code"].to_list() == [
        "ojek_pangkalan", "ojek_pangkalan", None, None, "ojek_pangkalan"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("income", "declared", "codes"),
    [
        ("Rp 1.000.000", 1_000_000, set()),
        ("", None, set()),
        ("500.000", 500_000, set()),
        ("1.500.000", 1_500_000, set()),
        ("sejuta", None, {"INCOME_UNREADABLE"}),
    ],
)
def test_income(check_csv: Check, income: str, declared: int | None, codes: set[str]) -> None:
    checked = _check(check_csv, _row(income=income))
    assert checked.rows["declared_income"].item() == declared
    assert checked.rows["income_basis"].item() == 1_000_000  # the programme's, not the list's
    assert codes_of(checked, 2) == codes
    assert checked.rows["state"].item() != "rejected"


def test_signature_blocks_and_blank_rows_are_skipped_not_dropped(check_csv: Check) -> None:
    ani = _row(nik=ANI, name="Ani", born="17-08-1985", sex="P")
    lines = [HEADER, _row(), ";;;;;;;;", ani, ";;;;;;Mengetahui,;;", ";;;;;;Lurah Bandar Lor;;"]
    text = "\n".join(lines) + "\n"
    checked = check_csv(text)
    summary = checked.summary()
    assert summary["rows"] == 2
    assert summary["skipped_rows"] == 2
    assert checked.skipped["reason"].to_list() == ["footer", "footer"]


def test_a_mapping_naming_a_missing_header(check_csv: Check) -> None:
    with pytest.raises(MappingError) as caught:
        _check(check_csv, _row(), mapping={"nik": "NIK", "name": "Nama Lengkap"})
    assert caught.value.code == "MAPPING_HEADER_NOT_FOUND"
    assert "Nama Lengkap" in caught.value.message.render("id")


def test_problem_rows_name_column_and_value(check_csv: Check) -> None:
    checked = _check(check_csv, _row(nik="3571031708800O02"))
    problem = checked.problems.row(0, named=True)
    assert problem["code"] == "NIK_NOT_DIGITS"
    assert problem["severity"] == "error"
    assert problem["column"] == "NIK"
    assert problem["value"] == "3571031708800O02"
    message = problem_message(problem["code"], json.loads(problem["params"]))
    assert "'O'" in message.render("id") and "'O'" in message.render("en")


def test_place_and_date_of_birth_in_one_column(check_csv: Check) -> None:
    text = (
        "NIK;Nama;Tempat/Tgl Lahir;Desa\n"
        f"{BUDI};Budi;Kediri, 17-08-1980;Bandar Lor\n"
        f"{ANI};Ani;KEDIRI 17 AGUSTUS 1985;Bandar Lor\n"
        "3571015001900004;Cici;Blitar;Bandar Lor\n"
    )
    checked = check_csv(text)
    assert checked.rows["birth_place"].to_list() == ["Kediri", "KEDIRI", "Blitar"]
    assert checked.rows["birth_date"].to_list() == [
        date(1980, 8, 17),
        date(1985, 8, 17),
        date(1990, 1, 10),
    ]
    assert "BIRTH_DATE_FROM_NIK" in codes_of(checked, 4)


def test_rt_and_rw_in_separate_columns(check_csv: Check) -> None:
    text = f"NIK;Nama;RT;RW;Desa\n{BUDI};Budi;3;2;Bandar Lor\n{ANI};Ani;03;;Bandar Lor\n"
    checked = check_csv(text)
    assert checked.rows["rt_rw"].to_list() == ["003/002", "RT 03 RW -"]
    assert "RT_RW_INVALID" in codes_of(checked, 3)


def test_region_codes_of_the_nik_against_todays_table(check_csv: Check) -> None:
    moved = "3571991708800002"  # kecamatan 99 of Kota Kediri does not exist (any more)
    checked = _check(check_csv, _row(nik=moved), known_regions={"35.71", "35.71.03"})
    assert codes_of(checked, 2) == {"NIK_KECAMATAN_UNKNOWN"}
    assert state_of(checked, 2) == "warning"
    detail = problem_messages(checked.problems).item()
    assert "35.71.99" in detail


def test_whitespace_rows_are_blank(check_csv: Check) -> None:
    text = "\n".join(
        [HEADER, _row(), " ; ;-; ; ; ; ; ; ", _row(nik=ANI, name="Ani", born="17-08-1985", sex="P")]
    )
    checked = check_csv(text + "\n")
    assert checked.summary()["rows"] == 2
    assert checked.skipped.rows() == [("daftar.csv", 3, "blank")]


def test_income_column_absent_uses_the_default(check_csv: Check) -> None:
    checked = check_csv(f"NIK;Nama;Desa\n{BUDI};Budi;Bandar Lor\n", default_income=2_000_000)
    assert checked.rows["income_basis"].item() == 2_000_000
    assert checked.rows["declared_income"].item() is None
    assert not any(c.startswith("INCOME") for c in codes_of(checked, 2))


def test_a_file_of_placeholders_only(check_csv: Check) -> None:
    checked = check_csv("NIK;Nama;Desa\n ; ; \n-;-;-\n")
    summary = checked.summary()
    assert (summary["rows"], summary["skipped_rows"], summary["problems"]) == (0, 2, {})
    assert checked.rows.columns[:3] == ["_sheet", "_row", "state"]
