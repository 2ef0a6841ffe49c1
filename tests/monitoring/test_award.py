"""The Paritrana scorecard: weights that must add up, contributions, and the demo's winners."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from jaring.demo.builder import Demo
from jaring.demo.monitoring import _award
from jaring.monitoring.models import AwardCategory, IndicatorSource
from jaring.monitoring.scorecard import (
    AwardError,
    IndicatorSpec,
    award_json,
    award_rank,
    scheme_configure,
    scheme_for,
    score_set,
)
from jaring.monitoring.services import tallies_recompute
from jaring.registry.models import Person

pytestmark = pytest.mark.django_db


def test_weights_that_do_not_add_up_are_refused_and_nothing_changes() -> None:
    specs = [
        IndicatorSpec("regulasi", "Regulasi", IndicatorSource.SCORED, Decimal(60)),
        IndicatorSpec("cakupan", "Cakupan", IndicatorSource.COVERAGE, Decimal(35)),
    ]
    with pytest.raises(AwardError, match="berjumlah 95, seharusnya 100"):
        scheme_configure(
            province_code="33", year=2024, category=AwardCategory.REGENCY, indicators=specs
        )
    from jaring.monitoring.models import AwardScheme

    assert not AwardScheme.objects.exists()
    with pytest.raises(AwardError, match="bukan kode provinsi"):
        award_rank(province_code="33.74", year=2024, category=AwardCategory.REGENCY)


def test_scores_are_scaled_weighted_and_explained() -> None:
    scheme = scheme_configure(
        province_code="33",
        year=2024,
        category=AwardCategory.REGENCY,
        indicators=[
            IndicatorSpec("regulasi", "Regulasi", IndicatorSource.SCORED, Decimal(50)),
            IndicatorSpec("anggaran", "Anggaran", IndicatorSource.ENTERED, Decimal(50)),
        ],
    )
    score_set(scheme=scheme, indicator_code="regulasi", region_code="33.74", value=Decimal(100))
    score_set(scheme=scheme, indicator_code="anggaran", region_code="33.74", value=Decimal(40_000))
    score_set(scheme=scheme, indicator_code="anggaran", region_code="33.21", value=Decimal(20_000))
    score_set(scheme=scheme, indicator_code="anggaran", region_code="33.76", value=Decimal(10_000))
    with pytest.raises(AwardError, match="0–100"):
        score_set(scheme=scheme, indicator_code="regulasi", region_code="33.21", value=Decimal(101))
    with pytest.raises(AwardError, match="bukan bagian"):
        score_set(scheme=scheme, indicator_code="regulasi", region_code="35.16", value=Decimal(1))
    result = award_json(award_rank(province_code="33", year=2024, category=AwardCategory.REGENCY))
    first, second = result["ranking"][:2]
    assert (first["region"], first["score"]) == ("33.74", 100.0)
    # Demak: budget (20,000 − 10,000) / (40,000 − 10,000) = 1/3 of the best → 16.67 of 50.
    assert second["region"] == "33.21"
    assert second["indicators"]["anggaran"]["contribution"] == pytest.approx(16.67)
    assert len(result["ranking"]) == 35


def test_demo_scores_rank_the_2024_winners_of_jawa_tengah(
    add_people: Callable[..., pl.DataFrame], tmp_path: Path
) -> None:
    # The demo's lists, a tenth of their size: scaling between the weakest and the best makes
    # the coverage indicator the same.
    for regency, n, seed in (
        ("33.74", 200, 1),
        ("33.21", 150, 2),
        ("33.76", 80, 3),
        ("33.75", 42, 4),
    ):
        add_people(n, regency, seed=seed)
    add_people(15, "33.10", seed=5, within="33.10.19.2018")
    add_people(12, "33.02", seed=6, within="33.02.14.2002")
    add_people(10, "33.28", seed=7, within="33.28.04.2018")
    # Registered in 2023, as the demo dates these lists.
    Person.objects.update(created_at=datetime(2023, 9, 10, 3, tzinfo=UTC))
    tallies_recompute()
    said: list[str] = []
    _award(Demo(seed=2024, say=said.append, users={}, folder=tmp_path))
    regencies = award_rank(province_code="33", year=2024, category=AwardCategory.REGENCY)
    assert [r.place.name for r in regencies.rows[:3]] == [
        "Kota Semarang",
        "Kabupaten Demak",
        "Kota Tegal",
    ]
    villages = award_rank(province_code="33", year=2024, category=AwardCategory.VILLAGE)
    assert [r.place.name for r in villages.rows[:3]] == [
        "Desa Wunut",
        "Desa Tipar Kidul",
        "Desa Balapulang Wetan",
    ]
    assert scheme_for("33", 2024, AwardCategory.REGENCY).indicators.count() == 7
