"""What the model compares, how it finds candidate pairs, and the defaults — in one place.

Comparisons (each level has a stable ``key`` for the review page, with Indonesian and English
labels in :data:`EVIDENCE_LABELS`; levels are tried top to bottom, the first that holds wins):

* **name** (normalised by :mod:`jaring.registry.names`): exact · equal once Muhammad/Siti/Nur
  are set aside · Jaro-Winkler ≥ 0.92 with the given name ≥ 0.80 (a typo) · one name contains
  every part of the other · Jaro-Winkler ≥ 0.80 for the whole name *and* the given name ·
  different.
* **birth_date**: exact · day and month swapped · same day and month, year one off · same day
  and month, one year digit mistyped or two swapped (1985/1965, 1958/1985) · a year or more
  apart otherwise (a father and a son, two women of one common name: not one person — a fixed,
  tiny m, so no other field outweighs it) · different (within a year).
* **nik**: exact; then, when both birth dates are present (the birth date comparison judges
  the dates, so the NIK's date digits are not counted again): differs only in the serial
  (twins and others born the same day in the same kecamatan) · in one region digit · by two
  neighbouring region digits swapped · in the
  region code (someone born the same day elsewhere) · only the date digits agree · same
  kecamatan and serial, other date digits · different — each cell for the same kecamatan
  and for another; when a birth date is missing (the NIK's date digits stand in for it): one
  or two digits wrong or two neighbours swapped (Hamming ≤ 2) · different.
* **sex**: same · different.
* **village** (desa/kelurahan code): same desa · same kecamatan · same kab/kota · different.
* **phone**: same (the names at least somewhat alike, the number used by at most three people in
  the registry, and the birth dates not years apart; its weight capped at about +5 bits, since
  a family shares one number) · same otherwise (a household's or an officer's number, a
  family's phone shared by a father and a son: fixed neutral) · different.

u-probabilities come from random pairs, except where that would count one fact twice: the
NIK levels where the date digits agree get u measured among the registry's pairs whose date
digits agree, and "same kecamatan and serial" u counted over all pairs
(:func:`jaring.registry.matching.model.nik_counted_u`).

A missing value on either side (no birth date, no phone) is neutral: the pair is judged on the
other fields.

Blocking rules (a pair is scored if any holds; each is an equality, so every rule is a hash
join and the number of pairs grows about linearly with the registry): same NIK; same NIK
without its serial; same NIK date+serial and name initial; same NIK region+serial and name;
same name (core) and birth date; same phone (numbers shared by >5 people excluded); same birth
date and kecamatan; same name (core) and kecamatan; same name (core) and NIK date digits.

The reasons, and how the default threshold was chosen, are in
docs/adr/0005-matching-engine-splink.md; the measured figures in docs/benchmarks.md ("Matching").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from jaring.registry.matching.errors import check_threshold
from jaring.rules.messages import Message, gettext_noop

#: No level's m goes below this after training: EM drives m to ~0 for changes the training
#: pairs never show (the synthetic duplicates never swap L/P), and one such field would then
#: veto any pair (log2 weight −160). Real lists do get L/P wrong now and then.
MIN_M_PROBABILITY = 1e-4
#: The match probability from which a pair counts as the same person (see the ADR).
DEFAULT_THRESHOLD = 0.95
#: Fewer people than this (with a birth date) and training refuses: EM would learn from a
#: handful of pairs and the u-probabilities from random pairs would be noise.
MIN_TRAINING_RECORDS = 1_000


@dataclass(frozen=True)
class Level:
    key: str
    sql: str
    #: What the level means, for the review page (shown in the reader's language).
    label: Message
    #: Starting m-probability for EM (and the value kept if EM cannot estimate it).
    m: float | None = None
    #: Fixed Bayes factor 1: the level is no evidence either way (m = u, never trained).
    neutral: bool = False
    #: u counted on the registry at training (``nik_counted_u``), not sampled.
    counted_u: bool = False
    #: A fixed m, never trained (nor raised to :data:`MIN_M_PROBABILITY`): evidence whose
    #: strength is a rule, not an estimate (birth dates years apart are two people).
    fixed_m: float | None = None
    #: A fixed u (with ``fixed_m``): a weight set by rule, e.g. a cap on the phone's.
    fixed_u: float | None = None
    #: Levels that only apply when both birth dates are present ("birth_dates") or when one
    #: is missing ("no_birth_date"). After training their m and u are made conditional on
    #: the branch, so whether a birth date is missing is no evidence by itself.
    branch: str | None = None


@dataclass(frozen=True)
class FieldComparison:
    field: str
    levels: tuple[Level, ...]


def _null(*columns: str) -> str:
    return " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)


#: Both birth dates present, living in the same kecamatan, NIK date digits equal …
_DATES = '"birth_date_l" IS NOT NULL AND "birth_date_r" IS NOT NULL'
_SAME_KEC = '"kecamatan_l" = "kecamatan_r"'
_SAME_DATE_DIGITS = '"nik_date_l" = "nik_date_r"'
#: Same day and month, the year one digit wrong or two neighbouring digits swapped.
_YEAR_TYPO = (
    'day("birth_date_l") = day("birth_date_r") AND month("birth_date_l") = month("birth_date_r") '
    'AND damerau_levenshtein(CAST(year("birth_date_l") AS VARCHAR), '
    'CAST(year("birth_date_r") AS VARCHAR)) = 1'
)
#: Birth dates a year or more apart (and not a typo of the year): two people.
_YEARS_APART = 'abs(date_diff(\'day\', "birth_date_l", "birth_date_r")) >= 365'
#: Most people sharing a number: beyond, the number is a household's or an officer's.
MAX_PEOPLE_SHARING_EVIDENCE = 3
#: "One region digit wrong or two neighbouring ones swapped", on the plain NIK (national
#: matching reads it on hashes, jaring.national.matching.HASHED_REGION_TYPO).
REGION_TYPO = (
    # Hamming first: it is cheap, Damerau-Levenshtein is not, and DuckDB only evaluates the
    # right side of AND where the left holds.
    '(hamming("nik_l", "nik_r") = 1 OR (hamming("nik_l", "nik_r") = 2 '
    'AND damerau_levenshtein("nik_l", "nik_r") = 1))'
)


def _nik_level(key: str, cell: str, sql: str, label: Message, m: float) -> Level:
    return Level(key, sql, label, m, counted_u=True, branch=cell)


def _cell_levels(cell: str, condition: str, suffix: str, same_kecamatan: bool) -> list[Level]:
    def where(msgid: str) -> Message:
        if not same_kecamatan:
            return Message(msgid)
        return Message.of(gettext_noop("{label} (same kecamatan)"), label=Message(msgid))

    same_date = f"{condition} AND {_SAME_DATE_DIGITS}"
    levels = [
        _nik_level(
            f"serial_differs{suffix}",
            cell + "_date",
            f'{same_date} AND "nik_head_l" = "nik_head_r"',
            where(gettext_noop("differs only in the serial")),
            0.04,
        )
    ]
    if not suffix:
        levels.append(
            _nik_level(
                "region_typo",
                cell + "_date",
                f'{same_date} AND "nik_tail_l" = "nik_tail_r" AND {REGION_TYPO}',
                Message(gettext_noop("one region digit wrong or two swapped")),
                0.03,
            )
        )
    levels += [
        _nik_level(
            f"region_differs{suffix}",
            cell + "_date",
            f'{same_date} AND "nik_tail_l" = "nik_tail_r"',
            where(gettext_noop("other region code, the rest the same")),
            0.01,
        ),
        _nik_level(
            f"date_only{suffix}",
            cell + "_date",
            same_date,
            where(gettext_noop("only the date digits agree")),
            0.01,
        ),
        _nik_level(
            f"rest_exact{suffix}",
            cell,
            f'{condition} AND "nik_rest_l" = "nik_rest_r"',
            where(gettext_noop("other date digits, the rest the same")),
            0.08,
        ),
        _nik_level(
            f"rest_differs{suffix}",
            cell,
            condition,
            where(gettext_noop("different")),
            0.03,
        ),
    ]
    return levels


#: The NIK repeats the birth date (its date digits) and, mostly, the kecamatan (where it was
#: issued). When both birth dates are present the NIK's levels are therefore split into four
#: cells — same kecamatan or not, same date digits or not — and every level's u is counted on
#: the registry *within its cell* (model.nik_counted_u) and its m made conditional on the cell
#: after training. So the NIK says only what the birth date and desa comparisons do not: a
#: twin's NIK (same kecamatan and date, other serial) is evidence *against* a match, and a
#: namesake's (same date, other kecamatan) too. When a birth date is missing, the whole NIK is
#: compared and its date digits stand in for the birth date.
NIK_LEVELS: tuple[Level, ...] = (
    Level("missing", _null("nik"), Message(gettext_noop("missing"))),
    Level("exact", '"nik_l" = "nik_r"', Message(gettext_noop("same")), 0.6),
    *_cell_levels(
        "same_kecamatan",
        f"{_DATES} AND {_SAME_KEC}",
        "_same_kecamatan",
        same_kecamatan=True,
    ),
    *_cell_levels("other_kecamatan", _DATES, "", same_kecamatan=False),
    Level(
        "close",
        'hamming("nik_l", "nik_r") <= 2',
        Message(gettext_noop("one or two digits wrong, or two neighbours swapped")),
        0.2,
        branch="no_birth_date",
    ),
    Level("different", "ELSE", Message(gettext_noop("different")), 0.05, branch="no_birth_date"),
)

COMPARISONS: tuple[FieldComparison, ...] = (
    FieldComparison(
        "name",
        (
            Level("missing", _null("name_norm"), Message(gettext_noop("missing"))),
            Level(
                "exact",
                '"name_norm_l" = "name_norm_r"',
                Message(gettext_noop("exact after normalisation")),
                0.55,
            ),
            Level(
                "core_exact",
                '"name_core_l" = "name_core_r"',
                Message(gettext_noop("equal without Muhammad/Siti/Nur")),
                0.1,
            ),
            Level(
                # The given name too: a long shared surname alone (twins, siblings) keeps two
                # names above 0.92 ("Karma Megantara", "Maras Megantara").
                "jw_92",
                'jaro_winkler_similarity("name_core_l", "name_core_r") >= 0.92 '
                'AND jaro_winkler_similarity("name_first_l", "name_first_r") >= 0.80',
                Message(gettext_noop("similar (Jaro-Winkler ≥ 0.92; a typo)")),
                0.15,
            ),
            Level(
                "subset",
                'list_has_all("name_tokens_l", "name_tokens_r") '
                'OR list_has_all("name_tokens_r", "name_tokens_l")',
                Message(gettext_noop("one name contains all parts of the other")),
                0.1,
            ),
            Level(
                # Both the whole name and the given name: a shared surname alone (siblings)
                # must not make two names "similar".
                "jw_80",
                'jaro_winkler_similarity("name_core_l", "name_core_r") >= 0.80 '
                'AND jaro_winkler_similarity("name_first_l", "name_first_r") >= 0.80',
                Message(gettext_noop("somewhat similar (Jaro-Winkler ≥ 0.80, given name too)")),
                0.05,
            ),
            Level("different", "ELSE", Message(gettext_noop("different")), 0.05),
        ),
    ),
    FieldComparison(
        "birth_date",
        (
            Level("missing", _null("birth_date"), Message(gettext_noop("missing"))),
            Level("exact", '"birth_date_l" = "birth_date_r"', Message(gettext_noop("same")), 0.8),
            Level(
                "day_month_swapped",
                'day("birth_date_l") = month("birth_date_r") '
                'AND month("birth_date_l") = day("birth_date_r") '
                'AND year("birth_date_l") = year("birth_date_r")',
                Message(gettext_noop("day and month swapped")),
                0.05,
            ),
            Level(
                "year_off",
                'day("birth_date_l") = day("birth_date_r") '
                'AND month("birth_date_l") = month("birth_date_r") '
                'AND abs(year("birth_date_l") - year("birth_date_r")) = 1',
                Message(gettext_noop("year one off")),
                0.05,
            ),
            Level(
                "year_typo",
                _YEAR_TYPO,
                Message(gettext_noop("one year digit wrong or two swapped")),
                0.02,
            ),
            Level(
                "years_apart",
                _YEARS_APART,
                Message(gettext_noop("years apart (two people, e.g. a parent and a child)")),
                fixed_m=1e-6,
            ),
            Level("different", "ELSE", Message(gettext_noop("different")), 0.1),
        ),
    ),
    FieldComparison("nik", NIK_LEVELS),
    FieldComparison(
        "sex",
        (
            Level("missing", _null("sex"), Message(gettext_noop("missing"))),
            Level("same", '"sex_l" = "sex_r"', Message(gettext_noop("same")), 0.99),
            Level("different", "ELSE", Message(gettext_noop("different")), 0.01),
        ),
    ),
    FieldComparison(
        "village",
        (
            Level("missing", _null("village_code"), Message(gettext_noop("missing"))),
            Level(
                "same_village",
                '"village_code_l" = "village_code_r"',
                Message(gettext_noop("same desa")),
                0.7,
            ),
            Level(
                "same_kecamatan",
                '"kecamatan_l" = "kecamatan_r"',
                Message(gettext_noop("other desa, same kecamatan")),
                0.15,
            ),
            Level(
                "same_regency",
                '"regency_l" = "regency_r"',
                Message(gettext_noop("other kecamatan, same kab/kota")),
                0.05,
            ),
            Level("different", "ELSE", Message(gettext_noop("other kab/kota")), 0.1),
        ),
    ),
    FieldComparison(
        "phone",
        (
            Level("missing", _null("phone"), Message(gettext_noop("missing"))),
            Level(
                "same",
                '"phone_l" = "phone_r" AND ('
                'jaro_winkler_similarity("name_core_l", "name_core_r") >= 0.92 '
                'OR list_has_all("name_tokens_l", "name_tokens_r") '
                'OR list_has_all("name_tokens_r", "name_tokens_l") '
                'OR (jaro_winkler_similarity("name_core_l", "name_core_r") >= 0.80 '
                'AND jaro_winkler_similarity("name_first_l", "name_first_r") >= 0.80)) '
                f'AND "phone_people_l" <= {MAX_PEOPLE_SHARING_EVIDENCE} '
                f"AND NOT coalesce({_YEARS_APART} AND NOT ({_YEAR_TYPO}), false)",
                Message(gettext_noop("same")),
                # Capped (log2(0.6 / 0.02) ≈ +4.9 bits): random pairs almost never share a
                # number, so a trained u made it +20 bits, but a family's members share one.
                fixed_m=0.6,
                fixed_u=0.02,
            ),
            Level(
                # One number for a household (a family's phone shared by a father and a son,
                # or an officer's own number): no evidence.
                "shared",
                '"phone_l" = "phone_r"',
                Message(gettext_noop("same, but shared (a household or officer's number?)")),
                neutral=True,
            ),
            Level("different", "ELSE", Message(gettext_noop("different")), 0.4),
        ),
    ),
)

#: (field, key) → what the level means, for the review page and the API.
EVIDENCE_LABELS: dict[tuple[str, str], Message] = {
    (c.field, lv.key): lv.label for c in COMPARISONS for lv in c.levels
}
FIELDS: tuple[str, ...] = tuple(c.field for c in COMPARISONS)

BLOCKING_RULES: tuple[str, ...] = (
    "l.nik = r.nik",
    "l.nik_head = r.nik_head",
    "l.nik_tail = r.nik_tail AND l.name_initial = r.name_initial",
    "l.nik_region = r.nik_region AND l.nik_serial = r.nik_serial AND l.name_core = r.name_core",
    "l.name_core = r.name_core AND l.birth_date = r.birth_date",
    "l.phone_block = r.phone_block",
    "l.birth_date = r.birth_date AND l.kecamatan = r.kecamatan",
    "l.name_core = r.name_core AND l.kecamatan = r.kecamatan",
    "l.name_core = r.name_core AND l.nik_date = r.nik_date",
)
#: EM sessions. A session learns the m of every comparison whose columns its rule does not
#: use (the ``IS NOT NULL`` terms only mark a comparison as left out):
#:
#: 1. pairs sharing NIK *and* phone learn the name (and birth date, sex, desa): requiring the
#:    phone keeps out pairs whose NIK typo happens to hit another person's NIK, which would
#:    otherwise teach the model that a person's name is often written completely differently;
#: 2. pairs sharing a NIK learn the phone (and birth date, sex, desa);
#: 3. pairs sharing name and desa learn the NIK (and birth date, sex).
TRAINING_BLOCKING_RULES: tuple[str, ...] = (
    "l.nik = r.nik AND l.phone_block = r.phone_block",
    "l.nik = r.nik AND l.name_norm IS NOT NULL AND r.name_norm IS NOT NULL",
    "l.name_core = r.name_core AND l.village_code = r.village_code",
)
#: Rules that find almost only true pairs, used to estimate how many pairs match at all, and
#: the share of all true pairs they are assumed to find.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.nik = r.nik",
    "l.name_norm = r.name_norm AND l.birth_date = r.birth_date AND l.village_code = r.village_code",
)
DETERMINISTIC_RECALL = 0.7


@dataclass(frozen=True)
class MatchSettings:
    """Engine knobs. ``threads``/``memory_limit`` go to DuckDB (None: DuckDB's defaults)."""

    threshold: float = DEFAULT_THRESHOLD
    threads: int | None = None
    memory_limit: str | None = None
    #: Random record pairs sampled to estimate the u-probabilities.
    u_max_pairs: float = 5e6
    min_training_records: int = MIN_TRAINING_RECORDS

    def __post_init__(self) -> None:
        check_threshold(self.threshold)


def comparisons_fingerprint() -> str:
    """A digest of what a trained model depends on besides the data: every comparison's levels
    (SQL, fixed m and u, neutral, counted u, branch). A model saved under another fingerprint
    was trained for other comparisons and is trained again, never used."""
    spec = [
        [
            c.field,
            [[lv.key, lv.sql, lv.neutral, lv.counted_u, lv.fixed_m, lv.fixed_u, lv.branch]
             for lv in c.levels],
        ]
        for c in COMPARISONS
    ]  # fmt: skip
    return hashlib.sha256(json.dumps(spec).encode()).hexdigest()[:16]


def splink_settings(counted_u: dict[tuple[str, str], float] | None = None) -> dict[str, Any]:
    """The untrained Splink settings dictionary (dedupe_only, DuckDB SQL); ``counted_u``
    ((field, key) → u) fixes the u of the ``counted_u`` levels (the others are sampled)."""
    counted_u = counted_u or {}
    comparisons = []
    for comparison in COMPARISONS:
        levels: list[dict[str, Any]] = []
        for level in comparison.levels:
            entry: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.key}
            if level.key == "missing":
                entry["is_null_level"] = True
            elif level.neutral:
                entry.update(
                    m_probability=0.01,
                    u_probability=0.01,
                    fix_m_probability=True,
                    fix_u_probability=True,
                )
            elif level.fixed_m is not None:
                entry.update(m_probability=level.fixed_m, fix_m_probability=True)
                if level.fixed_u is not None:
                    entry.update(u_probability=level.fixed_u, fix_u_probability=True)
            elif level.m is not None:
                entry["m_probability"] = level.m
            if level.counted_u and (comparison.field, level.key) in counted_u:
                entry.update(
                    u_probability=counted_u[(comparison.field, level.key)],
                    fix_u_probability=True,
                )
            levels.append(entry)
        comparisons.append(
            {
                "output_column_name": comparison.field,
                "comparison_description": comparison.field,
                "comparison_levels": levels,
            }
        )
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "person_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }
