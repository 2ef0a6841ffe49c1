"""NIK (Nomor Induk Kependudukan): clean up, parse and check the 16-digit population number.

Layout ``PP KK CC DD MM YY SSSS`` (UU 23/2006 Pasal 13 jo. UU 24/2013, as applied by Dukcapil):
province, kabupaten/kota and kecamatan where the NIK was *first issued*, day of birth (+40 for
women), month, two-digit year, serial. A NIK is never changed or corrected, so a birth date or
sex that disagrees with other records, or a region code that no longer exists, is a warning; only
a NIK that cannot be a NIK at all is an error.

Three steps, usable alone by the import pipeline:

* :func:`normalize_nik` — what a person or a spreadsheet made of the value (spaces, dots,
  apostrophe, ``3.57103E+15``, ``3571031708800002.0``, numbers);
* :func:`nik_structure_problems` — the positional rules on 16 digits;
* :func:`check_nik` — both, plus the comparison with a stated birth date, sex and the current
  region table; returns every problem at once.

The constants below are the rules themselves, for the column-wise (polars) version.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from jaring.rules.legal import NIK_STRUCTURE, LegalBasis
from jaring.rules.problems import SEX_LABELS, Problem, RulesInputError, nik_problem

Sex = Literal["L", "P"]

NIK_LENGTH = 16
#: Province codes valid as the first two digits: the 38 provinces of Kepmendagri 2025.
PROVINCE_CODES: frozenset[str] = frozenset(
    [f"{n}" for n in range(11, 20)]
    + ["21"]
    + [f"{n}" for n in range(31, 37)]
    + ["51", "52", "53"]
    + [f"{n}" for n in range(61, 66)]
    + [f"{n}" for n in range(71, 77)]
    + ["81", "82"]
    + [f"{n}" for n in range(91, 97)]
)
#: Digit positions (0-based slices) of each part.
NIK_SLICES: dict[str, slice] = {
    "province": slice(0, 2),
    "kabkota": slice(2, 4),
    "kecamatan": slice(4, 6),
    "day": slice(6, 8),
    "month": slice(8, 10),
    "year": slice(10, 12),
    "serial": slice(12, 16),
}
#: Women's day of birth is written with 40 added.
FEMALE_DAY_OFFSET = 40
MALE_DAYS = range(1, 32)  # 01-31
FEMALE_DAYS = range(41, 72)  # 41-71
MONTHS = range(1, 13)  # 01-12
SERIALS = range(1, 10_000)  # 0001-9999
#: Largest integer a float64 holds exactly; NIKs of provinces 91-96 are above it.
FLOAT_EXACT_LIMIT = 2**53
#: Excel keeps 15 significant digits of a number; the 16th becomes 0.
EXCEL_SIGNIFICANT_DIGITS = 15

# "3.57103E+15", "3,57103E+15" (Indonesian Excel), "3.571031708800002e15".
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
# A number shown with thousands separators: "3,571,031,708,800,002" or "3.571.031.708.800.002".
_GROUPED_RE = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})+$")
# A float rendering: "3571031708800002.0" or "3571031708800002,00".
_FLOAT_TEXT_RE = re.compile(r"^(\d+)[.,]0+$")
# What people type between digit groups: whitespace, dots, hyphens and dashes.
_TYPED_SEPARATORS_RE = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
_LEADING_QUOTES = "'`\u2018\u2019"


@dataclass(frozen=True, slots=True)
class NikInput:
    """A raw NIK after clean-up: ``nik`` is the 16 digits when they could be recovered."""

    raw: str
    cleaned: str
    nik: str | None
    from_number: bool
    problems: tuple[Problem, ...]

    @property
    def recovered(self) -> bool:
        return self.nik is not None


@dataclass(frozen=True, slots=True)
class ParsedNik:
    """The parts of a structurally valid NIK. Region codes are dotted Kemendagri codes."""

    nik: str
    province_code: str
    kabkota_code: str
    kecamatan_code: str
    sex: Sex
    birth_day: int
    birth_month: int
    birth_year_two_digits: int
    birth_date: date
    serial: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "nik": self.nik,
            "province_code": self.province_code,
            "kabkota_code": self.kabkota_code,
            "kecamatan_code": self.kecamatan_code,
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat(),
            "serial": self.serial,
        }


@dataclass(frozen=True, slots=True)
class NikCheck:
    """The outcome of :func:`check_nik`: every problem, and the parts when the NIK is valid."""

    input: NikInput
    parsed: ParsedNik | None
    problems: tuple[Problem, ...]
    basis: LegalBasis = NIK_STRUCTURE

    @property
    def nik(self) -> str | None:
        return self.input.nik

    @property
    def valid(self) -> bool:
        """No error (warnings allowed)."""
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def to_dict(self) -> dict[str, Any]:
        return {
            "raw": self.input.raw,
            "nik": self.nik,
            "valid": self.valid,
            "from_number": self.input.from_number,
            "parsed": self.parsed.to_dict() if self.parsed else None,
            "problems": [p.to_dict() for p in self.problems],
            "basis": self.basis.to_dict(),
        }


# --- Step 1: clean-up ----------------------------------------------------------------------------


def _number_problems(digits: str) -> tuple[Problem, ...]:
    """Problems of a NIK whose value went through a numeric cell."""
    if len(digits) < NIK_LENGTH:
        return (nik_problem("NIK_DIGITS_LOST", length=len(digits)),)
    found = [nik_problem("NIK_FROM_NUMBER")]
    if len(digits) == NIK_LENGTH:  # a longer value is a length error; no need to explain more
        if digits.endswith("0"):
            found.append(nik_problem("NIK_FROM_NUMBER_ZERO_END"))
        if int(digits) > FLOAT_EXACT_LIMIT:
            found.append(nik_problem("NIK_FROM_NUMBER_BEYOND_FLOAT"))
    return tuple(found)


def _finish(raw: str, cleaned: str, from_number: bool, problems: list[Problem]) -> NikInput:
    if not any(p.is_error for p in problems):
        problems.extend(_shape_problems(cleaned))
    ok = not any(p.is_error for p in problems)
    return NikInput(raw, cleaned, cleaned if ok else None, from_number, tuple(problems))


def _shape_problems(cleaned: str) -> list[Problem]:
    found: list[Problem] = []
    bad = sorted({ch for ch in cleaned if ch not in "0123456789"})
    if bad:
        found.append(nik_problem("NIK_NOT_DIGITS", characters=" ".join(repr(ch) for ch in bad)))
    if len(cleaned) != NIK_LENGTH:
        found.append(nik_problem("NIK_LENGTH", length=len(cleaned)))
    return found


def _from_number_value(raw: int | float) -> NikInput:
    text = repr(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer() or raw < 0:
            return NikInput(
                text, text, None, True, (nik_problem("NIK_NOT_DIGITS", characters=text),)
            )
        raw = int(raw)
    if raw < 0:
        return NikInput(text, text, None, True, (nik_problem("NIK_NOT_DIGITS", characters="'-'"),))
    digits = str(raw)
    return _finish(text, digits, True, list(_number_problems(digits)))


def normalize_nik(raw: str | int | float | None) -> NikInput:
    """Recover the 16 digits of a NIK as typed or as a spreadsheet delivered it.

    * spaces, dots, hyphens and a leading apostrophe are removed (``'3571 0317 0880 0002``);
    * scientific notation (``3.57103E+15``) is an error: the digits are gone;
    * a number (``int``/``float``, ``"3571031708800002.0"``, ``"3.571.031.708.800.002"``) is
      recovered with a warning, a stronger one when it ends in 0 (Excel's 15 digits) or exceeds
      2**53 (float precision), and an error when digits are missing.
    """
    if raw is None:
        return NikInput("", "", None, False, (nik_problem("NIK_EMPTY"),))
    if isinstance(raw, bool):
        text = repr(raw)
        return NikInput(text, text, None, False, (nik_problem("NIK_NOT_DIGITS", characters=text),))
    if isinstance(raw, int | float):
        return _from_number_value(raw)
    # NFKC turns full-width digits into ASCII; zero-width characters are invisible noise.
    text = unicodedata.normalize("NFKC", raw).replace("\u200b", "").replace("\ufeff", "").strip()
    text = text.lstrip(_LEADING_QUOTES).strip().strip('"').strip()
    if not text:
        return NikInput(raw, "", None, False, (nik_problem("NIK_EMPTY"),))
    if _SCIENTIFIC_RE.match(text):
        return NikInput(
            raw, text, None, True, (nik_problem("NIK_SCIENTIFIC_NOTATION", value=text),)
        )
    if _GROUPED_RE.match(text):
        digits = re.sub(r"[.,]", "", text)
        return _finish(raw, digits, True, list(_number_problems(digits)))
    float_text = _FLOAT_TEXT_RE.match(text)
    if float_text:
        digits = float_text.group(1)
        return _finish(raw, digits, True, list(_number_problems(digits)))
    return _finish(raw, _TYPED_SEPARATORS_RE.sub("", text), False, [])


# --- Step 2: structure ---------------------------------------------------------------------------


def nik_sex(day_digits: int) -> Sex:
    return "P" if day_digits > FEMALE_DAY_OFFSET else "L"


def _candidate_years(two_digits: int) -> tuple[int, int]:
    return (1900 + two_digits, 2000 + two_digits)


def resolve_birth_year(
    two_digits: int,
    month: int,
    day: int,
    *,
    stated_birth_date: date | None = None,
    reference_date: date | None = None,
) -> int:
    """The century of a two-digit birth year.

    With a stated birth date: the candidate (19YY or 20YY) closest to it. Otherwise: the latest
    candidate not after ``reference_date`` (default today), so a NIK never puts a birth in the
    future.
    """
    earlier, later = _candidate_years(two_digits)
    if stated_birth_date is not None:
        distance_earlier = abs(earlier - stated_birth_date.year)
        distance_later = abs(later - stated_birth_date.year)
        return later if distance_later < distance_earlier else earlier
    reference = reference_date or date.today()
    # Compare as tuples so an impossible day (31 Feb) still picks a century.
    if (later, month, day) <= (reference.year, reference.month, reference.day):
        return later
    return earlier


def nik_structure_problems(nik: str) -> tuple[Problem, ...]:
    """Errors in the positions of 16 ASCII digits (the date is checked in :func:`check_nik`)."""
    found: list[Problem] = []
    province = nik[NIK_SLICES["province"]]
    if province not in PROVINCE_CODES:
        found.append(nik_problem("NIK_PROVINCE_UNKNOWN", province=province))
    if nik[NIK_SLICES["kabkota"]] == "00":
        found.append(nik_problem("NIK_KABKOTA_ZERO"))
    if nik[NIK_SLICES["kecamatan"]] == "00":
        found.append(nik_problem("NIK_KECAMATAN_ZERO"))
    day = int(nik[NIK_SLICES["day"]])
    if day not in MALE_DAYS and day not in FEMALE_DAYS:
        found.append(nik_problem("NIK_DAY_INVALID", day=nik[NIK_SLICES["day"]]))
    if int(nik[NIK_SLICES["month"]]) not in MONTHS:
        found.append(nik_problem("NIK_MONTH_INVALID", month=nik[NIK_SLICES["month"]]))
    if int(nik[NIK_SLICES["serial"]]) not in SERIALS:
        found.append(nik_problem("NIK_SERIAL_ZERO"))
    return tuple(found)


def region_codes(nik: str) -> tuple[str, str, str]:
    """Dotted Kemendagri codes of the issuing province, kab/kota and kecamatan."""
    province = nik[NIK_SLICES["province"]]
    kabkota = f"{province}.{nik[NIK_SLICES['kabkota']]}"
    return province, kabkota, f"{kabkota}.{nik[NIK_SLICES['kecamatan']]}"


def _parse_digits(
    nik: str,
    *,
    stated_birth_date: date | None,
    reference_date: date | None,
) -> tuple[ParsedNik | None, tuple[Problem, ...]]:
    problems = nik_structure_problems(nik)
    day_digits = int(nik[NIK_SLICES["day"]])
    month = int(nik[NIK_SLICES["month"]])
    two_digits = int(nik[NIK_SLICES["year"]])
    day = day_digits - FEMALE_DAY_OFFSET if day_digits > FEMALE_DAY_OFFSET else day_digits
    date_codes = {"NIK_DAY_INVALID", "NIK_MONTH_INVALID"}
    if any(p.code in date_codes for p in problems):
        return None, problems
    year = resolve_birth_year(
        two_digits,
        month,
        day,
        stated_birth_date=stated_birth_date,
        reference_date=reference_date,
    )
    try:
        birth_date = date(year, month, day)
    except ValueError:
        impossible = nik_problem(
            "NIK_DATE_IMPOSSIBLE", day=f"{day:02d}", month=f"{month:02d}", year=year
        )
        return None, (*problems, impossible)
    if problems:
        return None, problems
    province, kabkota, kecamatan = region_codes(nik)
    parsed = ParsedNik(
        nik=nik,
        province_code=province,
        kabkota_code=kabkota,
        kecamatan_code=kecamatan,
        sex=nik_sex(day_digits),
        birth_day=day,
        birth_month=month,
        birth_year_two_digits=two_digits,
        birth_date=birth_date,
        serial=int(nik[NIK_SLICES["serial"]]),
    )
    return parsed, ()


# --- Step 3: the whole check ---------------------------------------------------------------------


def _comparison_problems(
    parsed: ParsedNik,
    *,
    birth_date: date | None,
    sex: Sex | None,
    known_regions: Container[str] | None,
) -> list[Problem]:
    found: list[Problem] = []
    if birth_date is not None and birth_date != parsed.birth_date:
        found.append(
            nik_problem(
                "NIK_BIRTH_DATE_MISMATCH",
                nik_date=parsed.birth_date.isoformat(),
                stated_date=birth_date.isoformat(),
            )
        )
    if sex is not None and sex != parsed.sex:
        found.append(
            nik_problem(
                "NIK_SEX_MISMATCH",
                nik_sex=parsed.sex,
                stated_sex=sex,
            )
        )
    if known_regions is not None:
        # A kecamatan under an unknown kab/kota is necessarily unknown: report the higher level.
        if parsed.kabkota_code not in known_regions:
            found.append(nik_problem("NIK_KABKOTA_UNKNOWN", region=parsed.kabkota_code))
        elif parsed.kecamatan_code not in known_regions:
            found.append(nik_problem("NIK_KECAMATAN_UNKNOWN", region=parsed.kecamatan_code))
    return found


def check_nik(
    raw: str | int | float | None,
    *,
    birth_date: date | None = None,
    sex: Sex | None = None,
    known_regions: Container[str] | None = None,
    reference_date: date | None = None,
) -> NikCheck:
    """Check a NIK and list every problem (errors and warnings) with a stable code.

    ``birth_date`` and ``sex`` are the person's recorded data (warnings when they differ; the
    stated date also settles the century). ``known_regions`` holds today's dotted region codes
    (``"35.71"``, ``"35.71.03"``); when ``None`` the region-table warnings are skipped.
    ``reference_date`` (default today) settles the century when no birth date is stated.
    """
    cleaned = normalize_nik(raw)
    if cleaned.nik is None:
        return NikCheck(cleaned, None, cleaned.problems)
    parsed, structure = _parse_digits(
        cleaned.nik, stated_birth_date=birth_date, reference_date=reference_date
    )
    problems = [*cleaned.problems, *structure]
    if parsed is not None:
        problems.extend(
            _comparison_problems(
                parsed, birth_date=birth_date, sex=sex, known_regions=known_regions
            )
        )
    return NikCheck(cleaned, parsed, tuple(problems))


def parse_nik(
    raw: str | int | float,
    *,
    birth_date: date | None = None,
    reference_date: date | None = None,
) -> ParsedNik:
    """The parts of a valid NIK; raises :class:`~jaring.rules.problems.RulesInputError`."""
    result = check_nik(raw, birth_date=birth_date, reference_date=reference_date)
    if result.parsed is None:
        raise RulesInputError(result.errors)
    return result.parsed


def build_nik(kecamatan_code: str, birth_date: date, sex: Sex, serial: int) -> str:
    """Compose a NIK from a kecamatan code (``"35.71.03"`` or ``"357103"``), birth date, sex and
    serial — for demo data and tests. Raises ``ValueError`` on impossible parts."""
    digits = kecamatan_code.replace(".", "")
    if len(digits) != 6 or not digits.isdigit() or not digits.isascii():
        raise ValueError(f"kecamatan code must have 6 digits: {kecamatan_code!r}")
    if digits[:2] not in PROVINCE_CODES or digits[2:4] == "00" or digits[4:6] == "00":
        raise ValueError(f"impossible kecamatan code: {kecamatan_code!r}")
    if serial not in SERIALS:
        raise ValueError(f"serial must be 1..9999: {serial}")
    if sex not in SEX_LABELS:
        raise ValueError(f"sex must be 'L' or 'P': {sex!r}")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "P" else 0)
    return f"{digits}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
