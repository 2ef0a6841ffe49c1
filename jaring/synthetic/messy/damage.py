"""Damage for messy lists: how each kind of damage is written, and the codes it must cause.

Every row gets at most one *problem* damage (a kind of :class:`DamageRates`) on top of harmless
*variations* (date formats, sex spellings, phone forms, …) that must cause no code at all. The
expected codes of a kind are stated here, from what the damage does to the value — never by
running the checker — plus the few that depend on the data itself (a NIK whose serial becomes
0000, a village name shared by two villages of one kecamatan), which are worked out from the
injected values with the rules' constants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from jaring.rules.nik import FLOAT_EXACT_LIMIT, NIK_SLICES

_SERIAL = NIK_SLICES["serial"]


@dataclass(frozen=True)
class DamageRates:
    """Share of rows (0–1) given each kind of damage; together at most 1. A kind that does not
    fit a row (month-first needs a day above 12, a typo needs a village name that still
    resolves) leaves that row undamaged, so realised counts can be a little lower."""

    nik_scientific: float = 0.01
    nik_float_text: float = 0.01
    nik_number_cell: float = 0.01
    nik_number_lost_digit: float = 0.01
    nik_wrong_length: float = 0.005
    nik_not_digits: float = 0.005
    nik_bad_date: float = 0.005
    nik_serial_zero: float = 0.002
    nik_unknown_province: float = 0.002
    nik_missing: float = 0.003
    name_missing: float = 0.003
    date_month_first: float = 0.005
    date_impossible: float = 0.005
    date_mismatch: float = 0.01
    date_missing: float = 0.01
    date_future: float = 0.002
    sex_mismatch: float = 0.01
    sex_missing: float = 0.01
    sex_unreadable: float = 0.003
    village_typo: float = 0.01
    village_unknown: float = 0.005
    village_missing: float = 0.003
    phone_invalid: float = 0.01
    occupation_fuzzy: float = 0.02
    occupation_unclassified: float = 0.01
    occupation_missing: float = 0.005
    income_below_minimum: float = 0.003
    #: Extra rows, as a share of the people: exact repeats and conflicting repeats of a NIK.
    identical_duplicates: float = 0.01
    conflicting_duplicates: float = 0.005
    #: Share of rows whose person is taken from ``existing`` (already in the registry).
    existing: float = 0.0

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if any(v < 0 or v > 1 for v in values.values()):
            raise ValueError("damage rates must be between 0 and 1")
        if sum(values[k] for k in ROW_KINDS) > 1:
            raise ValueError("the row damage rates add up to more than 1")

    @classmethod
    def none(cls) -> DamageRates:
        return cls(**dict.fromkeys([f.name for f in fields(cls)], 0.0))

    def scaled(self, factor: float) -> DamageRates:
        return DamageRates(**{f.name: getattr(self, f.name) * factor for f in fields(self)})


#: The per-row kinds, in a fixed order (the generator draws them in this order).
ROW_KINDS: tuple[str, ...] = tuple(
    f.name
    for f in fields(DamageRates)
    if f.name not in ("identical_duplicates", "conflicting_duplicates", "existing")
)

#: Codes every kind causes, whatever the data.
KIND_CODES: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "nik_scientific": frozenset({"NIK_SCIENTIFIC_NOTATION"}),
    "nik_float_text": frozenset({"NIK_FROM_NUMBER"}),
    "nik_number_cell": frozenset({"NIK_FROM_NUMBER"}),
    "nik_number_lost_digit": frozenset({"NIK_FROM_NUMBER", "NIK_FROM_NUMBER_ZERO_END"}),
    "nik_wrong_length": frozenset({"NIK_LENGTH"}),
    "nik_not_digits": frozenset({"NIK_NOT_DIGITS"}),
    "nik_bad_date": frozenset(),  # one of three codes, see nik_bad_date()
    "nik_serial_zero": frozenset({"NIK_SERIAL_ZERO"}),
    "nik_unknown_province": frozenset({"NIK_PROVINCE_UNKNOWN"}),
    "nik_missing": frozenset({"NIK_EMPTY"}),
    "name_missing": frozenset({"NAME_MISSING"}),
    "date_month_first": frozenset({"BIRTH_DATE_MONTH_FIRST"}),
    "date_impossible": frozenset({"BIRTH_DATE_INVALID"}),
    "date_mismatch": frozenset({"NIK_BIRTH_DATE_MISMATCH"}),
    "date_missing": frozenset({"BIRTH_DATE_FROM_NIK"}),
    "date_future": frozenset({"BIRTH_DATE_FUTURE", "NIK_BIRTH_DATE_MISMATCH"}),
    "sex_mismatch": frozenset({"NIK_SEX_MISMATCH"}),
    "sex_missing": frozenset({"SEX_FROM_NIK"}),
    "sex_unreadable": frozenset({"SEX_UNREADABLE"}),
    "village_typo": frozenset({"VILLAGE_FUZZY"}),
    "village_unknown": frozenset({"VILLAGE_UNKNOWN"}),
    "village_missing": frozenset({"VILLAGE_MISSING"}),
    "phone_invalid": frozenset({"PHONE_INVALID"}),
    "occupation_fuzzy": frozenset({"OCCUPATION_FUZZY"}),
    "occupation_unclassified": frozenset({"OCCUPATION_UNCLASSIFIED"}),
    "occupation_missing": frozenset({"OCCUPATION_MISSING"}),
    # A declared income below the minimum basis is information, not a problem (issue 12).
    "income_below_minimum": frozenset(),
}
assert set(KIND_CODES) == {"none", *ROW_KINDS}

UNKNOWN_PROVINCES = ("10", "20", "22", "30", "40", "50", "54", "60", "70", "80", "90", "97", "99")
NOT_DIGIT_CHARACTERS = ("O", "I", "l", "S", "B", "o")
SEX_SPELLINGS = {
    "L": ("L", "LK", "Laki-laki", "LAKI-LAKI", "Pria", "l", "Laki laki"),
    "P": ("P", "PR", "Perempuan", "PEREMPUAN", "Wanita", "p", "WANITA"),
}
UNREADABLE_SEX = ("X", "?", "L/P", "0", "LP")
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember")  # fmt: skip
UNKNOWN_VILLAGES = ("Desa Antah Berantah", "Kampung Zzyzx Qwerty", "Kel. Xylofonia Raya")
#: Misspellings the demo classifier knows as "fuzzy" matches, per occupation code.
# Misspellings the occupation classifier reads as *fuzzy* matches of the intended category, and
# texts it leaves unclassified (test_messy_occupation_texts pins both against the classifier).
FUZZY_OCCUPATIONS: dict[str, tuple[str, ...]] = {
    "ketua_rt_rw": ("Ketu RT", "Kteua RT", "Ketau RW"),
    "kader": ("Kadder", "Kadre", "Kaderposyandu"),
    "ojek_pangkalan": ("Ojekk Pangkalan", "Ojjek pangkalan", "Opangg"),
    "pedagang_keliling": ("pedagang kliling", "Pedagang Kelilin", "Pedagang Kelliling"),
    "buruh_harian_lepas": ("Serabutann", "Srabutan", "Buruh Harian Lpas"),
}
UNCLASSIFIABLE_OCCUPATIONS = (
    "Lainnya",
    "Wiraswasta",
    "Tidak tetap",
    "Pensiunan",
    "Belum bekerja",
    "Karyawan Swasta",
)


def number_digits(nik: str) -> str:
    """The digits of a NIK after it went through a float (exact up to 2**53)."""
    return str(int(float(int(nik))))


def excel_digits(nik: str) -> str:
    """What Excel keeps of a 16-digit number typed in: 15 significant digits, then 0."""
    return nik[:15] + "0"


def number_codes(digits: str) -> set[str]:
    """Codes of a 16-digit NIK read from a number, as the rules define them."""
    codes = {"NIK_FROM_NUMBER"}
    if digits.endswith("0"):
        codes.add("NIK_FROM_NUMBER_ZERO_END")
    if int(digits) > FLOAT_EXACT_LIMIT:
        codes.add("NIK_FROM_NUMBER_BEYOND_FLOAT")
    if int(digits[_SERIAL]) == 0:
        codes.add("NIK_SERIAL_ZERO")
    return codes


def nik_bad_date(nik: str, variant: int) -> tuple[str, str]:
    """A NIK with an impossible day, month or calendar date, and the code it causes."""
    day, month = int(nik[6:8]), int(nik[8:10])
    if variant % 3 == 0:
        bad_day = (0, 32, 35, 38, 72, 80, 99)[variant // 3 % 7]
        return f"{nik[:6]}{bad_day:02d}{nik[8:]}", "NIK_DAY_INVALID"
    if variant % 3 == 1:
        bad_month = (0, 13, 20, 45, 99)[variant // 3 % 5]
        return f"{nik[:8]}{bad_month:02d}{nik[10:]}", "NIK_MONTH_INVALID"
    # 31 April (+40 for women): a real day and month, but not together.
    offset = 40 if day > 40 else 0
    del month
    return f"{nik[:6]}{31 + offset:02d}04{nik[10:]}", "NIK_DATE_IMPOSSIBLE"


def typo_candidates(name: str, seed: int) -> list[str]:
    """Misspellings of a village name: a letter dropped, doubled or two letters swapped."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    found: list[str] = []
    for step in range(len(letters)):
        i = letters[(seed + step * 7) % len(letters)]
        kind = (seed + step) % 3
        if kind == 0 and len(letters) > 5:
            found.append(name[:i] + name[i + 1 :])
        elif kind == 1:
            found.append(name[:i] + name[i] + name[i:])
        elif i + 1 < len(name) and name[i + 1].isalpha() and name[i] != name[i + 1]:
            found.append(name[:i] + name[i + 1] + name[i] + name[i + 2 :])
    return found


