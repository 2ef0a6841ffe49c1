"""Duplicates the way they happen on real lists: the same worker written down again, differently.

:func:`corrupt_duplicates` takes copies of registry rows and changes each copy in one or more
fields, column-wise with one seeded NumPy generator:

* name: an honorific (H., Hj., Bpk., Ibu …) or a degree (S.Pd, S.E. …) added, Muhammad / Siti /
  Nur written another way (Moch., M., St., Nurul …), the old spelling (oe, dj, tj), a typo
  (one letter replaced, dropped, added or swapped) or a name part dropped;
* NIK: one or two digits wrong, or two neighbouring digits swapped (otherwise identical);
* birth date: day and month swapped, the year one off, or left out;
* phone: another number or none;
* desa/kelurahan: another desa of the same kecamatan, or a desa of the neighbouring kab/kota
  (the person is on that kab/kota's list too).

Each copy records what was done to it in ``dup_kinds`` (e.g. ``"name:typo,nik:two_digits"``),
so the benchmark can report recall per kind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

#: Field → share of duplicates in which it is changed (a copy with nothing drawn gets one).
FIELDS = ("name", "nik", "birth_date", "phone", "village")


@dataclass(frozen=True)
class DuplicateMix:
    """How often each field of a duplicate differs from the original, and how."""

    name: float = 0.55
    nik: float = 0.35
    birth_date: float = 0.25
    phone: float = 0.35
    village: float = 0.25
    #: name: honorific, degree, Muhammad/Siti/Nur variant, old spelling, typo, part dropped
    name_kinds: tuple[float, ...] = (0.17, 0.13, 0.17, 0.11, 0.28, 0.14)
    #: nik: one digit, two digits, neighbouring digits swapped
    nik_kinds: tuple[float, ...] = (0.45, 0.25, 0.30)
    #: birth date: day/month swapped, year ±1, missing
    birth_date_kinds: tuple[float, ...] = (0.4, 0.3, 0.3)
    #: village: another desa of the kecamatan, a desa of the neighbouring kab/kota
    village_kinds: tuple[float, ...] = (0.7, 0.3)


DEFAULT_DUPLICATE_MIX = DuplicateMix()
NAME_KINDS = ("honorific", "degree", "variant", "old_spelling", "typo", "part_dropped")
NIK_KINDS = ("one_digit", "two_digits", "swapped")
BIRTH_DATE_KINDS = ("day_month_swapped", "year_off", "missing")
VILLAGE_KINDS = ("same_kecamatan", "neighbour_regency")

_HONORIFICS_MALE = np.array(["H. ", "Bpk. ", "Sdr. ", "Bapak ", "H "])
_HONORIFICS_FEMALE = np.array(["Hj. ", "Ibu ", "Ny. ", "Sdri. ", "Hj "])
_DEGREES = np.array([", S.Pd", ", S.E.", " S.H.", ", A.Md.", ", S.Kom", ", S.Pd.I", " S.Sos"])
_MUHAMMAD_FORMS = np.array(["moch.", "m.", "mohammad", "muh.", "mochamad", "mohamad", "muhamad"])
_SITI_FORMS = np.array(["st.", "sitti"])
_LETTERS = np.array(list("abcdefghijklmnoprstuwy"))


def _pick(rng: np.random.Generator, shares: tuple[float, ...], n: int) -> np.ndarray:
    p = np.asarray(shares, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _styled(expr: pl.Expr, style: pl.Expr) -> pl.Expr:
    """Lists write names in capitals, in title case or (rarely) in lower case."""
    return (
        pl.when(style == 0)
        .then(expr.str.to_uppercase())
        .when(style == 1)
        .then(expr.str.to_titlecase())
        .otherwise(expr)
    )


def _typo(name: pl.Expr, position: pl.Expr, op: pl.Expr, letter: pl.Expr) -> pl.Expr:
    """One keyboard slip at ``position``: replace, drop, add, or swap with the next letter."""
    head = name.str.slice(0, position)
    tail = name.str.slice(position + 1)
    here = name.str.slice(position, 1)
    nxt = name.str.slice(position + 1, 1)
    return (
        pl.when(op == 0)
        .then(head + letter + tail)
        .when(op == 1)
        .then(head + tail)
        .when(op == 2)
        .then(head + letter + here + tail)
        .otherwise(head + nxt + here + name.str.slice(position + 2))
    )


def _corrupt_names(
    frame: pl.DataFrame, rng: np.random.Generator, mix: DuplicateMix
) -> tuple[pl.Series, pl.Series]:
    n = frame.height
    female = (frame["sex"] == "P").to_numpy()
    lower = pl.col("name").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    tokens = lower.str.split(" ")
    first = tokens.list.first()
    prefixed = first.is_in(["muhammad", "siti", "nur"])
    n_tokens = tokens.list.len()
    length = lower.str.len_chars()
    # The typo lands after the first letter four times in five: first letters are
    # rarely mistyped on a form someone reads back.
    position_draw = rng.random(n)
    aux = pl.DataFrame(
        {
            "_kind": _pick(rng, mix.name_kinds, n),
            "_hon": np.where(
                female, rng.choice(_HONORIFICS_FEMALE, n), rng.choice(_HONORIFICS_MALE, n)
            ),
            "_deg": rng.choice(_DEGREES, n),
            "_mform": rng.choice(_MUHAMMAD_FORMS, n),
            "_sform": rng.choice(_SITI_FORMS, n),
            "_pos_draw": position_draw,
            "_first_letter": rng.random(n) < 0.2,
            "_op": rng.integers(0, 4, n),
            "_letter": rng.choice(_LETTERS, n),
            "_style": rng.integers(0, 3, n),
            "_style_draw": rng.random(n),
        }
    )
    work = frame.select("name").hstack(aux)
    position = (
        pl.when(pl.col("_first_letter"))
        .then(pl.lit(0, dtype=pl.Int64))
        .otherwise(1 + (pl.col("_pos_draw") * (length - 2).clip(lower_bound=1)).cast(pl.Int64))
    )
    typo = _typo(lower, position, pl.col("_op"), pl.col("_letter"))
    variant = (
        pl.when(first == "muhammad")
        .then(pl.col("_mform") + lower.str.slice(8))
        .when(first == "siti")
        .then(pl.col("_sform") + lower.str.slice(4))
        .when(first == "nur")
        .then(pl.lit("nurul") + lower.str.slice(3))
    )
    has_old = lower.str.contains("u|j|c")
    old_spelling = (
        lower.str.replace_all("u", "oe").str.replace_all("j", "dj").str.replace_all("c", "tj")
    )
    dropped = (
        pl.when(prefixed & (n_tokens >= 2))
        .then(tokens.list.slice(1).list.join(" "))
        .when(n_tokens >= 3)
        .then(pl.concat_list(tokens.list.first(), tokens.list.slice(2)).list.join(" "))
        .when(n_tokens == 2)
        .then(first)
    )
    kind = pl.col("_kind")
    body = (
        pl.when(kind == 2)
        .then(variant)
        .when((kind == 3) & has_old)
        .then(old_spelling)
        .when(kind == 5)
        .then(dropped)
        .when(kind.is_in([0, 1]))
        .then(lower)
        .otherwise(typo)
    ).fill_null(typo)
    # A different hand may write the same name in another style.
    styled = _styled(body, pl.col("_style"))
    result = (
        pl.when(kind == 0)
        .then(pl.col("_hon") + styled)
        .when(kind == 1)
        .then(styled + pl.col("_deg"))
        .otherwise(styled)
    )
    # What was actually done (a variant or old spelling with nothing to vary became a typo).
    applied = (
        pl.when(kind == 2)
        .then(pl.when(variant.is_null()).then(pl.lit("typo")).otherwise(pl.lit("variant")))
        .when(kind == 3)
        .then(pl.when(has_old).then(pl.lit("old_spelling")).otherwise(pl.lit("typo")))
        .when(kind == 5)
        .then(pl.when(dropped.is_null()).then(pl.lit("typo")).otherwise(pl.lit("part_dropped")))
        .otherwise(pl.lit(list(NAME_KINDS)).list.get(kind))
    )
    out = work.select(name=result, applied=applied)
    return out["name"], out["applied"]


def _corrupt_niks(
    niks: pl.Series, rng: np.random.Generator, mix: DuplicateMix
) -> tuple[pl.Series, np.ndarray]:
    n = niks.len()
    digits = np.frombuffer("".join(niks.to_list()).encode(), dtype=np.uint8).reshape(n, 16).copy()
    kind = _pick(rng, mix.nik_kinds, n)
    rows = np.arange(n)
    first = rng.integers(0, 16, n)
    second = (first + rng.integers(1, 16, n)) % 16
    zero = ord("0")

    def substitute(where: np.ndarray, column: np.ndarray) -> None:
        old = digits[rows[where], column[where]] - zero
        digits[rows[where], column[where]] = zero + (old + rng.integers(1, 10, where.sum())) % 10

    substitute(kind <= 1, first)
    substitute(kind == 1, second)
    # Swap two neighbouring digits; where they are equal the swap would change nothing, so
    # the copy gets one wrong digit instead.
    swap = kind == 2
    left = np.minimum(first, 14)
    a = digits[rows, left].copy()
    b = digits[rows, left + 1].copy()
    real_swap = swap & (a != b)
    digits[rows[real_swap], left[real_swap]] = b[real_swap]
    digits[rows[real_swap], left[real_swap] + 1] = a[real_swap]
    fallback = swap & ~real_swap
    substitute(fallback, left)
    kind = np.where(fallback, 0, kind)
    return pl.Series(niks.name, digits.view("S16").ravel().astype(str)), kind


def corrupt_duplicates(
    source: pl.DataFrame,
    *,
    villages: pl.DataFrame,
    neighbours: dict[str, str],
    rng: np.random.Generator,
    mix: DuplicateMix = DEFAULT_DUPLICATE_MIX,
) -> pl.DataFrame:
    """Copies of ``source`` rows, each changed in at least one field (see the module doc).

    ``villages`` has village_code, village_name, kecamatan_code, regency (all villages the copies
    may move to); ``neighbours`` maps a kab/kota code to the one whose list may also hold the
    person. Returns ``source``'s columns plus ``dup_kinds``.
    """
    n = source.height
    if n == 0:
        return source.with_columns(dup_kinds=pl.lit("", dtype=pl.String))
    shares = np.array([mix.name, mix.nik, mix.birth_date, mix.phone, mix.village])
    changed = rng.random((n, len(FIELDS))) < shares
    nothing = ~changed.any(axis=1)
    changed[np.flatnonzero(nothing), rng.integers(0, len(FIELDS), nothing.sum())] = True

    names, name_kind = _corrupt_names(source, rng, mix)
    niks, nik_kind = _corrupt_niks(source["nik"], rng, mix)
    date_kind = _pick(rng, mix.birth_date_kinds, n)
    village_kind = _pick(rng, mix.village_kinds, n)
    new_phone = rng.integers(1_100_000_000, 9_999_999_999, n)
    phone_missing = rng.random(n) < 0.5

    frame = source.with_columns(
        _c=pl.Series(changed),
        _nik_new=niks,
        _name_new=names,
        _name_kind=name_kind,
        _nik_kind=pl.Series(np.array(NIK_KINDS)[nik_kind]),
        _date_kind=date_kind,
        _village_kind=village_kind,
        _phone_new=pl.Series([f"+628{p}" for p in new_phone.tolist()]),
        _phone_missing=phone_missing,
        _pick=rng.integers(0, 1 << 30, n),
        regency=pl.col("village_code").str.slice(0, 5),
    )
    changed_name = pl.col("_c").arr.get(0)
    changed_nik = pl.col("_c").arr.get(1)
    changed_date = pl.col("_c").arr.get(2)
    changed_phone = pl.col("_c").arr.get(3)
    changed_village = pl.col("_c").arr.get(4)

    # Birth date: swap day and month where that makes a different valid date, else a year off.
    bd = pl.col("birth_date")
    can_swap = (bd.dt.day() <= 12) & (bd.dt.day() != bd.dt.month())
    swapped = pl.date(bd.dt.year(), bd.dt.day(), bd.dt.month())
    year_off = (
        pl.when(pl.col("_pick") % 2 == 0)
        .then(bd.dt.offset_by("1y"))
        .otherwise(bd.dt.offset_by("-1y"))
    )
    date_choice = pl.col("_date_kind")
    new_date = (
        pl.when(date_choice == 2)
        .then(pl.lit(None, dtype=pl.Date))
        .when((date_choice == 0) & can_swap)
        .then(swapped)
        .otherwise(year_off)
    )
    date_label = (
        pl.when(date_choice == 2)
        .then(pl.lit("missing"))
        .when((date_choice == 0) & can_swap)
        .then(pl.lit("day_month_swapped"))
        .otherwise(pl.lit("year_off"))
    )
    new_phone_expr = (
        pl.when(pl.col("_phone_missing") & pl.col("phone").is_not_null())
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("_phone_new"))
    )
    phone_label = (
        pl.when(new_phone_expr.is_null()).then(pl.lit("missing")).otherwise(pl.lit("other_number"))
    )

    # Village: another desa of the same kecamatan, or any desa of the neighbouring kab/kota.
    by_kecamatan = villages.group_by("kecamatan_code").agg(_kec_villages=pl.col("village_code"))
    by_regency = villages.group_by("regency").agg(_reg_villages=pl.col("village_code"))
    frame = (
        frame.with_columns(
            _neighbour=pl.col("regency").replace_strict(neighbours, default=pl.col("regency"))
        )
        .join(by_kecamatan, on="kecamatan_code", how="left", maintain_order="left")
        .join(
            by_regency, left_on="_neighbour", right_on="regency", how="left", maintain_order="left"
        )
    )
    kec_count = pl.col("_kec_villages").list.len()
    same_kec = pl.col("_kec_villages").list.get(
        (pl.col("_pick") % kec_count.clip(lower_bound=1)).cast(pl.Int64), null_on_oob=True
    )
    # If the draw hit the person's own desa, take the next one in the list.
    same_kec = (
        pl.when(same_kec == pl.col("village_code"))
        .then(
            pl.col("_kec_villages").list.get(
                ((pl.col("_pick") + 1) % kec_count.clip(lower_bound=1)).cast(pl.Int64),
                null_on_oob=True,
            )
        )
        .otherwise(same_kec)
    )
    neighbour_village = pl.col("_reg_villages").list.get(
        (pl.col("_pick") % pl.col("_reg_villages").list.len().clip(lower_bound=1)).cast(pl.Int64),
        null_on_oob=True,
    )
    new_village = (
        pl.when(pl.col("_village_kind") == 1)
        .then(neighbour_village)
        .otherwise(same_kec)
        .fill_null(pl.col("village_code"))
    )
    village_label = (
        pl.when(pl.col("_village_kind") == 1)
        .then(pl.lit("neighbour_regency"))
        .otherwise(pl.lit("same_kecamatan"))
    )

    kinds = pl.concat_str(
        [
            pl.when(changed_name).then(pl.lit("name:") + pl.col("_name_kind")),
            pl.when(changed_nik).then(pl.lit("nik:") + pl.col("_nik_kind")),
            pl.when(changed_date & bd.is_not_null()).then(pl.lit("birth_date:") + date_label),
            pl.when(changed_phone).then(pl.lit("phone:") + phone_label),
            pl.when(changed_village).then(pl.lit("village:") + village_label),
        ],
        separator=",",
        ignore_nulls=True,
    )
    out = frame.with_columns(
        name=pl.when(changed_name).then(pl.col("_name_new")).otherwise(pl.col("name")),
        nik=pl.when(changed_nik).then(pl.col("_nik_new")).otherwise(pl.col("nik")),
        birth_date=pl.when(changed_date).then(new_date).otherwise(bd),
        phone=pl.when(changed_phone).then(new_phone_expr).otherwise(pl.col("phone")),
        village_code=pl.when(changed_village).then(new_village).otherwise(pl.col("village_code")),
        dup_kinds=kinds,
    )
    # Keep the desa's name and kecamatan consistent with its (possibly new) code.
    places = villages.select("village_code", "village_name", "kecamatan_code")
    out = out.drop("village_name", "kecamatan_code").join(
        places, on="village_code", how="left", maintain_order="left"
    )
    return out.select(*source.columns, "dup_kinds")
