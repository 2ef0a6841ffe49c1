"""Cross-region candidate pairs: the regions' trained matching model on their exports.

The comparisons, blocking rules and trained m are those of ``jaring match``
(:mod:`jaring.registry.matching.settings`, a model saved by
:class:`~jaring.registry.matching.model.MatchModel`), with the changes that national data
needs, made the same way for both engines (:func:`national_settings`):

- the NIK, its parts and the phone are national blind indexes: equality levels and blocking
  keys work unchanged on them; the levels that count differing digits are read on hashes:
  "one or two digits wrong" (a birth date missing) as all but one of the NIK's three parts
  agreeing (:data:`HASHED_CLOSE`), "one kecamatan digit wrong or two swapped" on the hashes
  of the NIK with one kecamatan digit left out (:data:`HASHED_REGION_TYPO`);
- the NIK levels' u are the nation's, counted across exports within their cells
  (:func:`national_nik_u`): a region's say what a kab/kota shows, where an identical NIK
  never turns up among a sample of pairs and strangers of one birth day are few;
- every blocking rule also asks ``l.source <> r.source``: pairs within a region are that
  region's own ``jaring match``;
- where someone lives is no evidence: the model learnt the village comparison on one region's
  pairs, among which "another kab/kota" is almost only a duplicate that moved (u ≈ 2·10⁻⁶,
  +15 bits), but *every* pair across exports lives in two kab/kota (exports never share one,
  :func:`jaring.national.parts.read_exports`), so on these pairs each of its levels gets a
  Bayes factor of 1 (u = m). Kept, the level alone outweighed a completely different name,
  and two people born the same day whose NIKs differ only in the serial were paired;
- the prior (the probability that two records match, λ) is the region's only as long as that
  is not higher than the national data's own (:func:`national_prior`): estimated as
  ``jaring match`` estimates it, from the pairs sharing a NIK, but across exports. A region's
  λ comes from n²/2 pairs of a kab/kota, in which its duplicates are many; across 5 million
  people there are 10¹³ pairs for some tens of thousands of duplicates, and the region's λ
  let two different people with a one-word name and the same birth date (and nothing else
  in common) through at 0.99 (docs/benchmarks.md). Computed once, in polars, so both
  engines get the same settings;
- for Spark the DuckDB SQL is rewritten: identifiers in backticks, Splink's Scala UDF
  ``jaro_winkler`` for ``jaro_winkler_similarity``, ``list_has_all(a, b)`` as
  ``size(array_except(b, a)) = 0``.

People come prepared by :func:`jaring.registry.matching.prepare.prepare_people` (names as
``jaring match`` derives them), with the hashed columns put in place of the plain ones.
"""

from __future__ import annotations

import re
import uuid
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl

from jaring.national.engines import engine_for
from jaring.national.errors import NationalError
from jaring.national.exports import NIK_DROPPED, check_output, write_parts
from jaring.national.parts import Exports
from jaring.registry.matching.errors import MatchingError
from jaring.registry.matching.model import MatchModel
from jaring.registry.matching.prepare import MAX_PEOPLE_PER_PHONE, MODEL_COLUMNS, prepare_people
from jaring.registry.matching.settings import (
    DEFAULT_THRESHOLD,
    DETERMINISTIC_RECALL,
    REGION_TYPO,
)

PAIR_SCHEMA: dict[str, pl.DataType] = {
    "region_l": pl.String(),
    "person_id_l": pl.Int64(),
    "region_r": pl.String(),
    "person_id_r": pl.Int64(),
    "match_probability": pl.Float64(),
    "match_weight": pl.Float64(),
}

#: Comparisons of where a person lives: no evidence between two regions (module docstring).
PLACE_COMPARISONS = frozenset({"village"})