def date_text(value: date, style: int) -> str:
    """A birth date written one of the ways Indonesian lists write it (day first)."""
    forms = (
        f"{value.day:02d}-{value.month:02d}-{value.year}",
        f"{value.day:02d}/{value.month:02d}/{value.year}",
        f"{value.day:02d}.{value.month:02d}.{value.year}",
        f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}",
        value.isoformat(),
        f"{value.day}/{value.month}/{value.year}",
        f"{value.day:02d} {MONTHS_ID[value.month - 1][:3].upper()} {value.year}",
        str((value - date(1899, 12, 30)).days),  # a serial, as a CSV saved by Excel shows it
    )
    return forms[style % len(forms)]


def shifted(value: date, days: int) -> date:
    return value + timedelta(days=days)


def apply_damage(
    kind: str,
    person: dict[str, Any],
    s: int,
    fmt: str,
    typos: Mapping[str, str],
    reference_date: date,
) -> tuple[dict[str, Any], set[str], str | None] | None:
    """(changed cells, codes, recovered NIK) for one damaged row, or ``None`` when the kind
    does not fit the row."""
    nik: str = person["nik"]
    born: date = person["birth_date"]
    xlsx = fmt == "xlsx"
    codes = set(KIND_CODES[kind])
    text_date = {"date_cell": None, "date_num": None}
    if kind == "nik_scientific":
        text = f"{nik[0]}.{nik[1:6]}E+15"
        return {"nik": text.replace(".", ",") if s % 2 else text}, codes, None
    if kind == "nik_float_text":
        return {"nik": nik + (".0" if s % 2 else ",00")}, number_codes(nik), nik
    if kind in ("nik_number_cell", "nik_number_lost_digit"):
        digits = number_digits(nik) if kind == "nik_number_cell" else excel_digits(nik)
        cells = {"nik": digits, "nik_num": float(int(digits))} if xlsx else {"nik": digits + ".0"}
        return cells, number_codes(digits), digits
    if kind == "nik_wrong_length":
        p = s % 16
        text = nik[:p] + nik[p + 1 :] if s % 2 else nik[:p] + str(s % 10) + nik[p:]
        return {"nik": text}, codes, None
    if kind == "nik_not_digits":
        p = s % 16
        return (
            {"nik": nik[:p] + NOT_DIGIT_CHARACTERS[s % len(NOT_DIGIT_CHARACTERS)] + nik[p + 1 :]},
            codes,
            None,
        )
    if kind == "nik_bad_date":
        digits, code = nik_bad_date(nik, s)
        return {"nik": digits}, {code}, digits
    if kind == "nik_serial_zero":
        return {"nik": nik[:12] + "0000"}, codes, nik[:12] + "0000"
    if kind == "nik_unknown_province":
        digits = UNKNOWN_PROVINCES[s % len(UNKNOWN_PROVINCES)] + nik[2:]
        return {"nik": digits}, codes, digits
    if kind == "nik_missing":
        return {"nik": None}, codes, None
    if kind == "name_missing":
        return {"name": "-" if s % 2 else None}, codes, nik
    if kind == "date_month_first":
        if born.day <= 12:
            return None
        return (
            {"birth_date": f"{born.month:02d}/{born.day:02d}/{born.year}", **text_date},
            codes,
            nik,
        )
    if kind == "date_impossible":
        return {"birth_date": f"{30 + s % 2}-02-{born.year}", **text_date}, codes, nik
    if kind == "date_mismatch":
        other = shifted(born, (s % 400 + 1) * (1 if s % 2 else -1))
        return {"birth_date": date_text(other, s // 7), **text_date}, codes, nik
    if kind == "date_missing":
        return {"birth_date": None, **text_date}, codes, nik
    if kind == "date_future":
        later = shifted(reference_date, 30 + s % 3000)
        return {"birth_date": date_text(later, s // 7), **text_date}, codes, nik
    if kind == "sex_mismatch":
        spellings = SEX_SPELLINGS["P" if person["sex"] == "L" else "L"]
        return {"sex": spellings[s % len(spellings)]}, codes, nik
    if kind == "sex_missing":
        return {"sex": None}, codes, nik
    if kind == "sex_unreadable":
        return {"sex": UNREADABLE_SEX[s % len(UNREADABLE_SEX)]}, codes, nik
    if kind == "village_typo":
        typo = typos.get(person["village_code"])
        return None if typo is None else ({"desa": typo}, codes, nik)
    if kind == "village_unknown":
        return {"desa": UNKNOWN_VILLAGES[s % len(UNKNOWN_VILLAGES)]}, codes, nik
    if kind == "village_missing":
        return {"desa": None}, codes, nik
    if kind == "phone_invalid":
        text = "0812" + str(100 + s % 900) if s % 2 else "0812" + str(10**11 + s)
        return {"phone": text, "phone_num": None}, codes, nik
    if kind == "occupation_fuzzy":
        texts = FUZZY_OCCUPATIONS[person["occupation_code"]]
        return {"occupation": texts[s % len(texts)]}, codes, nik
    if kind == "occupation_unclassified":
        texts = UNCLASSIFIABLE_OCCUPATIONS
        return {"occupation": texts[s % len(texts)]}, codes, nik
    if kind == "occupation_missing":
        return {"occupation": None}, codes, nik
    if kind == "income_below_minimum":
        return (
            {"income": ("500.000", "Rp 750.000", "900000")[s % 3], "income_num": None},
            codes,
            nik,
        )
    raise ValueError(f"unknown damage kind {kind!r}")
