"""The input check names the column, the rule and example rows; the derived name forms."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from jaring.registry.matching import MatchingInputError
from jaring.registry.matching.prepare import prepare_people
from jaring.synthetic.registries import people_frame, person_row


def one(name: str, **changes: object) -> pl.DataFrame:
    row = person_row(7, name=name, birth_date=date(1985, 3, 4), phone="0812-3456-7890")
    return people_frame([{**row, **changes}])


@pytest.mark.parametrize(
    ("written", "norm", "core", "first"),
    [
        ("H. MOCH. SOEPRAPTO, S.Pd", "muhammad suprapto", "suprapto", "suprapto"),
        ("Siti Nur Aisyah", "siti nur aisyah", "aisyah", "aisyah"),
        ("Umhammad Jamal Prakasa", "umhammad jamal prakasa", "jamal prakasa", "jamal"),
        ("Muhadi Santoso", "muhadi santoso", "muhadi santoso", "muhadi"),
        ("Muhammad", "muhammad", "muhammad", "muhammad"),
    ],
)
def test_name_forms(written: str, norm: str, core: str, first: str) -> None:
    frame = prepare_people(one(written))
    assert frame["name_norm"].item() == norm
    assert frame["name_core"].item() == core
    assert frame["name_first"].item() == first


def test_nik_parts_and_phone() -> None:
    frame = prepare_people(one("Budi", nik="3571031708800002")).row(0, named=True)
    assert frame["nik_head"] == "357103170880"
    assert frame["nik_tail"] == "1708800002"
    assert frame["nik_rest"] == "3571030002"
    assert frame["kecamatan"] == "35.71.01"
    assert frame["phone"] == "6281234567890"


def test_a_phone_typed_for_many_people_is_not_a_blocking_key() -> None:
    rows = [person_row(i, name=f"Orang {i}", birth_date=None, phone="+628111") for i in range(1, 8)]
    assert prepare_people(people_frame(rows))["phone_block"].is_null().all()


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"nik": "35710317088"}, "NIK bukan 16 angka"),
        ({"sex": "X"}, "jenis kelamin"),
        ({"village_code": "3571011001"}, "kode desa"),
        ({"person_id": None}, "person_id kosong"),
    ],
)
def test_bad_values_are_named(changes: dict[str, object], rule: str) -> None:
    with pytest.raises(MatchingInputError) as error:
        prepare_people(one("Budi", **changes))
    assert rule in str(error.value)
    assert error.value.message.render("en")


def test_missing_columns_and_wrong_types_are_named() -> None:
    with pytest.raises(MatchingInputError, match="birth_date"):
        prepare_people(one("Budi").drop("birth_date"))
    with pytest.raises(MatchingInputError, match="birth_date"):
        prepare_people(one("Budi").with_columns(pl.col("birth_date").cast(pl.String)))


def test_duplicate_person_ids_are_refused() -> None:
    frame = pl.concat([one("Budi"), one("Ani")])
    with pytest.raises(MatchingInputError, match="lebih dari sekali") as error:
        prepare_people(frame)
    assert "7" in str(error.value)