_HASHED = {
    "nik": "nik_index",
    "nik_head": "nik_head_index",
    "nik_tail": "nik_tail_index",
    "nik_region": "nik_region_index",
    "nik_date": "nik_date_index",
    "nik_serial": "nik_serial_index",
    "nik_rest": "nik_rest_index",
    "phone": "phone_index",
}
#: The NIK with one kecamatan digit left out (:data:`jaring.national.exports.NIK_DROPPED`).
DROPPED = tuple(f"nik_drop{i}" for i in NIK_DROPPED)


def national_people(exports: Exports) -> pl.DataFrame:
    """Every export's people, prepared for the model: a national ``person_id`` (export number
    × 2⁴⁰ + local id), ``source`` (the export's region) and the hashed columns."""
    frames = []
    for number, export in enumerate(exports.exports):
        people = pl.read_parquet(export.part("people"))
        frames.append(
            people.with_columns(
                national_id=(pl.lit(number, pl.Int64) * (1 << 40) + pl.col("person_id")),
                source=pl.lit(export.region or f"ekspor-{number + 1}"),
            )
        )
    people = pl.concat(frames)
    prepared = prepare_people(
        people.select(
            pl.col("national_id").alias("person_id"),
            pl.lit(None, pl.String).alias("nik"),
            pl.col("name_norm").alias("name"),
            "birth_date",
            "sex",
            pl.col("region").alias("village_code"),
            pl.lit(None, pl.String).alias("phone"),
        ),
        what="national",
    )
    hashed = people.select(
        pl.col("national_id").alias("person_id"),
        "source",
        pl.col("person_id").alias("local_id"),
        *[pl.col(source).alias(target) for target, source in _HASHED.items()],
        *[pl.col(f"{column}_index").alias(column) for column in DROPPED],
    ).with_columns(
        phone_block=pl.when(pl.len().over("phone") <= MAX_PEOPLE_PER_PHONE)
        .then(pl.col("phone"))
        .otherwise(None),
        # Counted on the hashed phone: prepare_people saw no phone at all, and its count (every
        # person, one "no number") kept the phone's strong level from ever firing.
        phone_people=pl.len().over("phone").cast(pl.Int32),
    )
    kept = [c for c in MODEL_COLUMNS if c not in (*_HASHED, "phone_block", "phone_people")]
    return (
        prepared.select(kept)
        .join(hashed, on="person_id")
        .select(*MODEL_COLUMNS, *DROPPED, "source", "local_id")
    )


def _spark_sql(condition: str) -> str:
    sql = re.sub(
        r'list_has_all\("(\w+)", "(\w+)"\)', r"size(array_except(`\2`, `\1`)) = 0", condition
    )
    sql = sql.replace("jaro_winkler_similarity(", "jaro_winkler(")
    return re.sub(r'"(\w+)"', r"`\1`", sql)


#: "One or two NIK digits wrong" when a birth date is missing, on hashes: all but one of the
#: NIK's three parts (kecamatan, date, serial) agree. Every one-digit slip is one (the other
#: two parts are intact), as is a swap inside one part; two slips in two parts are not.
HASHED_CLOSE = {
    'hamming("nik_l", "nik_r") <= 2': '"nik_head_l" = "nik_head_r" OR "nik_tail_l" = '
    '"nik_tail_r" OR "nik_rest_l" = "nik_rest_r"',
}


#: "One kecamatan digit wrong or two neighbours swapped" (the region-typo level, where the
#: rest of the NIK agrees) on hashes: the two NIKs agree once the same kecamatan digit is left
#: out of both, or digit i of one and i + 1 of the other *and* i + 1 of one and i of the other
#: (a swap; either crossing alone also holds for a digit dropped and another added).
HASHED_REGION_TYPO = (
    "("
    + " OR ".join(
        [f'"{d}_l" = "{d}_r"' for d in DROPPED]
        + [f'("{a}_l" = "{b}_r" AND "{b}_l" = "{a}_r")' for a, b in pairwise(DROPPED)]
    )
    + ")"
)


