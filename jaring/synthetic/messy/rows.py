"""The rows of a messy list: clean people written with harmless variations, then damaged.

Variations are written column-wise for every row; damage is applied in Python to the damaged
rows only (a few percent), and the expected codes and recovered NIK of each row are recorded
next to it. Identical and conflicting repeats of a NIK are copies of rows (damage included),
mixed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from jaring.regions.datafiles import read_region_file
from jaring.regions.names import name_key
from jaring.registry.names import normalize_names_expr
from jaring.synthetic.messy import damage as dmg
from jaring.synthetic.messy.damage import ROW_KINDS, DamageRates

if TYPE_CHECKING:
    from jaring.regions.selectors import NameIndex

FIELD_ORDER: tuple[str, ...] = (
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "rt_rw",
    "desa",
    "kecamatan",
    "phone",
    "occupation",
    "income",
)
CELL_COLUMNS: dict[str, pl.DataType] = {
    "nik_num": pl.Float64(),
    "date_cell": pl.Date(),
    "date_num": pl.Float64(),
    "phone_num": pl.Float64(),
    "income_num": pl.Float64(),
}
HONORIFICS = ("H. ", "Hj. ", "Bpk. ", "Ibu ", "Sdr. ")
DEGREES = (", S.Pd", ", S.E.", ", A.Md")
APOSTROPHE_NAMES = ("Ma’ruf Hidayat", "Syafi’i", "Mu’arif Hasan", "Nur’aini")
_MONTHS = {i + 1: m for i, m in enumerate(dmg.MONTHS_ID)}
_MONTHS_SHORT = {i + 1: m[:3].upper() for i, m in enumerate(dmg.MONTHS_ID)}
_EPOCH = date(1899, 12, 30)
#: Kinds whose damage writes a birth date other than the person's (or none that reads).
_DATE_CHANGED = ("date_impossible", "date_mismatch", "date_future")


@dataclass
class MessyRows:
    """Written cells (strings, plus numeric/date cells for xlsx) and expectations, row by row."""

    written: pl.DataFrame
    cells: pl.DataFrame
    expected: pl.DataFrame


@dataclass(frozen=True)
class _Places:
    typos: Mapping[str, str]  # village code -> a misspelling resolving (fuzzy) to it
    prefixed: Mapping[str, str]  # village code -> "Desa X"/"Kel. X" when that still resolves
    ambiguous_villages: frozenset[str]  # codes whose written name cannot be resolved
    unknown_kecamatan: frozenset[str]  # kecamatan codes whose name is ambiguous
    # Ambiguous codes the only one of their name in their kecamatan: a valid NIK (whose digits
    # 1-6 are the person's kecamatan here) tells them apart.
    told_by_nik: frozenset[str] = frozenset()


def _places(regency: str, villages: NameIndex, seed: int) -> _Places:
    table = read_region_file().filter(pl.col("code").str.starts_with(f"{regency}."))
    vil = table.filter(pl.col("level") == 4).select("code", "name", "kind", "parent_code")
    kec = table.filter(pl.col("level") == 3).select("code", "name")
    key = pl.col("name").map_elements(name_key, return_dtype=pl.String)
    vil = vil.with_columns(_key=key)
    kec = kec.with_columns(_key=key)
    unknown_kec = kec.filter(pl.len().over("_key") > 1)["code"].to_list()
    official = set(vil["_key"].to_list())
    vil = vil.with_columns(
        _in_regency=pl.len().over("_key"), _in_kecamatan=pl.len().over("_key", "parent_code")
    )
    # An ambiguous name is narrowed by the kecamatan column, unless the kecamatan itself is
    # ambiguous or two villages of one kecamatan share the name.
    ambiguous = vil.filter(
        (pl.col("_in_regency") > 1)
        & ((pl.col("_in_kecamatan") > 1) | pl.col("parent_code").is_in(unknown_kec))
    )["code"].to_list()
    told_by_nik = vil.filter(pl.col("code").is_in(ambiguous) & (pl.col("_in_kecamatan") == 1))
    typos: dict[str, str] = {}
    prefixed: dict[str, str] = {}
    for code, name, kind in vil.select("code", "name", "kind").iter_rows():
        prefix = "Kel. " if kind == "kelurahan" else "Desa "
        if name_key(prefix + name) not in official:
            prefixed[code] = prefix + name
        for candidate in dmg.typo_candidates(name, seed):
            match = villages.resolve(candidate)
            if match.status == "fuzzy" and match.code == code:
                typos[code] = candidate
                break
    return _Places(
        typos,
        prefixed,
        frozenset(ambiguous),
        frozenset(unknown_kec),
        frozenset(told_by_nik["code"].to_list()),
    )


def _date_forms(d: pl.Expr, style: pl.Expr) -> pl.Expr:
    """:func:`.damage.date_text`, column-wise."""
    day, month, year = d.dt.day(), d.dt.month(), d.dt.year().cast(pl.String)
    forms = [
        d.dt.strftime("%d-%m-%Y"),
        d.dt.strftime("%d/%m/%Y"),
        d.dt.strftime("%d.%m.%Y"),
        pl.format("{} {} {}", day, month.replace_strict(_MONTHS, return_dtype=pl.String), year),
        d.dt.strftime("%Y-%m-%d"),
        pl.format("{}/{}/{}", day, month, year),
        pl.format(
            "{} {} {}",
            day.cast(pl.String).str.zfill(2),
            month.replace_strict(_MONTHS_SHORT, return_dtype=pl.String),
            year,
        ),
        (d - pl.lit(_EPOCH)).dt.total_days().cast(pl.String),
    ]
    expr = forms[-1]
    for index in range(len(forms) - 2, -1, -1):
        expr = pl.when(style % len(forms) == index).then(forms[index]).otherwise(expr)
    return expr


def _neutral(
    people: pl.DataFrame, styles: pl.DataFrame, fmt: str, places: _Places
) -> tuple[pl.DataFrame, pl.DataFrame]:
    s = {c: pl.col(f"s_{c}") for c in FIELD_ORDER}
    nik = pl.col("nik")
    spaced = pl.format(
        "{} {} {} {}",
        nik.str.slice(0, 4),
        nik.str.slice(4, 4),
        nik.str.slice(8, 4),
        nik.str.slice(12, 4),
    )
    dotted = spaced.str.replace_all(" ", ".")
    name = pl.col("name")
    honorific = pl.lit(pl.Series(HONORIFICS)).gather(s["name"] % len(HONORIFICS))
    degree = pl.lit(pl.Series(DEGREES)).gather(s["name"] % len(DEGREES))
    apostrophe = pl.lit(pl.Series(APOSTROPHE_NAMES)).gather(s["name"] % len(APOSTROPHE_NAMES))
    sex_key = pl.format("{}{}", pl.col("sex"), s["sex"] % 7)
    sex_table = {
        f"{sex}{i}": text
        for sex, texts in dmg.SEX_SPELLINGS.items()
        for i, text in enumerate(texts)
    }
    rt, rw = (
        pl.col("rt_rw").str.slice(0, 3).cast(pl.Int32),
        pl.col("rt_rw").str.slice(4, 3).cast(pl.Int32),
    )
    village = pl.col("village_name")
    prefixed = pl.col("village_code").replace_strict(
        dict(places.prefixed), default=None, return_dtype=pl.String
    )
    digits = pl.col("phone").str.slice(3)
    grouped = pl.format(
        "0{}-{}-{}", digits.str.slice(0, 3), digits.str.slice(3, 4), digits.str.slice(7)
    )
    occupation = pl.col("occupation_text")
    date_style = s["birth_date"] % 10
    is_xlsx = fmt == "xlsx"
    frame = pl.concat([people, styles], how="horizontal")
    written = frame.select(
        nik=pl.when(s["nik"] % 20 == 0)
        .then(spaced)
        .when(s["nik"] % 20 == 1)
        .then("'" + nik)
        .when(s["nik"] % 20 == 2)
        .then(dotted)
        .otherwise(nik),
        name=pl.when(s["name"] % 100 < 30)
        .then(name.str.to_uppercase())
        .when(s["name"] % 100 < 35)
        .then(honorific + name)
        .when(s["name"] % 100 < 38)
        .then(name + degree)
        .when(s["name"] % 100 == 38)
        .then(apostrophe)
        .otherwise(name),
        birth_place=pl.when(s["birth_place"] % 10 < 3)
        .then(pl.col("birth_place").str.to_uppercase())
        .otherwise(pl.col("birth_place")),
        birth_date=pl.when(pl.lit(is_xlsx) & (date_style < 3))
        .then(pl.lit(None, pl.String))
        .otherwise(_date_forms(pl.col("birth_date"), s["birth_date"] // 10)),
        sex=sex_key.replace_strict(sex_table, return_dtype=pl.String),
        address=pl.col("address"),
        rt_rw=pl.when(s["rt_rw"] % 4 == 1)
        .then(pl.format("{}/{}", rt, rw))
        .when(s["rt_rw"] % 4 == 2)
        .then(
            pl.format(
                "RT {} RW {}", rt.cast(pl.String).str.zfill(2), rw.cast(pl.String).str.zfill(2)
            )
        )
        .when(s["rt_rw"] % 4 == 3)
        .then(pl.format("{}/{}", rt.cast(pl.String).str.zfill(2), rw.cast(pl.String).str.zfill(2)))
        .otherwise(pl.col("rt_rw")),
        desa=pl.when(s["desa"] % 10 < 2)
        .then(village.str.to_uppercase())
        .when(s["desa"] % 10 == 2)
        .then(village.str.to_lowercase())
        .when((s["desa"] % 10 == 3) & prefixed.is_not_null())
        .then(prefixed)
        .otherwise(village),
        kecamatan=pl.when(s["kecamatan"] % 4 == 0)
        .then(pl.col("kecamatan_name").str.to_uppercase())
        .when(s["kecamatan"] % 4 == 1)
        .then("Kec. " + pl.col("kecamatan_name"))
        .otherwise(pl.col("kecamatan_name")),
        phone=pl.when(pl.col("phone").is_null())
        .then(None)
        .when(s["phone"] % 6 == 0)
        .then(pl.col("phone"))
        .when(s["phone"] % 6 == 2)
        .then("62" + digits)
        .when(s["phone"] % 6 == 3)
        .then(grouped)
        .when(s["phone"] % 6 == 4)
        .then(grouped.str.replace_all("-", " "))
        .when((s["phone"] % 6 == 5) & pl.lit(is_xlsx))
        .then(digits)
        .otherwise("0" + digits),
        occupation=pl.when(s["occupation"] % 10 == 0)
        .then(occupation.str.to_uppercase())
        .when(s["occupation"] % 10 == 1)
        .then(occupation.str.to_lowercase())
        .otherwise(occupation),
        income=pl.when(s["income"] % 5 == 0)
        .then(pl.lit("Rp 1.000.000"))
        .when(s["income"] % 5 == 1)
        .then(pl.lit("1.000.000"))
        .when(s["income"] % 5 == 2)
        .then(pl.lit("1000000"))
        .when(s["income"] % 5 == 3)
        .then(pl.lit(None, pl.String))
        .otherwise(pl.lit("1000000" if is_xlsx else "Rp1.000.000")),
    )
    cells = frame.select(
        nik_num=pl.lit(None, pl.Float64),
        date_cell=pl.when(pl.lit(is_xlsx) & (date_style < 2)).then(pl.col("birth_date")),
        date_num=pl.when(pl.lit(is_xlsx) & (date_style == 2)).then(
            (pl.col("birth_date") - pl.lit(_EPOCH)).dt.total_days().cast(pl.Float64)
        ),
        phone_num=pl.when(
            pl.lit(is_xlsx) & (s["phone"] % 6 == 5) & pl.col("phone").is_not_null()
        ).then(digits.cast(pl.Float64)),
        income_num=pl.when(pl.lit(is_xlsx) & (s["income"] % 5 == 4)).then(pl.lit(1_000_000.0)),
    )
    # The text a reader shows for a date/serial cell; the writer writes the cell itself.
    written = written.with_columns(
        birth_date=pl.coalesce(
            written["birth_date"],
            cells["date_cell"].dt.strftime("%Y-%m-%d"),
            cells["date_num"].cast(pl.Int64).cast(pl.String),
        )
    )
    return written, cells


def _region_codes(people: pl.DataFrame, places: _Places) -> pl.Series:
    """Codes every row gets from the regions themselves (ambiguous names), whatever the kind."""
    return people.select(
        pl.concat_list(
            pl.when(pl.col("kecamatan_code").is_in(list(places.unknown_kecamatan)))
            .then(pl.lit(["KECAMATAN_UNKNOWN"]))
            .otherwise(pl.lit([], dtype=pl.List(pl.String))),
            pl.when(pl.col("village_code").is_in(list(places.ambiguous_villages)))
            .then(pl.lit(["VILLAGE_AMBIGUOUS"]))
            .otherwise(pl.lit([], dtype=pl.List(pl.String))),
        ).alias("codes")
    ).to_series()


def _take_existing(
    people: pl.DataFrame, existing: pl.DataFrame | None, share: float, rng: np.random.Generator
) -> tuple[pl.DataFrame, np.ndarray]:
    in_registry = np.zeros(people.height, dtype=bool)
    if existing is None or share <= 0 or existing.height == 0 or people.height == 0:
        return people, in_registry
    rows = np.flatnonzero(rng.random(people.height) < share)[: existing.height]
    chosen = rng.choice(existing.height, size=len(rows), replace=False)
    combined = pl.concat(
        [people, existing[chosen.tolist()].select(people.columns).cast(people.schema)]
    )
    index = np.arange(people.height)
    index[rows] = people.height + np.arange(len(rows))
    in_registry[rows] = True
    return combined[index.tolist()], in_registry


def damage_rows(
    people: pl.DataFrame,
    *,
    rng: np.random.Generator,
    rates: DamageRates,
    fmt: str,
    regency: str,
    villages: NameIndex,
    existing: pl.DataFrame | None,
    n_identical: int,
    n_conflicting: int,
    reference_date: date,
    merge_villages: bool,
) -> MessyRows:
    people, in_registry = _take_existing(people, existing, rates.existing, rng)
    n = people.height
    places = _places(regency, villages, int(rng.integers(0, 1 << 16)))
    weights = np.array([getattr(rates, k) for k in ROW_KINDS])
    kinds = rng.choice(len(ROW_KINDS) + 1, size=n, p=[1 - weights.sum(), *weights]) - 1
    styles = pl.DataFrame({f"s_{f}": rng.integers(0, 1 << 20, size=n) for f in FIELD_ORDER})
    written, cells = _neutral(people, styles, fmt, places)

    kind_names = ["none"] * n
    codes: list[list[str]] = _region_codes(people, places).to_list()
    niks: list[str | None] = people["nik"].to_list()
    changes: dict[str, tuple[list[int], list[Any]]] = {
        c: ([], []) for c in [*FIELD_ORDER, *CELL_COLUMNS]
    }
    damaged = np.flatnonzero(kinds >= 0)
    style_of = rng.integers(0, 1 << 20, size=n)
    for i, person in zip(
        damaged.tolist(), people[damaged.tolist()].iter_rows(named=True), strict=True
    ):
        kind = ROW_KINDS[kinds[i]]
        outcome = dmg.apply_damage(
            kind, person, int(style_of[i]), fmt, places.typos, reference_date
        )
        if outcome is None:
            continue
        changed, kind_codes, nik = outcome
        kind_names[i] = kind
        village_codes = {"VILLAGE_AMBIGUOUS"} if kind.startswith("village_") else set()
        codes[i] = sorted((set(codes[i]) - village_codes) | kind_codes)
        niks[i] = nik
        for column, value in changed.items():
            changes[column][0].append(i)
            changes[column][1].append(value)
    written = written.with_columns(
        written[c].scatter(ix, pl.Series(v, dtype=pl.String))
        for c, (ix, v) in changes.items()
        if ix and c in FIELD_ORDER
    )
    cells = cells.with_columns(
        cells[c].scatter(ix, pl.Series(v, dtype=CELL_COLUMNS[c]))
        for c, (ix, v) in changes.items()
        if ix and c in CELL_COLUMNS
    )
    # A valid NIK's kecamatan tells apart villages of one name in different kecamatan.
    person_villages = people["village_code"].to_list()
    for i, row_codes in enumerate(codes):
        if (
            "VILLAGE_AMBIGUOUS" in row_codes
            and niks[i]
            and person_villages[i] in places.told_by_nik
        ):
            codes[i] = sorted((set(row_codes) - {"VILLAGE_AMBIGUOUS"}) | {"VILLAGE_FROM_NIK"})
    expected = pl.DataFrame(
        {
            "codes": codes,
            "kind": kind_names,
            "nik": niks,
            "origin": np.arange(n),
            "who": np.arange(n),
            # The birth date the checker reads, where it is the person's own (the damage of
            # these kinds writes another one, or none).
            "birth_date": people.select(
                pl.when(pl.Series(kind_names).is_in(_DATE_CHANGED))
                .then(None)
                .otherwise(pl.col("birth_date"))
            ).to_series(),
            "in_registry": in_registry,
        },
        schema={
            "codes": pl.List(pl.String),
            "kind": pl.String,
            "nik": pl.String,
            "origin": pl.Int64,
            "who": pl.Int64,
            "birth_date": pl.Date,
            "in_registry": pl.Boolean,
        },
    )
    return _add_repeats(
        MessyRows(written, cells, expected),
        rng=rng,
        n_identical=n_identical,
        n_conflicting=n_conflicting,
        merge_villages=merge_villages,
    )


def _add_repeats(
    rows: MessyRows,
    *,
    rng: np.random.Generator,
    n_identical: int,
    n_conflicting: int,
    merge_villages: bool,
) -> MessyRows:
    """Mix in exact copies and altered copies of rows: every other altered copy has another
    address (the same person written again), the others another name (another person under
    the NIK: a conflict). A copy of a damaged row keeps its damage; the duplicate codes then
    follow from the NIK the checker recovers. ``origin`` tells identical rows, ``who`` the
    person a row describes."""
    n = rows.written.height
    total = min(n_identical + n_conflicting, n)
    sources = rng.choice(n, size=total, replace=False) if total else np.array([], dtype=np.int64)
    identical = sources[: min(n_identical, total)]
    conflicting = sources[len(identical) :]
    copies = np.concatenate([identical, conflicting]).astype(np.int64).tolist()
    written_copies = rows.written[copies]
    expected_copies = rows.expected[copies]
    if len(conflicting):
        altered = [False] * len(identical) + [True] * len(conflicting)
        other = [False] * len(identical) + [k % 2 == 1 for k in range(len(conflicting))]
        is_altered, is_other = pl.Series(altered), pl.Series(other)
        # Another person: another name (a row without a name stays the same person).
        renamed = is_other & (expected_copies["kind"] != "name_missing")
        written_copies = written_copies.with_columns(
            address=pl.when(is_altered & ~renamed)
            .then(pl.col("address") + " Blok C")
            .otherwise(pl.col("address")),
            name=pl.when(renamed)
            .then(pl.lit("Zulkarnaen ") + pl.col("name"))
            .otherwise(pl.col("name")),
        )
        expected_copies = expected_copies.with_columns(
            origin=pl.when(is_altered)
            .then(pl.int_range(n, n + len(copies)))
            .otherwise(pl.col("origin")),
            who=pl.when(renamed).then(pl.int_range(n, n + len(copies))).otherwise(pl.col("who")),
        )
    written = pl.concat([rows.written, written_copies])
    cells = pl.concat([rows.cells, rows.cells[copies]])
    expected = pl.concat([rows.expected, expected_copies])
    # Copies land at random places, before or after their source.
    keys = np.concatenate([np.arange(n, dtype=float), rng.uniform(0, max(n, 1), size=len(copies))])
    order = np.argsort(keys, kind="stable")
    if merge_villages:  # runs of one village, as lists sorted by village look
        villages = written["desa"].fill_null("").to_numpy()[order]
        order = order[np.argsort(villages.astype(str), kind="stable")]
    index = order.tolist()
    written, expected = written[index], expected[index]
    # Who a row describes, as the checker tells people apart under one NIK (its name after
    # normalisation and its birth date): two people the generator made can be one person
    # there — a NIK that lost its last digit in a number cell may be another person's NIK,
    # and people of one birth date may share a name.
    expected = expected.with_columns(
        name_normalized=pl.when(pl.col("kind") != "name_missing").then(
            written.select(normalize_names_expr(pl.col("name").str.to_lowercase())).to_series()
        )
    )
    return MessyRows(written, cells[index], expected)
