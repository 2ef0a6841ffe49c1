"""The registry's part of the demo: the regions of the seed reports, filled with believable
synthetic workers through the import pipeline, then matched for duplicates.

Each scenario is a Pemda list as the news reports describe it (RULES.md §8): Kota Kediri's
9,300 pekerja rentan in nine groups paid from tobacco-excise funds (Perwali 34/2023); Kota
Cilegon's seven groups with their published counts (adhoc election staff included, funded
until the 2024 election); Kabupaten Mojokerto's 27,727 tobacco farmers and other workers;
Kota Pekalongan's 423 workers in its eleven occupations (Perwal 19 B/2022); and Jawa Tengah's
2024 Paritrana winners with their three award-winning villages. Names, NIKs and addresses are
synthetic (:mod:`jaring.synthetic.people`); regions are real.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from jaring.core.formats import number
from jaring.regions.datafiles import read_region_file
from jaring.registry.imports.services import import_create, import_run
from jaring.registry.matching import MatchingError
from jaring.registry.matching.services import match_run
from jaring.registry.models import ImportBatch, OnExisting, Person
from jaring.synthetic.corruption import corrupt_duplicates
from jaring.synthetic.messy import write_messy_file
from jaring.synthetic.people import OccupationMix, generate_people, write_clean_list

if TYPE_CHECKING:
    from jaring.accounts.models import User
    from jaring.demo.builder import Demo


def _mix(*entries: tuple[str, tuple[str, ...], int, float]) -> tuple[OccupationMix, ...]:
    return tuple(
        OccupationMix(code, texts, float(count), female, count=count)
        for code, texts, count, female in entries
    )


@dataclass(frozen=True)
class Scenario:
    regency: str
    source_name: str
    mix: tuple[OccupationMix, ...]
    within: str | None = None

    @property
    def size(self) -> int:
        return sum(m.count or 0 for m in self.mix)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "35.71",
        "Perwali Kediri 34/2023 — penerima Jamsostek pekerja rentan (DBHCHT)",
        _mix(
            ("ketua_rt_rw", ("Ketua RT", "Ketua RW", "Ketua RT 05", "KETUA RW 02"), 1800, 0.15),
            ("kader", ("Kader Posyandu", "Kader PKK", "Kader Jumantik"), 1600, 0.9),
            ("guru_informal", ("Guru Ngaji", "Guru TPQ", "Guru Madin"), 900, 0.5),
            ("becak", ("Tukang Becak", "Becak", "tkg becak"), 500, 0.02),
            ("ojek_pangkalan", ("Ojek Pangkalan", "opang", "tkg ojek"), 700, 0.02),
            ("tukang_parkir", ("Juru Parkir", "Jukir", "Tukang Parkir"), 600, 0.05),
            ("pedagang_keliling", ("Pedagang Keliling", "PKL", "Pedagang Asongan"), 1200, 0.5),
            ("buruh_pabrik_rokok", ("Buruh Pabrik Rokok", "Buruh Linting Rokok"), 1000, 0.8),
            ("buruh_harian_lepas", ("Buruh Harian Lepas", "Serabutan", "BHL"), 1000, 0.3),
        ),
    ),
    Scenario(
        "36.72",
        "APBD Kota Cilegon 2024 — pekerja rentan dan penyelenggara pemilu",
        _mix(
            ("ketua_rt_rw", ("Ketua RT", "Ketua RW", "Ketua RT 01/RW 03"), 1528, 0.1),
            ("kader", ("Kader Posyandu", "Kader PKK"), 2650, 0.92),
            ("adhoc_kpu", ("KPPS", "PPS", "PPK", "Pantarlih"), 11658, 0.45),
            ("adhoc_bawaslu", ("Pengawas TPS", "PKD", "Panwascam"), 1363, 0.4),
            ("nelayan", ("Nelayan", "Nelayan Tradisional"), 332, 0.03),
            ("petugas_kebersihan", ("Petugas Kebersihan DLH", "Penyapu Jalan"), 61, 0.4),
            ("linmas", ("Linmas", "Anggota Linmas", "Hansip"), 1593, 0.1),
        ),
    ),
    Scenario(
        "35.16",
        "Perbup Mojokerto 36/2022 — petani tembakau dan pekerja rentan (DBHCHT)",
        _mix(
            ("petani_tembakau", ("Petani Tembakau", "Tani Tembakau"), 6000, 0.3),
            ("buruh_tani", ("Buruh Tani", "Buruh Tandur"), 5000, 0.45),
            ("buruh_tani_tembakau", ("Buruh Tani Tembakau", "buruh tembakau"), 3000, 0.45),
            ("petani", ("Petani", "Tani", "Pekebun"), 5000, 0.3),
            ("pedagang_keliling", ("Pedagang Keliling", "Bakul Keliling"), 2727, 0.55),
            ("buruh_harian_lepas", ("Buruh Harian Lepas", "Pekerja Mandiri"), 3000, 0.3),
            ("kuli_bangunan", ("Kuli Bangunan", "Tukang Batu", "Laden Tukang"), 2000, 0.02),
            ("umkm", ("UMKM", "Usaha Mikro", "Pelaku UMKM"), 1000, 0.6),
        ),
    ),
    Scenario(
        "33.75",
        "Perwal Pekalongan 19 B/2022 — 11 jenis pekerja informal rentan",
        _mix(
            ("becak", ("Tukang Becak", "Becak"), 60, 0.02),
            ("sopir_angkot", ("Sopir Angkot Sistem Setoran", "Sopir Angkot"), 35, 0.02),
            ("tukang_pijat", ("Tukang Pijat Tunanetra", "Pijat Tunanetra"), 20, 0.4),
            ("pengatur_lalu_lintas", ("Pembantu Pengatur Lalu Lintas", "Pak Ogah"), 15, 0.05),
            ("lebe_modin", ("Lebe Non PNS", "Lebe"), 25, 0.0),
            ("penggali_kubur", ("Penggali Kubur", "Penggali Makam"), 30, 0.0),
            ("buruh_harian_lepas", ("Buruh Harian Lepas", "Serabutan"), 80, 0.3),
            ("kuli_bangunan", ("Kuli Bangunan",), 50, 0.02),
            ("pedagang_keliling", ("Pedagang Keliling", "Pedagang Asongan"), 60, 0.5),
            ("kuli_panggul", ("Kuli Panggul", "Buruh Panggul"), 28, 0.05),
            ("ojek_pangkalan", ("Tukang Ojek Pengkolan", "Ojek Pangkalan"), 20, 0.02),
        ),
    ),
    Scenario(
        "33.74",
        "Pemkot Semarang — Juara 1 Paritrana Award Jateng 2024",
        _mix(
            ("ketua_rt_rw", ("Ketua RT", "Ketua RW"), 500, 0.2),
            ("kader", ("Kader Posyandu",), 400, 0.9),
            ("ojek_pangkalan", ("Ojek Pangkalan",), 300, 0.02),
            ("pedagang_keliling", ("Pedagang Keliling", "PKL"), 400, 0.5),
            ("marbot", ("Marbot Masjid", "Marbot"), 200, 0.02),
            ("buruh_harian_lepas", ("Buruh Harian Lepas",), 200, 0.3),
        ),
    ),
    Scenario(
        "33.21",
        "Pemkab Demak — Juara 2 Paritrana Award Jateng 2024",
        _mix(
            ("nelayan", ("Nelayan",), 400, 0.03),
            ("petani", ("Petani",), 400, 0.3),
            ("buruh_tani", ("Buruh Tani",), 400, 0.45),
            ("marbot", ("Marbot Masjid",), 150, 0.02),
            ("ketua_rt_rw", ("Ketua RT",), 150, 0.15),
        ),
    ),
    Scenario(
        "33.76",
        "Pemkot Tegal — Juara 3 Paritrana Award Jateng 2024",
        _mix(
            ("nelayan", ("Nelayan", "ABK Nelayan"), 300, 0.03),
            ("becak", ("Tukang Becak",), 200, 0.02),
            ("pedagang_keliling", ("Pedagang Keliling",), 300, 0.5),
        ),
    ),
    Scenario(
        "33.10",
        "Desa Wunut — Juara 1 Paritrana Award Jateng 2024 (desa)",
        _mix(
            ("kader", ("Kader Posyandu",), 20, 0.9),
            ("petani", ("Petani",), 60, 0.3),
            ("buruh_tani", ("Buruh Tani",), 50, 0.45),
            ("ketua_rt_rw", ("Ketua RT",), 20, 0.1),
        ),
        within="33.10.19.2018",
    ),
    Scenario(
        "33.02",
        "Desa Tipar Kidul — Juara 2 Paritrana Award Jateng 2024 (desa)",
        _mix(
            ("petani", ("Petani",), 50, 0.3),
            ("buruh_tani", ("Buruh Tani",), 40, 0.45),
            ("pedagang_keliling", ("Pedagang Keliling",), 30, 0.5),
        ),
        within="33.02.14.2002",
    ),
    Scenario(
        "33.28",
        "Desa Balapulang Wetan — Juara 3 Paritrana Award Jateng 2024 (desa)",
        _mix(
            ("petani", ("Petani",), 40, 0.3),
            ("buruh_tani", ("Buruh Tani",), 40, 0.45),
            ("ketua_rt_rw", ("Ketua RT",), 20, 0.1),
        ),
        within="33.28.04.2018",
    ),
)


@dataclass(frozen=True)
class RepeatList:
    """A second list that names people of an earlier one again — written differently, for
    another funder or by the neighbouring kab/kota — plus people of its own."""

    of_regency: str
    region: str
    source_name: str
    funder: str
    repeats: int
    fresh: int


REPEAT_LISTS: tuple[RepeatList, ...] = (
    RepeatList("35.71", "35.71", "Kader Posyandu — bantuan Baznas Kota Kediri", "baznas", 300, 150),
    RepeatList(
        "35.16", "35.76", "Pekerja rentan Kota Mojokerto — CSR kawasan NIP", "csr", 400, 250
    ),
    RepeatList("36.72", "36.72", "Linmas — Satpol PP Kota Cilegon", "apbd", 150, 0),
)
FUNDERS = {"35.71": "dbhcht", "36.72": "apbd", "35.16": "dbhcht", "33.75": "apbd"}


def _import(
    path: Path,
    *,
    region: str,
    source: str,
    funder: str,
    user: User,
    on_existing: OnExisting = OnExisting.UPDATE,
    dry_run: bool = False,
) -> ImportBatch:
    with path.open("rb") as handle:
        batch = import_create(
            source=handle,
            file_name=path.name,
            region_code=region,
            source_name=source,
            on_existing=on_existing,
            dry_run=dry_run,
            user=user,
        )
    ImportBatch.objects.filter(pk=batch.pk).update(funder=funder)
    import_run(batch.pk)
    batch.refresh_from_db()
    return batch


def _repeat_people(spec: RepeatList, first: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Copies of people of ``first``, changed as lists change them (synthetic.corruption)."""
    rng = np.random.default_rng(seed)
    table = read_region_file()
    villages = table.filter(
        (pl.col("level") == 4) & pl.col("code").str.starts_with(f"{spec.region}.")
    ).select(village_code="code", village_name="name", kecamatan_code="parent_code")
    kecamatan = table.filter(pl.col("level") == 3).select(
        kecamatan_code="code", kecamatan_name="name"
    )
    picked = first.sample(spec.repeats, seed=seed)
    if spec.region != spec.of_regency:  # on the neighbour's list, with an address there
        moved = villages.sample(spec.repeats, with_replacement=True, seed=seed)
        picked = picked.drop("village_code", "village_name", "kecamatan_code").hstack(moved)
    copies = corrupt_duplicates(
        picked,
        villages=villages.with_columns(regency=pl.lit(spec.region)),
        neighbours={spec.region: spec.region},
        rng=rng,
    ).drop("dup_kinds")
    copies = copies.drop("kecamatan_name").join(kecamatan, on="kecamatan_code", how="left")
    fresh = generate_people(spec.fresh, regency=spec.region, seed=seed + 1)
    return pl.concat([copies.select(fresh.columns), fresh]).sample(fraction=1.0, seed=seed)


