"""Check the people frame and derive the columns the model compares and blocks on.

Input, one row per person: ``person_id`` (int), ``nik`` (16 digits), ``name`` (as written),
``birth_date`` (Date, may be null), ``sex`` (L/P), ``village_code`` ("35.71.01.1001"),
``phone`` (+62…, may be null), optionally ``source``. Everything else is derived here,
column-wise:

* ``name_norm`` — :func:`jaring.registry.names.normalize_names_expr` (honorifics, degrees,
  Muhammad/Siti/Nur, old spelling);
* ``name_core`` — the same without Muhammad/Siti/Nur, also a mistyped one opening a name of two
  or more parts (within two edits of "muhammad" or one of "siti": "Muhmamad", "Uhammad",
  "Niti"), because those words open so many names that they say little about who someone
  is; ``name_first`` — its first part, usually the given name; ``name_initial`` — that
  part's first letter; ``name_tokens`` — the parts of ``name_norm``;
* ``nik_head`` (kecamatan + date digits, 12), ``nik_tail`` (date + serial, 10),
  ``nik_region`` (6), ``nik_date`` (6), ``nik_serial`` (4) — blocking keys that survive a
  wrong digit in the other parts; ``nik_rest`` (region + serial, 10) — the NIK without the
  digits that repeat the birth date;
* ``kecamatan`` and ``regency`` — the first 8 and 5 characters of the desa code;
* ``phone_block`` — the phone, except numbers shared by more than
  :data:`MAX_PEOPLE_PER_PHONE` people (an officer's own number typed for a whole list), which
  would make blocks of thousands.
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from jaring.registry.matching.errors import MatchingInputError
from jaring.registry.names import normalize_names_expr
from jaring.rules.messages import Message, gettext_noop

#: The matching input columns (``source`` optional), with their types.
INPUT_SCHEMA: dict[str, type[pl.DataType]] = {
    "person_id": pl.Int64,
    "nik": pl.String,
    "name": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "village_code": pl.String,
    "phone": pl.String,
    "source": pl.String,
}

REQUIRED_COLUMNS: dict[str, tuple[type[pl.DataType], ...]] = {
    "person_id": (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64),
    "nik": (pl.String,),
    "name": (pl.String,),
    "birth_date": (pl.Date,),
    "sex": (pl.String,),
    "village_code": (pl.String,),
    "phone": (pl.String,),
}
#: A phone number typed for more people than this is not used to find candidate pairs.
MAX_PEOPLE_PER_PHONE = 5
#: Tokens that open many Indonesian names; dropped from ``name_core``.
COMMON_NAME_WORDS = ("muhammad", "siti", "nur")
_VILLAGE_CODE_RE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"
#: Columns handed to Splink (the comparisons and blocking rules use only these).
MODEL_COLUMNS = (
    "person_id",
    "name_norm",
    "name_core",
    "name_tokens",
    "name_first",
    "name_initial",
    "nik",
    "nik_head",
    "nik_tail",
    "nik_region",
    "nik_date",
    "nik_serial",
    "nik_rest",
    "birth_date",
    "sex",
    "village_code",
    "kecamatan",
    "regency",
    "phone",
    "phone_block",
    "phone_people",
)


def _examples(frame: pl.DataFrame, mask: pl.Expr) -> str:
    ids = frame.filter(mask)["person_id"].head(5).to_list()
    return ", ".join(str(i) for i in ids)


def validate_people(people: pl.DataFrame, *, what: str = "people") -> None:
    """Raise :class:`MatchingInputError` naming the column, the rule and example person_ids."""
    missing = [c for c in REQUIRED_COLUMNS if c not in people.columns]
    if missing:
        raise MatchingInputError(
            Message.of(
                gettext_noop("The {what} frame lacks the column(s): {columns}."),
                what=what,
                columns=", ".join(missing),
            )
        )
    for column, dtypes in REQUIRED_COLUMNS.items():
        dtype = people.schema[column]
        if not isinstance(dtype, dtypes) and dtype != pl.Null:
            raise MatchingInputError(
                Message.of(
                    gettext_noop(
                        "Column {column} of the {what} frame is {dtype}, expected {expected}."
                    ),
                    column=column,
                    what=what,
                    dtype=dtype,
                    expected=dtypes[0],
                )
            )
    checks: list[tuple[pl.Expr, str]] = [
        (pl.col("person_id").is_null(), gettext_noop("person_id is empty")),
        (pl.col("person_id").is_duplicated(), gettext_noop("person_id appears more than once")),
        (
            pl.col("nik").is_not_null() & ~pl.col("nik").str.contains(r"^\d{16}$"),
            gettext_noop("NIK is not 16 digits"),
        ),
        (
            ~pl.col("sex").is_in(["L", "P"]).fill_null(False),
            gettext_noop("sex is not L or P"),
        ),
        (
            ~pl.col("village_code").str.contains(_VILLAGE_CODE_RE).fill_null(False),
            gettext_noop('village_code is not of the form "35.71.01.1001"'),
        ),
    ]
    frame = people.select(list(REQUIRED_COLUMNS))
    for mask, rule in checks:
        bad = frame.select(mask.sum()).item()
        if bad:
            raise MatchingInputError(
                Message.of(
                    gettext_noop(
                        "The {what} frame: {count} row(s) where {rule} (person_id: {ids})."
                    ),
                    what=what,
                    count=bad,
                    rule=Message(rule),
                    ids=_examples(frame, mask),
                )
            )


def _mistyped_common_words(first_words: pl.Series) -> list[str]:
    """First words that are a typo of "muhammad" (at most two edits) or "siti" (one edit),
    scored once per distinct word. Real names that close stay: Muhadi and Mahmud are three
    edits from Muhammad, Sri two from Siti."""
    words = first_words.drop_nulls().unique().sort().to_list()
    if not words:
        return []
    distances = process.cdist(words, ["muhammad", "siti"], scorer=OSA.distance, workers=1)
    return [
        w
        for w, (muhammad, siti) in zip(words, distances.tolist(), strict=True)
        if w not in COMMON_NAME_WORDS
        and ((muhammad <= 2 and len(w) >= 6) or (siti <= 1 and len(w) >= 3))
    ]


def prepare_people(people: pl.DataFrame, *, what: str = "people") -> pl.DataFrame:
    """Validated ``people`` with the derived columns of :data:`MODEL_COLUMNS` only."""
    validate_people(people, what=what)
    norm_values = people.select(normalize_names_expr(pl.col("name")).alias("n"))["n"]
    mistyped = _mistyped_common_words(norm_values.str.split(" ").list.first())
    norm = pl.col("_norm")
    core_words = r"\b(?:" + "|".join(COMMON_NAME_WORDS) + r")\b"
    first_is_mistyped = norm.str.contains(" ") & norm.str.extract(r"^(\S+)").is_in(
        pl.Series(mistyped, dtype=pl.String).implode()
    )
    core = (
        pl.when(first_is_mistyped)
        .then(norm.str.replace(r"^\S+\s*", ""))
        .otherwise(norm)
        .str.replace_all(core_words, "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    phone = pl.col("phone").str.replace_all(r"\D", "").str.replace(r"^0", "62").replace("", None)
    frame = (
        people.lazy()
        .with_columns(_norm=norm_values)
        .select(
            person_id=pl.col("person_id").cast(pl.Int64),
            name_norm=pl.when(norm == "").then(None).otherwise(norm),
            name_core=pl.when(core == "").then(norm).otherwise(core),
            nik=pl.col("nik"),
            birth_date=pl.col("birth_date"),
            sex=pl.col("sex"),
            village_code=pl.col("village_code"),
            phone=phone,
        )
    )
    return (
        frame.with_columns(
            name_core=pl.when(pl.col("name_core") == "").then(None).otherwise(pl.col("name_core")),
            name_tokens=pl.col("name_norm").str.split(" "),
            nik_head=pl.col("nik").str.slice(0, 12),
            nik_tail=pl.col("nik").str.slice(6, 10),
            nik_region=pl.col("nik").str.slice(0, 6),
            nik_date=pl.col("nik").str.slice(6, 6),
            nik_serial=pl.col("nik").str.slice(12, 4),
            nik_rest=pl.col("nik").str.slice(0, 6) + pl.col("nik").str.slice(12, 4),
            kecamatan=pl.col("village_code").str.slice(0, 8),
            regency=pl.col("village_code").str.slice(0, 5),
            phone_block=pl.when(pl.len().over("phone") <= MAX_PEOPLE_PER_PHONE)
            .then(pl.col("phone"))
            .otherwise(None),
            # How many people of the registry give this number (its weight as evidence).
            phone_people=pl.len().over("phone").cast(pl.Int32),
        )
        .with_columns(name_first=pl.col("name_core").str.split(" ").list.first())
        .with_columns(name_initial=pl.col("name_first").str.slice(0, 1))
        .select(MODEL_COLUMNS)
        .collect()
    )
