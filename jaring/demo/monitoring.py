"""The demo's monitoring: the seed reports' dates, figures, targets and the Paritrana Award.

- **Dates.** The demo's lists are dated as the reports date them (each registry list spread over
  the three months before), so a figure reported on a date is compared with the rows as they
  stood then: Kota Pekalongan's 423 in 2022, Kabupaten Mojokerto's 27,727 by the end of 2023,
  Kota Kediri's 9,300 at the end of 2023, Kota Cilegon's seven groups by August 2024.
- **Reported figures** (RULES.md §8), kept as reported: Mojokerto's UCJ 38.52 % with BPJS's
  187,344 active participants and the reported denominator 486,404 (consistent); Bali's 50.88 %
  against 935,079 / 1,873,899 = 49.90 % (flagged); Cilegon's 17,000 against its categories'
  19,185 and its 6,207 still funded against 6,164 (both flagged); Kediri's 41.7 % (no count to
  check it against); Pekalongan's 423 (consistent).
- **Targets**: Mojokerto UCJ 50 % for 2024, Kota Kediri 60 % (Kediri Raya), Bali 67.28 % for
  2025, Pekalongan 1,000 workers for 2022 then 2,000 for 2023.
- **Paritrana Award, Jawa Tengah 2024**: the default indicators, the panel's scores and entered
  budgets for every kab/kota (the winners' from the award's story, the others drawn from a
  seeded generator) and for six desa; the ranking puts Kota Semarang, Kabupaten Demak and Kota
  Tegal first, and Desa Wunut, Tipar Kidul and Balapulang Wetan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
from django.db.models.functions import Mod

from jaring.core.formats import number
from jaring.monitoring.models import AwardCategory, FigureKind, Measure
from jaring.monitoring.scorecard import award_rank, scheme_for, score_set
from jaring.monitoring.services import figure_report, tallies_recompute, target_set
from jaring.regions.models import Region
from jaring.registry.models import ImportBatch, Person

if TYPE_CHECKING:
    from jaring.demo.builder import Demo

# The month each list was complete, by the region it was imported for (repeat lists by source).
LIST_MONTHS: dict[str, tuple[int, int]] = {
    "33.75": (2022, 7),  # Perwal Pekalongan 19 B/2022: 423 realised in 2022
    "35.16": (2023, 11),  # Mojokerto's 27,727, reported at the end of 2023
    "35.71": (2023, 12),  # Kota Kediri's SK of 9,300 (Perwali 34/2023)
    "36.72": (2024, 1),  # Cilegon's APBD 2024 groups
    "33.74": (2023, 9),
    "33.21": (2023, 9),
    "33.76": (2023, 10),
    "33.10.19.2018": (2023, 8),
    "33.02.14.2002": (2023, 8),
    "33.28.04.2018": (2023, 8),
}
REPEAT_MONTHS: dict[str, tuple[int, int]] = {
    "Kader Posyandu — bantuan Baznas Kota Kediri": (2024, 3),
    "Pekerja rentan Kota Mojokerto — CSR kawasan NIP": (2024, 2),
    "Linmas — Satpol PP Kota Cilegon": (2024, 10),
}

MOJOKERTO = "Bupati Mojokerto, Wartakum7 31 Jan 2024"
CILEGON = "Disnaker Kota Cilegon, TribunBanten 24 Agu 2024"
BALI = "BPJS Ketenagakerjaan Bali, Antara 31 Mar 2025"
KEDIRI = "Pj Wali Kota Kediri, Bangsaonline 28 Mei 2024"
PEKALONGAN = "Dinperinaker Kota Pekalongan, Japos Jan 2023"

# (region, as of, kind, value, source, occupation categories)
FIGURES: tuple[tuple[str, date, FigureKind, str, str, tuple[str, ...]], ...] = (
    ("35.16", date(2023, 12, 31), FigureKind.WORKING_POPULATION, "486404", MOJOKERTO, ()),
    ("35.16", date(2023, 12, 31), FigureKind.BPJS_ACTIVE, "187344", MOJOKERTO, ()),
    ("35.16", date(2023, 12, 31), FigureKind.UCJ_PCT, "38.52", MOJOKERTO, ()),
    ("35.16", date(2023, 12, 31), FigureKind.PROTECTED, "27727", MOJOKERTO, ()),
    ("51", date(2025, 3, 31), FigureKind.WORKING_POPULATION, "1873899", BALI, ()),
    ("51", date(2025, 3, 31), FigureKind.BPJS_ACTIVE, "935079", BALI, ()),
    ("51", date(2025, 3, 31), FigureKind.UCJ_PCT, "50.88", BALI, ()),
    ("36.72", date(2024, 8, 22), FigureKind.PROTECTED, "17000", CILEGON, ()),
    (
        "36.72",
        date(2024, 8, 22),
        FigureKind.PROTECTED,
        "6207",
        CILEGON + " (tersisa setelah adhoc KPU dan Bawaslu)",
        ("ketua_rt_rw", "kader", "nelayan", "petugas_kebersihan", "linmas"),
    ),
    ("36.72", date(2024, 8, 22), FigureKind.UCJ_PCT, "53", CILEGON, ()),
    ("35.71", date(2024, 5, 28), FigureKind.UCJ_PCT, "41.7", KEDIRI, ()),
    ("35.71", date(2023, 12, 31), FigureKind.PROTECTED, "9300", KEDIRI + " (SK 2023)", ()),
    ("33.75", date(2022, 12, 31), FigureKind.PROTECTED, "423", PEKALONGAN, ()),
)

TARGETS: tuple[tuple[str, int, Measure, str, str], ...] = (
    ("35.16", 2024, Measure.UCJ_PCT, "50", "BPJS Ketenagakerjaan Mojokerto"),
    ("35.71", 2024, Measure.UCJ_PCT, "60", "BPJS Ketenagakerjaan Kediri Raya"),
    ("51", 2025, Measure.UCJ_PCT, "67.28", "Kemendagri"),
    ("33.75", 2022, Measure.REGISTERED, "1000", "Perwal Pekalongan 19 B/2022"),
    ("33.75", 2023, Measure.REGISTERED, "2000", "Dinperinaker Kota Pekalongan"),
)

# Panel scores and entered budgets (Rp per informal worker) of the award's winners.
WINNERS: dict[str, dict[str, int]] = {
    "33.74": {"regulasi": 100, "anggaran": 60_000, "klaim": 95, "inovasi": 96, "wawancara": 95},
    "33.21": {"regulasi": 100, "anggaran": 56_000, "klaim": 94, "inovasi": 92, "wawancara": 94},
    "33.76": {"regulasi": 100, "anggaran": 18_000, "klaim": 70, "inovasi": 68, "wawancara": 72},
}
VILLAGES: dict[str, dict[str, int]] = {
    "33.10.19.2018": {"regulasi": 100, "anggaran": 24_000_000, "inovasi": 95, "wawancara": 92},
    "33.02.14.2002": {"regulasi": 100, "anggaran": 20_000_000, "inovasi": 90, "wawancara": 90},
    "33.28.04.2018": {"regulasi": 100, "anggaran": 16_000_000, "inovasi": 85, "wawancara": 86},
    "33.10.19.2001": {"regulasi": 0, "anggaran": 6_000_000, "inovasi": 60, "wawancara": 70},
    "33.02.14.2001": {"regulasi": 100, "anggaran": 4_000_000, "inovasi": 55, "wawancara": 65},
    "33.28.04.2001": {"regulasi": 0, "anggaran": 2_000_000, "inovasi": 40, "wawancara": 60},
}


def _dated_lists() -> None:
    """Give each list's people the months the list was gathered (a first list in three waves,
    the last in the month of the list; a later list all in its month), then count them again."""
    for batch in ImportBatch.objects.filter(dry_run=False).select_related("region"):
        repeat = REPEAT_MONTHS.get(batch.source_name)
        year, month = repeat or LIST_MONTHS.get(batch.region_id, (2024, 6))
        people = Person.objects.filter(source_batch=batch).annotate(
            wave=Mod("id", 3 if not repeat else 1)
        )
        waves = 1 if repeat else 3
        for wave in range(waves):
            back = month - (waves - 1 - wave)
            when = datetime(year + (back - 1) // 12, (back - 1) % 12 + 1, 10, 3, tzinfo=UTC)
            people.filter(wave=wave).update(created_at=when)
    tallies_recompute()


def monitoring_build(demo: Demo) -> None:
    admin = demo.users["nasional"]
    _dated_lists()
    for region, as_of, kind, value, source, categories in FIGURES:
        figure_report(
            region_code=region,
            as_of=as_of,
            kind=kind,
            value=Decimal(value),
            source=source,
            categories=list(categories),
            user=admin,
        )
    for region, year, measure, value, source in TARGETS:
        target_set(
            region_code=region, year=year, measure=measure, value=Decimal(value), source=source,
            user=admin,
        )  # fmt: skip
    demo.say("  Monev: angka dilaporkan dan target dari berita; Paritrana Jawa Tengah 2024…")
    _award(demo)


def _award(demo: Demo) -> None:
    rng = np.random.default_rng(demo.seed)
    scheme = scheme_for("33", 2024, AwardCategory.REGENCY)
    for region in Region.objects.filter(parent_id="33", level=2).order_by("code"):
        scores = WINNERS.get(region.code) or {
            "regulasi": int(rng.choice([0, 100], p=[0.4, 0.6])),
            "anggaran": int(rng.integers(4, 36)) * 1_000,
            "klaim": int(rng.integers(40, 80)),
            "inovasi": int(rng.integers(30, 75)),
            "wawancara": int(rng.integers(40, 80)),
        }
        for code, value in scores.items():
            score_set(
                scheme=scheme, indicator_code=code, region_code=region.code, value=Decimal(value)
            )
    villages = scheme_for("33", 2024, AwardCategory.VILLAGE)
    for region_code, scores in VILLAGES.items():
        for code, value in scores.items():
            score_set(
                scheme=villages, indicator_code=code, region_code=region_code, value=Decimal(value)
            )
    for category in (AwardCategory.REGENCY, AwardCategory.VILLAGE):
        top = award_rank(province_code="33", year=2024, category=category).rows[:3]
        demo.say(
            "    " + ", ".join(f"{r.rank}. {r.place.name} ({number(r.score, 2)})" for r in top)
        )
