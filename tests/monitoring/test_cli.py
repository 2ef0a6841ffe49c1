"""``jaring monev`` on the seed figures: ratios reproduced from stored rows, flags, bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def monev(*args: str) -> dict:
    out = StringIO()
    call_command("monev", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_mojokerto_ucj_from_the_reported_count_and_denominator(db: None) -> None:
    monev(
        "figure",
        "--region",
        "35.16",
        "--date",
        "2023-12-31",
        "--kind",
        "working_population",
        "--value",
        "486.404",
        "--source",
        "Bupati Mojokerto, 31 Jan 2024",
    )
    monev(
        "figure",
        "--region",
        "35.16",
        "--date",
        "2023-12-31",
        "--kind",
        "bpjs_active",
        "--value",
        "187.344",
        "--source",
        "Bupati Mojokerto, 31 Jan 2024",
    )
    check = monev(
        "figure",
        "--region",
        "35.16",
        "--date",
        "2023-12-31",
        "--kind",
        "ucj_pct",
        "--value",
        "38,52",
        "--source",
        "Bupati Mojokerto, 31 Jan 2024",
    )
    assert check["computed"] == pytest.approx(38.5161, abs=1e-4) and check["flagged"] is False
    result = monev("coverage", "--region", "35.16", "--period", "2023-12")
    assert result["region"] == "35.16" and result["period"] == "2023-12"
    assert result["working_population"] == 486404 and result["bpjs_active"] == 187344
    assert result["coverage_pct"] == 38.52
    assert result["coverage_formula"] == "187.344 / 486.404 × 100 = 38,52 %"
    assert result["informal"] == 368340  # Sakernas Agustus 2025
    assert len(result["children"]) == 18 and all("coverage_pct" in c for c in result["children"])


def test_bali_reported_percentage_is_flagged_against_its_own_counts(db: None) -> None:
    for kind, value in (("working_population", "1.873.899"), ("bpjs_active", "935.079")):
        monev(
            "figure",
            "--region",
            "51",
            "--date",
            "2025-03-31",
            "--kind",
            kind,
            "--value",
            value,
            "--source",
            "Antara Bali",
        )
    check = monev(
        "figure",
        "--region",
        "51",
        "--date",
        "2025-03-31",
        "--kind",
        "ucj_pct",
        "--value",
        "50,88",
        "--source",
        "Antara Bali",
    )
    assert check["flagged"] is True and check["computed"] == pytest.approx(49.90, abs=0.005)
    assert check["formula"] == "935.079 / 1.873.899 × 100 = 49,90 %"


def test_cilegon_categories_against_the_reported_total(
    add_people: Callable[..., pl.DataFrame],
) -> None:
    from django.utils import timezone

    add_people(30, "36.72", seed=9)
    today = timezone.localdate().isoformat()
    check = monev(
        "figure",
        "--region",
        "36.72",
        "--date",
        today,
        "--kind",
        "protected",
        "--value",
        "17000",
        "--source",
        "TribunBanten",
    )
    assert check["computed"] == 30 and check["flagged"] is True
    # Counted as the rows stood on the figure's date: none were registered in 2024.
    early = monev(
        "figure",
        "--region",
        "36.72",
        "--date",
        "2024-08-22",
        "--kind",
        "protected",
        "--value",
        "0",
        "--source",
        "TribunBanten",
    )
    assert early["computed"] == 0 and early["flagged"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("coverage", "--region", "99.99"), "tidak dikenal"),
        (("coverage", "--region", "35.16", "--period", "2023-13"), "tidak dapat dibaca"),
        (("coverage", "--region", "35.16", "--period", "2999-01"), "belum terjadi"),
        (("coverage", "--region", "35.16", "--period", "2020-01"), "Tidak ada data"),
        (
            (
                "target",
                "--region",
                "35.16",
                "--year",
                "2024",
                "--measure",
                "ucj_pct",
                "--value",
                "120",
            ),
            "di atas 100",
        ),
        (
            (
                "target",
                "--region",
                "35.16",
                "--year",
                "2024",
                "--measure",
                "registered",
                "--value",
                "-5",
            ),
            "di bawah 0",
        ),
        (
            (
                "report",
                "--region",
                "35.16",
                "--period",
                "2023-12",
                "--format",
                "doc",
                "--output",
                "/tmp/x",
            ),
            "Format",
        ),
    ],
)
def test_bad_input_gives_one_clear_message_and_changes_nothing(
    db: None, args: tuple[str, ...], message: str
) -> None:
    from jaring.monitoring.models import Target

    with pytest.raises(CommandError, match=message):
        monev(*args)
    assert not Target.objects.exists()


def test_region_outside_the_users_scope_is_refused(
    db: None, make_user: Callable[..., object], add_people: Callable[..., pl.DataFrame]
) -> None:
    from jaring.accounts.roles import Role

    add_people(5, "36.72", seed=1)
    make_user("kediri", Role.REGENCY_ADMIN, ("35.71",))
    with pytest.raises(CommandError, match="di luar wilayah kerja"):
        monev("coverage", "--region", "36.72", "--user", "kediri")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("id", "Kode wilayah '99.99' tidak dikenal; contoh: 35.16."),
        ("en", "Unknown region code '99.99'; for example 35.16."),
    ],
)
def test_messages_in_the_readers_language(db: None, language: str, message: str) -> None:
    from django.utils import translation

    with translation.override(language), pytest.raises(CommandError) as refused:
        monev("coverage", "--region", "99.99")
    assert str(refused.value) == message
