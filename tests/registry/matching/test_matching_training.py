"""train_model: deterministic for a seed, saved and loaded as Splink JSON, and clear refusals
(too few people, no birth dates, a wrong threshold, a foreign model file)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl
import pytest

from jaring.registry.matching import (
    MIN_TRAINING_RECORDS,
    MatchModel,
    MatchSettings,
    ModelFileError,
    ThresholdError,
    TooFewRecordsError,
    cluster_pairs,
    find_pairs,
    find_pairs_incremental,
    train_model,
)
from jaring.registry.matching.model import FINGERPRINT_KEY, nik_counted_u
from jaring.registry.matching.prepare import prepare_people
from jaring.synthetic.people import generate_people


def test_training_is_deterministic_for_a_seed(
    people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    again = train_model(people, seed=1, settings=settings)
    # The same model, up to the last bit of a float (DuckDB's parallel sums may add in another
    # order): every probability equal to nine significant digits, everything else exactly.
    assert _close(again.settings, model.settings)


def _close(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-15)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_close(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        pairs = zip(left, right, strict=False)
        return len(left) == len(right) and all(_close(a, b) for a, b in pairs)
    return left == right


def test_every_level_has_m_and_u(model: MatchModel) -> None:
    model.check_compatible()
    weights = model.level_weights()
    assert weights.filter(pl.col("gamma") >= 0)["weight"].is_finite().all()
    # A shared household phone is no evidence either way.
    shared = weights.filter((pl.col("field") == "phone") & (pl.col("key") == "shared"))
    assert shared["weight"].item() == 0.0


def test_identical_nik_weighs_more_than_a_twins_nik(model: MatchModel) -> None:
    nik = dict(
        model.level_weights().filter(pl.col("field") == "nik").select("key", "weight").iter_rows()
    )
    assert nik["exact"] > 10
    assert nik["serial_differs_same_kecamatan"] < 0 < nik["exact"]


def test_save_and_load_give_the_same_scores(
    tmp_path: Path, people: pl.DataFrame, model: MatchModel, settings: MatchSettings
) -> None:
    path = tmp_path / "model.json"
    model.save(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["link_type"] == "dedupe_only"  # Splink's own settings JSON
    loaded = MatchModel.load(path)
    assert loaded.settings == model.settings
    before = find_pairs(people, model=model, threshold=0.5, settings=settings)
    after = find_pairs(people, model=loaded, threshold=0.5, settings=settings)
    assert before.equals(after)


def test_saving_the_same_model_twice_writes_the_same_file(
    tmp_path: Path, model: MatchModel
) -> None:
    model.save(tmp_path / "a.json")
    model.save(tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_failed_save_leaves_no_file_behind(tmp_path: Path, model: MatchModel) -> None:
    target = tmp_path / "missing-dir" / "model.json"
    with pytest.raises(FileNotFoundError):
        model.save(target)
    assert not target.parent.exists()


def test_too_small_a_registry_is_refused(people: pl.DataFrame) -> None:
    small = people.head(MIN_TRAINING_RECORDS - 1)
    with pytest.raises(TooFewRecordsError) as error:
        train_model(small, seed=1)
    assert error.value.found == MIN_TRAINING_RECORDS - 1
    assert error.value.minimum == MIN_TRAINING_RECORDS
    assert "paling sedikit" in str(error.value)
    assert "at least" in error.value.message.render("en")


def test_a_registry_without_birth_dates_is_refused(people: pl.DataFrame) -> None:
    undated = people.with_columns(birth_date=pl.lit(None, dtype=pl.Date))
    with pytest.raises(TooFewRecordsError) as error:
        train_model(undated, seed=1)
    assert "tanggal lahir" in str(error.value)
    assert error.value.found == 0


def test_a_registry_without_candidate_pairs_is_refused(people: pl.DataFrame) -> None:
    # Every NIK and name made unique: nothing to learn duplicates from.
    lonely = people.with_columns(
        nik=pl.col("nik").str.slice(0, 6)
        + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(10),
        # Digits vanish from normalised names; letters keep the names apart.
        name=pl.lit("Orang ")
        + pl.col("person_id")
        .cast(pl.String)
        .str.replace_many(list("0123456789"), list("abcdefghij")),
        phone=pl.lit(None, dtype=pl.String),
    )
    with pytest.raises(TooFewRecordsError, match="pasangan"):
        train_model(lonely, seed=1)


def test_a_registry_with_no_sure_duplicate_is_refused_with_a_message() -> None:
    # Realistic, all different: shared names give blocked pairs, but no pair is surely one
    # person (no shared NIK, no same name and birth date). Splink used to fail on log2(0).
    # Crowded into one kecamatan, so names coincide in a desa often enough to train on.
    distinct = (
        generate_people(20_000, regency="36.72", seed=4, within="36.72.01")
        .with_row_index("person_id", offset=1)
        .select(
            pl.col("person_id").cast(pl.Int64),
            "nik",
            "name",
            "birth_date",
            "sex",
            "village_code",
            "phone",
        )
    )
    with pytest.raises(TooFewRecordsError, match="pasti sama"):
        train_model(distinct, seed=1)


@pytest.mark.parametrize("threshold", [1.5, -0.1, math.nan, "0.9", True])
def test_a_threshold_outside_zero_to_one_is_refused(
    threshold: object, people: pl.DataFrame, model: MatchModel
) -> None:
    with pytest.raises(ThresholdError) as error:
        find_pairs(people, model=model, threshold=threshold)  # type: ignore[arg-type]
    assert "antara 0 dan 1" in str(error.value)
    with pytest.raises(ThresholdError):
        find_pairs_incremental(people.head(5), people.tail(5), model=model, threshold=threshold)  # type: ignore[arg-type]
    with pytest.raises(ThresholdError):
        cluster_pairs(pl.DataFrame(), threshold=threshold)  # type: ignore[arg-type]
    with pytest.raises(ThresholdError):
        MatchSettings(threshold=threshold)  # type: ignore[arg-type]


def test_a_model_for_other_comparisons_is_refused(tmp_path: Path, model: MatchModel) -> None:
    settings = json.loads(json.dumps(model.settings))
    settings["comparisons"][0]["comparison_levels"][1]["sql_condition"] = '"name_l" = "name_r"'
    path = tmp_path / "old.json"
    path.write_text(json.dumps(settings), encoding="utf-8")
    with pytest.raises(ModelFileError, match="latih ulang"):
        MatchModel.load(path)


def test_a_model_saved_before_the_weights_changed_is_refused(
    tmp_path: Path, model: MatchModel
) -> None:
    """Same SQL, another rule-set weight (the phone capped at about +5 bits since a family
    shares one number): a model saved before has no fingerprint, or another, and is not used."""
    settings = json.loads(json.dumps(model.settings))
    settings.pop(FINGERPRINT_KEY)
    path = tmp_path / "before.json"
    path.write_text(json.dumps(settings), encoding="utf-8")
    with pytest.raises(ModelFileError, match="latih ulang"):
        MatchModel.load(path)
    settings[FINGERPRINT_KEY] = "0" * 16
    path.write_text(json.dumps(settings), encoding="utf-8")
    with pytest.raises(ModelFileError, match="latih ulang"):
        MatchModel.load(path)
    assert FINGERPRINT_KEY not in model.splink and model.splink["comparisons"]


def test_an_unreadable_model_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError):
        MatchModel.load(path)
    with pytest.raises(ModelFileError):
        MatchModel.load(tmp_path / "absent.json")


def test_counted_nik_u_agree_with_counting_every_pair(people: pl.DataFrame) -> None:
    """The group-size arithmetic of nik_counted_u against brute force on 600 people."""
    frame = prepare_people(people.head(600)).drop_nulls(["nik", "birth_date"])
    pairs = (
        frame.join(frame, how="cross", suffix="_r")
        .filter(pl.col("person_id") < pl.col("person_id_r"))
        .filter(pl.col("nik") != pl.col("nik_r"))
        .with_columns(
            same_kec=pl.col("kecamatan") == pl.col("kecamatan_r"),
            same_date=pl.col("nik_date") == pl.col("nik_date_r"),
        )
    )
    cell = pairs.filter(pl.col("same_kec") & pl.col("same_date"))
    serial = cell.filter(pl.col("nik_head") == pl.col("nik_head_r")).height
    u = nik_counted_u(frame)
    assert u[("nik", "serial_differs_same_kecamatan")] == pytest.approx(
        max(serial, 1) / cell.height
    )
    other = pairs.filter(~pl.col("same_kec") & ~pl.col("same_date"))
    rest = other.filter(pl.col("nik_rest") == pl.col("nik_rest_r")).height
    assert u[("nik", "rest_exact")] == pytest.approx(max(rest, 1) / other.height)
