"""A synthetic registry with known duplicates and look-alikes, for the matching tests and benchmark.

:func:`synthetic_registry` builds on :func:`jaring.synthetic.people.generate_people` (clean,
distinct workers with valid unique NIKs) for several neighbouring kab/kota and adds:

* **duplicates** — ``dup_rate`` of the records are copies of another record, changed the ways
  :mod:`jaring.synthetic.corruption` describes (a tenth of the duplicated people appear
  three times);
* **look-alikes that must not match** — twins and siblings (same surname, same address and
  household phone now and then, birth dates equal or a few years apart, another first name; a
  twin's NIK differs only in the serial), namesakes (same name, sex and birth date in another
  kab/kota, so the NIKs share the date digits), and very common names ("Muhammad Rizky",
  "Siti Aminah" …) given to many people of one kab/kota;
* optionally a **new batch** for incremental matching: fresh people (NIKs that do not collide
  with the registry's), copies of registry people and a few copies within the batch.

Ground truth: ``true_id`` (records of one person share it) and ``record_kind``
(original / duplicate / twin / sibling / namesake / common_name), plus ``dup_kinds`` on
duplicates. Person ids are shuffled so they reveal nothing. Same arguments, same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import polars as pl
from faker.providers.person.id_ID import Provider as PersonProvider

from jaring.regions.datafiles import read_region_file
from jaring.registry.matching.prepare import INPUT_SCHEMA
from jaring.rules.nik import build_nik
from jaring.synthetic.corruption import (
    DEFAULT_DUPLICATE_MIX,
    DuplicateMix,
    corrupt_duplicates,
)
from jaring.synthetic.people import generate_people


@dataclass(frozen=True)
class BenchRegency:
    code: str
    #: Informal workers (BPS Sakernas Aug 2025), used to share the registry among kab/kota.
    informal_workers: int
    #: The kab/kota whose lists the same people also turn up on.
    neighbour: str


#: Kediri, Blitar and Malang Raya with Tulungagung (Jawa Timur): cities inside their regencies.
DEFAULT_REGENCIES: tuple[BenchRegency, ...] = (
    BenchRegency("35.71", 74_182, "35.06"),
    BenchRegency("35.06", 530_508, "35.71"),
    BenchRegency("35.72", 47_977, "35.05"),
    BenchRegency("35.05", 502_073, "35.72"),
    BenchRegency("35.73", 204_677, "35.07"),
    BenchRegency("35.07", 895_201, "35.73"),
    BenchRegency("35.79", 71_912, "35.07"),
    BenchRegency("35.04", 385_694, "35.05"),
)

COMMON_NAMES_MALE = (
    "Muhammad Rizky",
    "Agus Setiawan",
    "Budi Santoso",
    "Ahmad Fauzi",
    "Eko Prasetyo",
)
COMMON_NAMES_FEMALE = ("Siti Aminah", "Sri Wahyuni", "Nur Hidayah", "Dewi Lestari", "Siti Fatimah")
SOURCES = ("disnaker", "dinsos", "kelurahan", "dbhcht", "baznas")


@dataclass(frozen=True)
class LookAlikeMix:
    """Shares of the registry given to records that must not match anyone."""

    twins_siblings: float = 0.01
    namesakes: float = 0.005
    #: People renamed to one of the very common names of their sex (they stay distinct).
    common_names: float = 0.005
    #: Twins are born the same day; the rest are siblings a few years apart.
    twin_share: float = 0.5
    #: Families often give one phone number for the whole household.
    shared_phone: float = 0.3


DEFAULT_LOOK_ALIKES = LookAlikeMix()


@dataclass(frozen=True)
class SyntheticRegistry:
    registry: pl.DataFrame
    new: pl.DataFrame = field(default_factory=pl.DataFrame)


def _villages(regencies: tuple[BenchRegency, ...]) -> pl.DataFrame:
    table = read_region_file()
    codes = [r.code for r in regencies]
    return (
        table.filter((pl.col("level") == 4) & pl.col("code").str.slice(0, 5).is_in(codes))
        .select(
            village_code="code",
            village_name="name",
            kecamatan_code="parent_code",
            regency=pl.col("code").str.slice(0, 5),
        )
        .sort("village_code")
    )


def _nik_key(kecamatan: pl.Expr, birth_date: pl.Expr, sex: pl.Expr) -> pl.Expr:
    """The first 12 NIK digits: kecamatan, day (+40 for women), month, two-digit year."""
    day = birth_date.dt.day().cast(pl.Int32) + pl.when(sex == "P").then(40).otherwise(0)
    return pl.concat_str(
        kecamatan.str.replace_all(".", "", literal=True),
        day.cast(pl.String).str.zfill(2),
        birth_date.dt.month().cast(pl.String).str.zfill(2),
        (birth_date.dt.year() % 100).cast(pl.String).str.zfill(2),
    )


def _assign_niks(new: pl.DataFrame, existing: pl.Series) -> pl.DataFrame:
    """NIKs for ``new`` rows from their kecamatan, birth date and sex, with the next serials
    free after ``existing`` NIKs — the way Dukcapil numbers people born the same day."""
    taken = (
        existing.to_frame("nik")
        .select(
            key=pl.col("nik").str.slice(0, 12), serial=pl.col("nik").str.slice(12).cast(pl.Int32)
        )
        .group_by("key")
        .agg(top=pl.col("serial").max())
    )
    return (
        new.with_columns(
            _key=_nik_key(pl.col("kecamatan_code"), pl.col("birth_date"), pl.col("sex"))
        )
        .join(taken, left_on="_key", right_on="key", how="left", maintain_order="left")
        .with_columns(
            nik=pl.col("_key")
            + (pl.col("top").fill_null(0) + pl.int_range(1, pl.len() + 1).over("_key"))
            .cast(pl.String)
            .str.zfill(4)
        )
        .drop("_key", "top")
    )


def _styled_names(names: pl.Expr, style: pl.Expr) -> pl.Expr:
    return (
        pl.when(style < 0.45)
        .then(names.str.to_uppercase())
        .when(style < 0.95)
        .then(names.str.to_titlecase())
        .otherwise(names.str.to_lowercase())
    )


def _base_people(
    counts: list[int], regencies: tuple[BenchRegency, ...], seed: int, rng: np.random.Generator
) -> pl.DataFrame:
    frames = [
        generate_people(k, regency=r.code, seed=seed * 1009 + i).with_columns(
            regency=pl.lit(r.code)
        )
        for i, (r, k) in enumerate(zip(regencies, counts, strict=True))
        if k > 0
    ]
    people = pl.concat(frames).select(
        "nik",
        "name",
        "birth_date",
        "sex",
        "village_code",
        "village_name",
        "kecamatan_code",
        "address",
        "rt_rw",
        "phone",
        "regency",
    )
    n = people.height
    draw = rng.random(n)
    female = pl.col("sex") == "P"
    common = rng.random(n)
    common_pick = rng.integers(0, 5, n)
    return (
        people.with_columns(_draw=draw, _common=common, _cpick=common_pick)
        .with_columns(
            # Muhammad, Siti and Nur open many Indonesian names; Faker's lists have none.
            name=pl.when(~female & (pl.col("_draw") < 0.12))
            .then(pl.lit("Muhammad ") + pl.col("name"))
            .when(female & (pl.col("_draw") < 0.10))
            .then(pl.lit("Siti ") + pl.col("name"))
            .when(female & (pl.col("_draw") < 0.14))
            .then(pl.lit("Nur ") + pl.col("name"))
            .otherwise(pl.col("name")),
            record_kind=pl.lit("original"),
        )
        .drop("_draw")
    )


def _apply_common_names(people: pl.DataFrame, share: float) -> pl.DataFrame:
    female = pl.col("sex") == "P"
    common = pl.col("_common") < share
    male_names = pl.lit(list(COMMON_NAMES_MALE)).list.get(pl.col("_cpick"))
    female_names = pl.lit(list(COMMON_NAMES_FEMALE)).list.get(pl.col("_cpick"))
    return people.with_columns(
        name=pl.when(common)
        .then(pl.when(female).then(female_names).otherwise(male_names))
        .otherwise(pl.col("name")),
        record_kind=pl.when(common).then(pl.lit("common_name")).otherwise(pl.col("record_kind")),
    ).drop("_common", "_cpick")


def _random_phones(rng: np.random.Generator, n: int, share: float = 0.8) -> pl.Series:
    numbers = rng.integers(1_100_000_000, 9_999_999_999, n).tolist()
    present = (rng.random(n) < share).tolist()
    return pl.Series(
        [f"+628{p}" if h else None for p, h in zip(numbers, present, strict=True)], dtype=pl.String
    )


def _twins_and_siblings(
    people: pl.DataFrame, n: int, mix: LookAlikeMix, rng: np.random.Generator
) -> pl.DataFrame:
    """Brothers and sisters of people with a surname: same surname, address and kecamatan."""
    with_surname = people.filter(pl.col("name").str.contains(" ")).filter(
        pl.col("record_kind") == "original"
    )
    if n == 0 or with_surname.is_empty():
        return people.clear()
    source = with_surname[rng.choice(with_surname.height, size=n, replace=False).tolist()]
    twin = rng.random(n) < mix.twin_share
    same_sex = rng.random(n) < 0.5
    female = np.where(same_sex, (source["sex"] == "P").to_numpy(), rng.random(n) < 0.5)
    first = np.where(
        female,
        rng.choice(np.array(PersonProvider.first_names_female), n),
        rng.choice(np.array(PersonProvider.first_names_male), n),
    )
    years = rng.integers(1, 9, n) * np.where(rng.random(n) < 0.5, -1, 1)
    days = rng.integers(-150, 150, n)
    offset = np.where(twin, 0, years * 365 + days)
    shared = rng.random(n) < mix.shared_phone
    return source.with_columns(
        name=pl.Series(first) + pl.lit(" ") + pl.col("name").str.split(" ").list.last(),
        sex=pl.Series(np.where(female, "P", "L")),
        birth_date=pl.col("birth_date") + pl.duration(days=pl.lit(pl.Series(offset))),
        phone=pl.when(pl.Series(shared)).then(pl.col("phone")).otherwise(_random_phones(rng, n)),
        record_kind=pl.Series(np.where(twin, "twin", "sibling")),
    )


def _namesakes(
    people: pl.DataFrame,
    n: int,
    regencies: tuple[BenchRegency, ...],
    rng: np.random.Generator,
) -> pl.DataFrame:
    """Someone else with the same name, sex and birth date, living in another kab/kota."""
    originals = people.filter(pl.col("record_kind") == "original")
    if n == 0 or len(regencies) < 2:
        return people.clear()
    source = originals[rng.choice(originals.height, size=n, replace=False).tolist()]
    codes = [r.code for r in regencies]
    own = source["regency"].replace_strict(codes, list(range(len(codes))), return_dtype=pl.Int64)
    other = (own.to_numpy() + rng.integers(1, len(codes), n)) % len(codes)
    donors_by_regency = {c: originals.filter(pl.col("regency") == c) for c in codes}
    place = ["village_code", "village_name", "kecamatan_code", "address", "rt_rw", "regency"]
    parts = []
    for i, code in enumerate(codes):
        rows = np.flatnonzero(other == i)
        donors = donors_by_regency[code]
        if rows.size == 0 or donors.is_empty():
            continue
        picked = donors[rng.integers(0, donors.height, rows.size).tolist()].select(place)
        parts.append(source[rows.tolist()].drop(place).hstack(picked).select(source.columns))
    result = pl.concat(parts) if parts else people.clear()
    return result.with_columns(
        phone=_random_phones(rng, result.height), record_kind=pl.lit("namesake")
    )


def synthetic_registry(
    n: int,
    *,
    seed: int,
    dup_rate: float = 0.05,
    regencies: tuple[BenchRegency, ...] = DEFAULT_REGENCIES,
    duplicates: DuplicateMix = DEFAULT_DUPLICATE_MIX,
    look_alikes: LookAlikeMix = DEFAULT_LOOK_ALIKES,
    n_new: int = 0,
    new_dup_rate: float = 0.1,
) -> SyntheticRegistry:
    """``n`` registry records (``dup_rate`` of them duplicates) and optionally ``n_new`` new ones.

    Columns: person_id, nik, name, birth_date, sex, village_code, phone, source — the matching
    input — plus village_name, kecamatan_code, address, rt_rw, true_id, record_kind, dup_kinds.
    """
    if n < 0 or n_new < 0 or not 0 <= dup_rate < 0.5 or not 0 <= new_dup_rate <= 1:
        raise ValueError("n, n_new >= 0, 0 <= dup_rate < 0.5 and 0 <= new_dup_rate <= 1")
    rng = np.random.default_rng(seed)
    neighbours = {r.code: r.neighbour for r in regencies}
    villages = _villages(regencies)

    n_dup = round(n * dup_rate)
    n_twins = round(n * look_alikes.twins_siblings)
    n_namesakes = round(n * look_alikes.namesakes)
    n_base = n - n_dup - n_twins - n_namesakes
    n_new_dup = round(n_new * new_dup_rate)
    n_new_inner = round(n_new * 0.01)
    n_fresh = n_new - n_new_dup - n_new_inner
    weights = np.array([r.informal_workers for r in regencies], dtype=float)
    counts = np.floor(weights / weights.sum() * (n_base + n_fresh)).astype(int)
    counts[np.argmax(counts)] += n_base + n_fresh - counts.sum()

    people = _base_people(counts.tolist(), regencies, seed, rng)
    people = _apply_common_names(people, look_alikes.common_names)
    # Fresh people of the new batch come from the same draw, so their NIKs never collide.
    fresh_mask = np.zeros(people.height, dtype=bool)
    fresh_mask[rng.choice(people.height, size=n_fresh, replace=False)] = True
    fresh = people.filter(pl.Series(fresh_mask))
    people = people.filter(pl.Series(~fresh_mask))

    twins = _twins_and_siblings(people, n_twins, look_alikes, rng)
    namesakes = _namesakes(people, n_namesakes, regencies, rng)
    extra = _assign_niks(pl.concat([twins, namesakes]), pl.concat([people["nik"], fresh["nik"]]))
    people = pl.concat([people, extra.select(people.columns)])
    people = people.with_columns(
        true_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        name=_styled_names(pl.col("name"), pl.lit(pl.Series(rng.random(people.height)))),
        source=pl.Series(rng.choice(np.array(SOURCES), people.height)),
    )

    # Duplicates: one copy each, a tenth of the people get a second copy.
    n_people_duplicated = round(n_dup / 1.1)
    first = rng.choice(people.height, size=n_people_duplicated, replace=False)
    second = rng.choice(first, size=n_dup - n_people_duplicated, replace=False)
    copies = corrupt_duplicates(
        people[np.concatenate([first, second]).tolist()],
        villages=villages,
        neighbours=neighbours,
        rng=rng,
        mix=duplicates,
    ).with_columns(record_kind=pl.lit("duplicate"))
    registry = pl.concat([people.with_columns(dup_kinds=pl.lit(None, dtype=pl.String)), copies])
    order = rng.permutation(registry.height)
    registry = registry[order.tolist()].with_columns(
        person_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    )

    new = pl.DataFrame()
    if n_new:
        fresh = fresh.with_columns(
            true_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64) + people.height,
            name=_styled_names(pl.col("name"), pl.lit(pl.Series(rng.random(fresh.height)))),
            source=pl.Series(rng.choice(np.array(SOURCES), fresh.height)),
        )
        of_registry = people[rng.choice(people.height, size=n_new_dup, replace=False).tolist()]
        of_fresh = fresh[rng.choice(fresh.height, size=n_new_inner, replace=False).tolist()]
        new_copies = corrupt_duplicates(
            pl.concat([of_registry, of_fresh]),
            villages=villages,
            neighbours=neighbours,
            rng=rng,
            mix=duplicates,
        ).with_columns(record_kind=pl.lit("duplicate"))
        new = pl.concat([fresh.with_columns(dup_kinds=pl.lit(None, dtype=pl.String)), new_copies])
        new = new[rng.permutation(new.height).tolist()].with_columns(
            person_id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64) + n
        )
    columns = [
        "person_id",
        "nik",
        "name",
        "birth_date",
        "sex",
        "village_code",
        "phone",
        "source",
        "village_name",
        "kecamatan_code",
        "address",
        "rt_rw",
        "true_id",
        "record_kind",
        "dup_kinds",
    ]
    return SyntheticRegistry(
        registry=registry.select(columns), new=new.select(columns) if n_new else new
    )


def person_row(
    person_id: int,
    *,
    name: str,
    birth_date: date | None,
    sex: str = "L",
    village_code: str = "35.71.01.1001",
    phone: str | None = None,
    nik: str | None = None,
    serial: int = 1,
    source: str = "test",
) -> dict[str, object]:
    """One hand-made input row (tests, examples); without ``nik`` one is built from the desa's
    kecamatan, the birth date (1 Jan 1980 if missing) and sex."""
    if nik is None:
        nik = build_nik(
            village_code[:8], birth_date or date(1980, 1, 1), "P" if sex == "P" else "L", serial
        )
    return {
        "person_id": person_id,
        "nik": nik,
        "name": name,
        "birth_date": birth_date,
        "sex": sex,
        "village_code": village_code,
        "phone": phone,
        "source": source,
    }


def people_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    """Input rows (as :func:`person_row` makes them) as a matching input frame."""
    return pl.DataFrame([{k: r.get(k) for k in INPUT_SCHEMA} for r in rows], schema=INPUT_SCHEMA)


#: Hard negatives: look-alikes a careless matcher merges (issue 12).
HARD_NEGATIVE_KINDS = ("father_son", "twins", "common_name_desa")
_COMMON_NAMES = {"L": ("Muhammad Rizky", "Agus Setiawan", "Budi Santoso"),
                 "P": ("Siti Aminah", "Sri Wahyuni", "Dewi Lestari")}  # fmt: skip


def hard_negatives(
    registry: pl.DataFrame, n_per_kind: int, *, seed: int = 1
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records, pairs): people to add to ``registry`` who each look like one other record but
    are someone else, and those pairs (``person_id_l``, ``person_id_r``, ``kind``):

    * ``father_son`` — a man of an original man's name, in his desa, with his phone, born 25-35
      years before or after him (a father and a son named alike);
    * ``twins`` — born the same day in the same desa, the NIK's serial one apart, the same
      surname and phone, another given name;
    * ``common_name_desa`` — two new people of one very common name in one desa, born two or
      more years apart, no phone.
    """
    rng = np.random.default_rng(seed)
    originals = registry.filter(
        (pl.col("record_kind") == "original")
        & pl.col("birth_date").is_not_null()
        & pl.col("phone").is_not_null()
        & pl.col("name").str.contains(" ")
    ).sort("person_id")
    taken = set(registry["nik"].drop_nulls().to_list())
    next_id = int(registry.select(pl.col("person_id").max()).item() or 0) + 1
    next_true = int(registry.select(pl.col("true_id").max()).item() or 0) + 1
    rows: list[dict[str, object]] = []
    pairs: list[tuple[int, int, str]] = []

    def add(row: dict[str, object]) -> int:
        nonlocal next_id, next_true
        row = {**row, "person_id": next_id, "true_id": next_true, "source": "hard_negative"}
        nik = str(row["nik"])
        if nik in taken:
            return -1
        taken.add(nik)
        rows.append(row)
        next_id, next_true = next_id + 1, next_true + 1
        return next_id - 1

    men = originals.filter(pl.col("sex") == "L")
    picks = men[rng.choice(men.height, size=min(n_per_kind, men.height), replace=False).tolist()]
    for i, person in enumerate(picks.iter_rows(named=True)):
        born: date = person["birth_date"]
        gap = int(rng.integers(25, 36))
        year = born.year + gap if born.year + gap <= 2008 else born.year - gap
        # Another birthday (a son born on his father's birthday would read as a year typo).
        other = date(
            year, (born.month + int(rng.integers(1, 12))) % 12 + 1, int(rng.integers(1, 29))
        )
        nik = build_nik(person["village_code"][:8], other, "L", 9000 + i % 999)
        new = add({**person, "birth_date": other, "nik": nik, "record_kind": "father_son"})
        if new > 0:
            pairs.append((person["person_id"], new, "father_son"))
    rest = originals.filter(~pl.col("person_id").is_in(picks["person_id"].implode()))
    picks = rest[rng.choice(rest.height, size=min(n_per_kind, rest.height), replace=False).tolist()]
    for person in picks.iter_rows(named=True):
        names = (
            PersonProvider.first_names_female
            if person["sex"] == "P"
            else PersonProvider.first_names_male
        )
        given = str(person["name"]).split(" ")[0]
        first = str(rng.choice(np.array([n for n in names if n.lower() != given.lower()])))
        surname = str(person["name"]).split(" ")[-1]
        serial = (int(person["nik"][12:]) % 9998) + 1
        nik = person["nik"][:12] + f"{serial:04d}"
        new = add({**person, "name": f"{first} {surname}", "nik": nik, "record_kind": "twins"})
        if new > 0:
            pairs.append((person["person_id"], new, "twins"))
    desas = originals["village_code"].unique().sort()
    for i in range(n_per_kind):
        desa = str(desas[int(rng.integers(0, desas.len()))])
        sex: Literal["L", "P"] = "P" if i % 2 else "L"
        name = _COMMON_NAMES[sex][i % 3]
        first_born = date(
            int(rng.integers(1965, 1995)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        )
        second_born = date(
            first_born.year + int(rng.integers(2, 15)),
            (first_born.month + int(rng.integers(1, 12))) % 12 + 1,
            int(rng.integers(1, 29)),
        )
        ids = [
            add(
                {
                    "name": name,
                    "birth_date": born,
                    "sex": sex,
                    "village_code": desa,
                    "phone": None,
                    "nik": build_nik(desa[:8], born, sex, 9500 + (2 * i + k) % 499),
                    "record_kind": "common_name_desa",
                }
            )
            for k, born in enumerate((first_born, second_born))
        ]
        if min(ids) > 0:
            pairs.append((ids[0], ids[1], "common_name_desa"))
    records = pl.DataFrame(rows).select(
        [pl.col(c).cast(t) for c, t in INPUT_SCHEMA.items()]
        + [pl.col("true_id").cast(pl.Int64), pl.col("record_kind").cast(pl.String)]
    )
    return records, pl.DataFrame(
        pairs, schema={"person_id_l": pl.Int64, "person_id_r": pl.Int64, "kind": pl.String},
        orient="row",
    )  # fmt: skip