def _region_typo_pairs(people: pl.DataFrame) -> int:
    """Pairs across exports whose NIKs are one kecamatan digit apart (given names different,
    :func:`national_nik_u`): pairs sharing a dropped-digit hash, less those sharing the whole
    NIK. Swapped digits share two hashes crosswise and are not counted: they are few beside the
    slips, and the level's u is an estimate. Only people sharing such a hash with someone are
    looked at."""
    rows = people.select("nik", "name_first", "source").with_row_index("row")
    shared = []
    for position, column in enumerate(DROPPED):
        dropped = people.select(pl.col(column).alias("dropped")).with_row_index("row")
        dropped = dropped.filter(pl.len().over("dropped") > 1).drop_nulls()
        shared.append(dropped.with_columns(position=pl.lit(position)))
    frame = pl.concat(shared).join(rows, on="row")
    keys = ["position", "dropped"]
    return (
        _pairs_sharing(frame, keys)
        - _pairs_sharing(frame, [*keys, "name_first"])
        - _pairs_sharing(frame, [*keys, "nik"])
        + _pairs_sharing(frame, [*keys, "nik", "name_first"])
    )


def _national_rule(rule: str | dict[str, Any]) -> str:
    """A blocking rule for pairs across exports: the kecamatan one lives in is never shared
    between two regions, the kecamatan that issued the NIK (its first six digits) is."""
    text = rule["blocking_rule"] if isinstance(rule, dict) else rule
    return text.replace("l.kecamatan = r.kecamatan", "l.nik_region = r.nik_region")


