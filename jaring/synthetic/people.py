"""Believable synthetic workers of a real kab/kota, for the demo, tests and benchmarks.

Everything is drawn column-wise with one seeded NumPy generator, so the same arguments give
the same people on every machine, and a million rows take seconds. Names come from Faker's
``id_ID`` lists; villages, kecamatan and birth places from the packaged Kemendagri table; the
NIK is composed by the rules engine (:func:`jaring.rules.nik.build_nik`) from the person's
kecamatan, birth date and sex, with a serial unique within that prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
from faker.providers.address.id_ID import Provider as AddressProvider
from faker.providers.person.id_ID import Provider as PersonProvider

from jaring.regions.datafiles import read_region_file
from jaring.registry.fields import WRITTEN
from jaring.rules.nik import build_nik


@dataclass(frozen=True)
class OccupationMix:
    """One occupation category of a population: its code, how lists write it, its share."""

    code: str
    texts: tuple[str, ...]
    weight: float
    female_share: float = 0.5
    # When every entry of a mix has a count, the population has exactly these numbers.
    count: int | None = None


DEFAULT_MIX: tuple[OccupationMix, ...] = (
    OccupationMix("ketua_rt_rw", ("Ketua RT", "Ketua RW", "Ketua RT 03"), 0.2, 0.15),
    OccupationMix("kader", ("Kader Posyandu", "Kader PKK"), 0.2, 0.9),
    OccupationMix("ojek_pangkalan", ("Ojek Pangkalan", "opang", "tkg ojek"), 0.15, 0.02),
    OccupationMix("pedagang_keliling", ("Pedagang Keliling", "pedagang asongan"), 0.15, 0.5),
    OccupationMix("buruh_harian_lepas", ("Buruh Harian Lepas", "serabutan"), 0.3, 0.3),
)


@lru_cache(maxsize=8)
def _regions_of(regency: str, within: str | None) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Villages (with their kecamatan) and nearby birth places of a kab/kota."""
    table = read_region_file()
    area = within or regency
    villages = table.filter(
        (pl.col("level") == 4)
        & (pl.col("code").str.starts_with(f"{area}.") | (pl.col("code") == area))
    ).select(village_code="code", village_name="name", kecamatan_code="parent_code")
    if villages.is_empty():
        raise ValueError(f"kab/kota {regency!r} tidak ada atau tidak punya desa/kelurahan")
    kecamatan = table.filter(pl.col("level") == 3).select(
        kecamatan_code="code", kecamatan_name="name"
    )
    villages = villages.join(kecamatan, on="kecamatan_code", how="left")
    province = regency.split(".")[0]
    regencies = table.filter(
        (pl.col("level") == 2) & pl.col("code").str.starts_with(f"{province}.")
    )
    home = table.filter(pl.col("code") == regency)["name"][0]
    places = [n.removeprefix("Kabupaten ").removeprefix("Kota ") for n in regencies["name"]]
    home_place = home.removeprefix("Kabupaten ").removeprefix("Kota ")
    return villages, kecamatan, [home_place, *places]


def _names(rng: np.random.Generator, female: np.ndarray) -> list[str]:
    male_first = np.array(PersonProvider.first_names_male)
    female_first = np.array(PersonProvider.first_names_female)
    male_last = np.array(PersonProvider.last_names_male)
    female_last = np.array(PersonProvider.last_names_female)
    n = len(female)
    first = np.where(female, rng.choice(female_first, n), rng.choice(male_first, n))
    middle = np.where(female, rng.choice(female_first, n), rng.choice(male_first, n))
    last = np.where(female, rng.choice(female_last, n), rng.choice(male_last, n))
    shape = rng.random(n)
    # Many Indonesians have one or two names; surnames are not universal.
    return [
        f if s < 0.15 else (f"{f} {la}" if s < 0.75 else f"{f} {m} {la}")
        for f, m, la, s in zip(
            first.tolist(), middle.tolist(), last.tolist(), shape.tolist(), strict=True
        )
    ]