def registry_build(demo: Demo) -> None:
    """Import every scenario's list (and the repeat lists) as its owner, leave a messy
    kelurahan list checked but unsaved, then match the registry for duplicates."""
    users = demo.users
    admin = users["nasional"]
    owner = {"35.71": "kediri", "36.72": "cilegon", "35.16": "mojokerto", "33.75": "pekalongan"}
    seed, say, folder = demo.seed, demo.say, demo.folder
    firsts: dict[str, pl.DataFrame] = {}
    for index, scenario in enumerate(SCENARIOS):
        people = generate_people(
            scenario.size,
            regency=scenario.regency,
            seed=seed + index,
            mix=scenario.mix,
            within=scenario.within,
        )
        firsts[scenario.regency] = people
        region = scenario.within or scenario.regency
        path = folder / f"daftar-{region}.csv"
        write_clean_list(people, path)
        batch = _import(
            path,
            region=region,
            source=scenario.source_name,
            funder=FUNDERS.get(scenario.regency, "apbd"),
            user=users.get(owner.get(scenario.regency, ""), admin),
        )
        say(f"  {batch.region.name}: {number(batch.created)} orang ({batch.source_name})")
    for index, spec in enumerate(REPEAT_LISTS):
        people = _repeat_people(spec, firsts[spec.of_regency], seed + 100 + index)
        path = folder / f"daftar-tambahan-{spec.region}.csv"
        write_clean_list(people, path)
        batch = _import(
            path,
            region=spec.region,
            source=spec.source_name,
            funder=spec.funder,
            # The neighbour's list is imported by the neighbour (here: the national admin).
            user=users.get(owner.get(spec.region, ""), admin),
            on_existing=OnExisting.SKIP,
        )
        say(
            f"  {batch.region.name}: {number(batch.rows)} baris, "
            f"{number(batch.created)} orang baru, "
            f"{number(batch.existing)} sudah terdaftar ({batch.source_name})"
        )
    # A list as a kelurahan really sends it (a two-row header, merged village cells), checked
    # but not yet saved: its problems report and the "save" button wait on the import page.
    messy = folder / "kiriman-kelurahan-kediri.xlsx"
    write_messy_file(
        messy,
        rows=240,
        regency="35.71",
        seed=seed,
        fmt="xlsx",
        header_style="two-row",
        merge_villages=True,
    )
    _import(
        messy,
        region="35.71",
        source="Kiriman kelurahan — belum dibersihkan",
        funder="dbhcht",
        user=users["kediri"],
        dry_run=True,
    )
    total = Person.objects.count()
    say(f"  registri: {number(total)} orang; mencocokkan duplikat…")
    try:
        summary = match_run(user=admin)
        say(
            f"  {number(summary.candidate_pairs)} pasangan untuk ditinjau, "
            f"{number(summary.likely_duplicates)} hampir pasti sama"
        )
    except MatchingError as exc:
        say(f"  pencocokan dilewati: {exc.message.render('id')}")