def _pairs_sharing(frame: pl.DataFrame, keys: list[str]) -> int:
    """Pairs of rows in two different exports (``source``) with the same non-null ``keys``."""
    keyed = frame.select(*keys, "source").drop_nulls(keys)
    pairs = (pl.col("len") * (pl.col("len") - 1) // 2).sum()
    every = keyed.group_by(keys).len().select(pairs).item() or 0
    within = keyed.group_by([*keys, "source"]).len().select(pairs).item() or 0
    return int(every - within)


def national_prior(people: pl.DataFrame, model: MatchModel) -> float:
    """λ for pairs across exports: as ``jaring match`` estimates it (pairs sharing a NIK, taken
    to be :data:`DETERMINISTIC_RECALL` of the true pairs) over the pairs across exports, and
    never above the region's model's (module docstring). At least one shared NIK is assumed,
    so that exports sharing none still get a prior."""
    sizes = [float(n) for n in people.group_by("source").len()["len"].to_list()]
    across = (sum(sizes) ** 2 - sum(n * n for n in sizes)) / 2
    if across <= 0:
        return model.probability_two_random_records_match
    shared = max(_pairs_sharing(people, ["nik"]), 1)
    estimate = min(shared / DETERMINISTIC_RECALL / across, 1.0)
    return min(model.probability_two_random_records_match, estimate)


#: A cell (pairs across exports with both birth dates, the NIK's date digits equal or not; or
#: all pairs, for the identical NIK and the missing birth date's "close") must hold at least
#: this many pairs before the national count replaces the region's u: on two small exports
#: (the tests') a cell of a few pairs would make any level's u a guess.
MIN_CELL_PAIRS = 100_000


def national_nik_u(people: pl.DataFrame) -> dict[str, float]:
    """u of the NIK levels for pairs across exports, counted on the national data within their
    cell (as :func:`jaring.registry.matching.model.nik_counted_u` counts a region's), from
    group sizes of the hashed parts — no pairs are formed.

    A region's u describe a kab/kota: there, "the NIK's date and serial agree, another
    kecamatan" is rare, and an identical NIK among a sample of its pairs never happens, which
    caps the level at what a few thousand people can show (+15 bits). Across 5 million people
    the same facts weigh otherwise: serials start at 0001 for every kecamatan and birth day,
    so strangers born the same day in two kecamatan share date *and* serial often, while
    sharing the kecamatan and date digits (another serial) is 7,000 times rarer; and
    strangers sharing a whole NIK are almost none.

    True pairs are not known, and nationally they are a large share of the pairs sharing a
    NIK part (most pairs sharing a NIK are one person). So pairs whose given name
    (``name_first``) agrees are left out of every count, level and cell alike: strangers'
    given names are taken to be independent of their NIKs, and the duplicates (whose given
    name mostly agrees) no longer count as strangers. The levels of one lived-in kecamatan
    never apply across exports and keep the region's u, as do the levels of a cell smaller
    than :data:`MIN_CELL_PAIRS`."""

    def strangers(*keys: str) -> int:
        return _pairs_sharing(people, list(keys)) - _pairs_sharing(people, [*keys, "name_first"])

    sizes = [float(n) for n in people.group_by("source").len()["len"].to_list()]
    every = int((sum(sizes) ** 2 - sum(n * n for n in sizes)) // 2)
    every -= _pairs_sharing(people, ["name_first"])
    exact = strangers("nik")
    head = strangers("nik_head") - exact
    tail = strangers("nik_tail") - exact
    rest = strangers("nik_rest") - exact
    same_date = strangers("nik_date") - exact
    typo = _region_typo_pairs(people)
    other_date = every - exact - same_date
    u: dict[str, float] = {}
    if every >= MIN_CELL_PAIRS:
        u["exact"] = max(exact, 1) / every
        # "Close" (a birth date missing): head, tail or rest agree; two of them agreeing make
        # the whole NIK, so the three counts do not overlap.
        u["close"] = max(head + tail + rest, 1) / every
        u["different"] = 1.0 - u["close"]
    if same_date >= MIN_CELL_PAIRS:
        u["serial_differs"] = max(head, 1) / same_date
        u["region_typo"] = max(typo, 1) / same_date
        u["region_differs"] = max(tail - typo, 1) / same_date
        u["date_only"] = max(same_date - head - tail, 1) / same_date
    if other_date >= MIN_CELL_PAIRS:
        u["rest_exact"] = max(rest, 1) / other_date
        u["rest_differs"] = max(other_date - rest, 1) / other_date
    return u


def national_settings(
    model: MatchModel, engine: str, people: pl.DataFrame | None = None
) -> dict[str, Any]:
    """The trained model's settings for national pairs on ``engine`` (module docstring);
    ``people`` (:func:`national_people`): the prior from them (:func:`national_prior`)."""
    settings = model.splink
    nik_u: dict[str, float] = {}
    if people is not None:
        settings["probability_two_random_records_match"] = national_prior(people, model)
        nik_u = national_nik_u(people)
    settings["link_type"] = "dedupe_only"
    settings["sql_dialect"] = engine
    settings["additional_columns_to_retain"] = ["source", "local_id"]
    settings["blocking_rules_to_generate_predictions"] = [
        {
            "blocking_rule": f"({_national_rule(rule)}) AND l.source <> r.source",
            "sql_dialect": engine,
        }
        for rule in settings["blocking_rules_to_generate_predictions"]
    ]
    for comparison in settings["comparisons"]:
        if comparison["output_column_name"] in PLACE_COMPARISONS:
            for level in comparison["comparison_levels"]:
                if not level.get("is_null_level"):
                    level["u_probability"] = level["m_probability"]
        if comparison["output_column_name"] == "nik":
            for level in comparison["comparison_levels"]:
                if level.get("label_for_charts") in nik_u:
                    level["u_probability"] = nik_u[level["label_for_charts"]]
                    level["fix_u_probability"] = True
        for level in comparison["comparison_levels"]:
            sql = HASHED_CLOSE.get(level["sql_condition"], level["sql_condition"])
            sql = sql.replace(REGION_TYPO, HASHED_REGION_TYPO)
            sql = sql.replace("hamming(", "levenshtein(")
            level["sql_condition"] = _spark_sql(sql) if engine == "spark" else sql
    return settings


def _pairs(raw: pl.DataFrame) -> pl.DataFrame:
    """Each pair once, the lower (region, local id) on the left."""
    left_first = pl.col("source_l") < pl.col("source_r")
    return (
        raw.select(
            pl.when(left_first).then("source_l").otherwise("source_r").alias("region_l"),
            pl.when(left_first).then("local_id_l").otherwise("local_id_r").alias("person_id_l"),
            pl.when(left_first).then("source_r").otherwise("source_l").alias("region_r"),
            pl.when(left_first).then("local_id_r").otherwise("local_id_l").alias("person_id_r"),
            "match_probability",
            "match_weight",
        )
        .cast(PAIR_SCHEMA)  # type: ignore[arg-type]
        .unique(["region_l", "person_id_l", "region_r", "person_id_r"])
        .sort(["match_probability", "region_l", "person_id_l"], descending=[True, False, False])
    )


def pairs_on(
    engine: str, people: pl.DataFrame, model: MatchModel, *, threshold: float, spark: Any = None
) -> pl.DataFrame:
    """Cross-region pairs scored ≥ ``threshold`` by ``engine`` ("duckdb" or "spark")."""
    from splink import Linker

    settings = national_settings(model, engine, people)
    if engine == "duckdb":
        from splink import DuckDBAPI

        with engine_for("duckdb") as duck:
            db_api = DuckDBAPI(connection=duck.con)  # type: ignore[attr-defined]
            sdf = db_api.register(people.to_arrow(), table_name="national")
            linker = Linker(sdf, settings, log_level=None)
            predictions = linker.inference.predict(
                threshold_match_probability=threshold, warning_mode="never"
            )
            raw = predictions.as_duckdbpyrelation().pl()
        return _pairs(raw)
    from splink import SparkAPI

    with engine_for("spark", spark=spark) as running:
        session = running.spark  # type: ignore[attr-defined]
        spark_api = SparkAPI(spark_session=session, break_lineage_method="persist")
        frame = session.createDataFrame(people.to_arrow())
        # A name of its own: a session runs many matchings (a cluster's, the tests'), and
        # Splink refuses a table name it already holds.
        table_name = f"national_{uuid.uuid4().hex}"
        try:
            linker = Linker(
                spark_api.register(frame, table_name=table_name), settings, log_level=None
            )
            predictions = linker.inference.predict(
                threshold_match_probability=threshold, warning_mode="never"
            )
            columns = ["source_l", "local_id_l", "source_r", "local_id_r"]
            table = (
                predictions.as_spark_dataframe()
                .select(*columns, "match_probability", "match_weight")
                .toArrow()
            )
        finally:
            session.catalog.dropTempView(table_name)
    return _pairs(pl.DataFrame(pl.from_arrow(table)))


def national_match(
    exports: Exports,
    *,
    output: Path,
    model_path: Path,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    spark: Any = None,
) -> pl.DataFrame:
    """Cross-region candidate pairs into the new folder ``output`` (``pairs.parquet`` and a
    manifest). A model trained for other comparisons is refused before any work."""
    check_output(output)
    try:
        model = MatchModel.load(model_path)
    except MatchingError as exc:
        raise NationalError(f"Model {model_path}: {exc.message.render('id')}") from exc
    people = national_people(exports)
    pairs = pairs_on(engine, people, model, threshold=threshold, spark=spark)
    write_parts(
        output,
        {"pairs": pairs},
        {
            "kind": "jaring-national-pairs",
            "engine": engine,
            "threshold": threshold,
            "inputs": [str(e.folder) for e in exports.exports],
            "regions": [e.region for e in exports.exports],
            "regencies": sorted(code for e in exports.exports for code in e.regencies),
            "key_fingerprint": exports.key_fingerprint,
            "people": people.height,
        },
    )
    return pairs