def generate_people(
    n: int,
    *,
    regency: str,
    seed: int,
    mix: Sequence[OccupationMix] = DEFAULT_MIX,
    phone_share: float = 0.8,
    reference_date: date = date(2026, 1, 1),
    within: str | None = None,
) -> pl.DataFrame:
    """``n`` distinct synthetic workers living in kab/kota ``regency`` (dotted code, '35.71'),
    or only in the kecamatan/desa ``within`` it.

    Columns: nik, name, birth_place, birth_date, sex (L/P), address, rt_rw, village_code,
    village_name, kecamatan_code, kecamatan_name, phone (+62… or null), occupation_text,
    occupation_code, income_basis. Ages are 18–65 on ``reference_date``.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    rng = np.random.default_rng(seed)
    if within is not None and not within.startswith(f"{regency}."):
        raise ValueError(f"{within!r} is not inside {regency!r}")
    villages, _kecamatan, places = _regions_of(regency, within)

    counts = [m.count for m in mix if m.count is not None]
    if len(counts) == len(mix):
        if sum(counts) != n:
            raise ValueError(f"the mix counts add up to {sum(counts)}, not {n}")
        occupation_index = rng.permutation(np.repeat(np.arange(len(mix)), counts))
    else:
        weights = np.array([m.weight for m in mix], dtype=float)
        occupation_index = rng.choice(len(mix), size=n, p=weights / weights.sum())
    female_share = np.array([m.female_share for m in mix])[occupation_index]
    female = rng.random(n) < female_share
    # Pick a written form per person without a Python call per row: a random integer modulo
    # the number of forms of that person's category.
    text_counts = np.array([len(m.texts) for m in mix])
    text_pick = rng.integers(0, 1 << 30, size=n) % text_counts[occupation_index]
    all_texts = [t for m in mix for t in m.texts]
    text_offsets = np.concatenate([[0], np.cumsum(text_counts)[:-1]])
    occupation_text = np.array(all_texts)[text_offsets[occupation_index] + text_pick]

    youngest = reference_date.toordinal() - 18 * 365
    oldest = reference_date.toordinal() - 65 * 365
    birth_ordinals = rng.integers(oldest, youngest, size=n)
    birth_dates = [date.fromordinal(int(o)) for o in birth_ordinals]

    village_rows = villages[rng.integers(0, villages.height, size=n).tolist()]
    sexes = np.where(female, "P", "L")
    frame = pl.DataFrame(
        {
            "name": _names(rng, female),
            "birth_place": np.where(
                rng.random(n) < 0.8, places[0], rng.choice(np.array(places), n)
            ),
            "birth_date": birth_dates,
            "sex": sexes,
            "address": [
                f"Jl. {s} No. {k}"
                for s, k in zip(
                    rng.choice(np.array(AddressProvider.streets), n).tolist(),
                    rng.integers(1, 200, size=n).tolist(),
                    strict=True,
                )
            ],
            "rt_rw": [
                f"{a:03d}/{b:03d}"
                for a, b in zip(
                    rng.integers(1, 16, size=n).tolist(),
                    rng.integers(1, 9, size=n).tolist(),
                    strict=True,
                )
            ],
            "phone": [
                f"+628{p}" if has else None
                for p, has in zip(
                    rng.integers(1_100_000_000, 9_999_999_999, size=n).tolist(),
                    (rng.random(n) < phone_share).tolist(),
                    strict=True,
                )
            ],
            "occupation_text": occupation_text,
            "occupation_code": [mix[i].code for i in occupation_index.tolist()],
            "income_basis": np.full(n, 1_000_000, dtype=np.int64),
            "declared_income": pl.Series([None] * n, dtype=pl.Int64),
        },
        schema_overrides={"birth_date": pl.Date},
    ).hstack(village_rows)

    # A serial unique within (kecamatan, birth date, sex) makes every NIK unique; a per-group
    # offset makes serials look issued over time rather than all 0001.
    group = ["kecamatan_code", "birth_date", "sex"]
    frame = frame.with_columns(
        serial=pl.int_range(1, pl.len() + 1).over(group)
        + (pl.struct(group).hash(seed) % 400).cast(pl.Int64)
    )
    niks = [
        build_nik(k, b, s, serial)
        for k, b, s, serial in zip(
            frame["kecamatan_code"].to_list(),
            frame["birth_date"].to_list(),
            frame["sex"].to_list(),
            frame["serial"].to_list(),
            strict=True,
        )
    ]
    frame = frame.with_columns(nik=pl.Series(niks, dtype=pl.String)).drop("serial")
    # Every field a person is written with (the classifier's match is the caller's to add),
    # and the names of the desa and kecamatan, as a list writes them.
    columns = [
        *(c for c in WRITTEN if c != "occupation_match"),
        "village_name",
        "kecamatan_code",
        "kecamatan_name",
    ]
    return frame.select(columns)


# How a tidy kelurahan list names its columns.
LIST_HEADERS: dict[str, str] = {
    "nik": "NIK",
    "name": "Nama Lengkap",
    "birth_place": "Tempat Lahir",
    "birth_date": "Tgl Lahir",
    "sex": "L/P",
    "address": "Alamat",
    "rt_rw": "RT/RW",
    "village_name": "Desa/Kel",
    "kecamatan_name": "Kecamatan",
    "phone": "No HP",
    "occupation_text": "Pekerjaan",
}


def write_clean_list(people: pl.DataFrame, path: Path) -> None:
    """``people`` (from :func:`generate_people`) as a tidy list a kelurahan sends: a CSV with
    Indonesian headers (:data:`LIST_HEADERS`), dd-mm-yyyy dates and 08… phone numbers. For
    damaged lists see :mod:`jaring.synthetic.messy`."""
    people.select(
        pl.int_range(1, people.height + 1).alias("No"),
        *[
            (
                pl.col(c).dt.strftime("%d-%m-%Y")
                if c == "birth_date"
                else pl.col(c).str.replace(r"^\+62", "0")
                if c == "phone"
                else pl.col(c)
            ).alias(header)
            for c, header in LIST_HEADERS.items()
        ],
    ).write_csv(path)
