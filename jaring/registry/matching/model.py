"""Train the matching model once on the registry, save it, load it.

:func:`train_model` is unsupervised (no labelled pairs):

1. the share of pairs that match at all, from rules that find almost only true pairs
   (:data:`~jaring.registry.matching.settings.DETERMINISTIC_RULES`, assumed recall 0.7);
2. u-probabilities from random record pairs (seeded, so the same registry and seed give the
   same model; at most 100 pairs per person, ``MatchSettings.u_max_pairs`` in all); a level
   never seen among them gets u = 1 / pairs sampled. The NIK levels for pairs with birth
   dates are counted instead, within their cell (:func:`nik_counted_u`);
3. m-probabilities by expectation maximisation on blocked pairs, one session per rule of
   :data:`~jaring.registry.matching.settings.TRAINING_BLOCKING_RULES`. A session with too few
   pairs is skipped (its comparisons keep their starting m); if all are skipped, training
   refuses;
4. the NIK levels' m and u made conditional on their cell (:func:`_condition_on_branches`).

The saved file is Splink's own settings JSON (``Linker(df, "model.json")`` reads it), so the
model can be inspected and charted with Splink's tools. :meth:`MatchModel.load` refuses a file
made for other comparisons than this code's.
"""

from __future__ import annotations

import copy
import json
import logging
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

from jaring.registry.matching.errors import ModelFileError, TooFewRecordsError
from jaring.registry.matching.prepare import prepare_people
from jaring.registry.matching.settings import (
    COMPARISONS,
    DETERMINISTIC_RECALL,
    DETERMINISTIC_RULES,
    MIN_M_PROBABILITY,
    TRAINING_BLOCKING_RULES,
    MatchSettings,
    comparisons_fingerprint,
    splink_settings,
)
from jaring.rules.messages import Message, gettext_noop

logger = logging.getLogger(__name__)
#: An EM session needs at least this many blocked pairs to learn anything.
MIN_TRAINING_PAIRS = 20


@contextmanager
def duckdb_api(settings: MatchSettings) -> Iterator[DuckDBAPI]:
    """A private in-memory DuckDB for one call, with the configured threads and memory."""
    config: dict[str, Any] = {}
    if settings.threads:
        config["threads"] = settings.threads
    if settings.memory_limit:
        config["memory_limit"] = settings.memory_limit
    con = duckdb.connect(":memory:", config=config)
    try:
        yield DuckDBAPI(connection=con)
    finally:
        con.close()


def make_linker(
    db_api: DuckDBAPI, frame: pl.DataFrame, model_settings: dict[str, Any], name: str
) -> tuple[Linker, SplinkDataFrame]:
    """A linker over ``frame`` (registered as table ``name``) with a copy of the settings."""
    sdf = db_api.register(frame.to_arrow(), table_name=name)
    settings = {k: v for k, v in model_settings.items() if k != FINGERPRINT_KEY}
    return Linker(sdf, copy.deepcopy(settings), log_level=None), sdf


def _pairs_sharing(frame: pl.DataFrame, columns: list[str]) -> int:
    """How many record pairs agree on all ``columns`` (nulls never agree)."""
    sizes = frame.drop_nulls(columns).group_by(columns).len()
    n = pl.col("len").cast(pl.Int64)
    return int(sizes.select((n * (n - 1) // 2).sum()).item() or 0)


def _blocked_pair_count(frame: pl.DataFrame, rule: str) -> int:
    """Pairs a blocking rule of ``l.a = r.a`` (and ``l.b IS NOT NULL``) terms makes."""
    columns = [
        part.split("=")[0].strip().removeprefix("l.") for part in rule.split(" AND ") if "=" in part
    ]
    return _pairs_sharing(frame, columns)


def _nik_parts(frame: pl.DataFrame) -> pl.DataFrame:
    """The NIK and its parts as integers (grouping on integers is several times faster than
    on strings), for people with a NIK, a birth date and a desa."""
    nik = pl.col("nik").cast(pl.UInt64)
    return frame.drop_nulls(["nik", "birth_date", "kecamatan"]).select(
        kecamatan=pl.col("kecamatan").hash(0),
        nik=nik,
        nik_head=nik // 10**4,
        nik_tail=nik % 10**10,
        nik_date=(nik // 10**4) % 10**6,
        nik_rest=(nik // 10**10) * 10**4 + nik % 10**4,
    )


def _region_typo_pairs(parts: pl.DataFrame, extra: list[str]) -> int:
    """Pairs (agreeing on ``extra``) whose NIKs share date and serial and whose region codes
    are one digit or one swap of neighbours apart."""
    nik = pl.col("nik").cast(pl.Int64)
    keys = []
    for i in range(6):
        unit = 10 ** (15 - i)
        keys.append(nik - (nik // unit % 10) * unit)  # digit i set to 0
    for i in range(5):
        unit = 10 ** (14 - i)  # digit i+1; digit i is ten times that
        a, b = nik // (unit * 10) % 10, nik // unit % 10
        keys.append(
            nik
            - a * unit * 10
            - b * unit
            + pl.min_horizontal(a, b) * unit * 10
            + pl.max_horizontal(a, b) * unit
        )
    identical = _pairs_sharing(parts, [*extra, "nik"])
    total = 0
    for key in keys:
        # Each key also groups identical NIKs together; those are not typos.
        total += _pairs_sharing(parts.with_columns(_k=key), [*extra, "nik_tail", "_k"]) - identical
    return total


def nik_counted_u(frame: pl.DataFrame) -> dict[tuple[str, str], float]:
    """u of the NIK levels for pairs with both birth dates, counted on the registry within
    their cell (same kecamatan or not × same NIK date digits or not), from group sizes — no
    pairs are formed.

    Random pairs would make "same kecamatan and date digits, other serial" look astronomically
    rare and count the birth date and desa agreement a second time; within its cell it is
    what almost every non-matching pair of the same kecamatan born the same day has (a twin),
    so it ends up as evidence against a match. Pairs with an identical NIK are left out
    (they are matches, or typos). True pairs are not known and are counted too: where a cell
    is small (same kecamatan and date digits) they pull its levels towards neutral.
    """
    parts = _nik_parts(frame)
    n = parts.height

    def pairs(*columns: str) -> int:
        return _pairs_sharing(parts, list(columns))

    def other_kec(*columns: str) -> int:
        return pairs(*columns) - pairs("kecamatan", *columns)

    exact_k, exact_o = pairs("kecamatan", "nik"), other_kec("nik")
    same_kec, same_date_k = pairs("kecamatan"), pairs("kecamatan", "nik_date")
    same_date_o = other_kec("nik_date")
    typo_o = _region_typo_pairs(parts, []) - _region_typo_pairs(parts, ["kecamatan"])
    cells: dict[str, tuple[int, dict[str, int]]] = {
        "same_kecamatan_date": (
            same_date_k - exact_k,
            {
                "serial_differs_same_kecamatan": pairs("kecamatan", "nik_head") - exact_k,
                "region_differs_same_kecamatan": pairs("kecamatan", "nik_tail") - exact_k,
            },
        ),
        "same_kecamatan": (
            same_kec - same_date_k,
            {"rest_exact_same_kecamatan": pairs("kecamatan", "nik_rest") - exact_k},
        ),
        "other_kecamatan_date": (
            same_date_o - exact_o,
            {
                "serial_differs": other_kec("nik_head") - exact_o,
                "region_typo": typo_o,
                "region_differs": other_kec("nik_tail") - exact_o - typo_o,
            },
        ),
        "other_kecamatan": (
            n * (n - 1) // 2 - same_kec - same_date_o,
            {"rest_exact": other_kec("nik_rest") - exact_o},
        ),
    }
    remainder = {
        "same_kecamatan_date": "date_only_same_kecamatan",
        "same_kecamatan": "rest_differs_same_kecamatan",
        "other_kecamatan_date": "date_only",
        "other_kecamatan": "rest_differs",
    }
    u: dict[tuple[str, str], float] = {}
    for cell, (total, counts) in cells.items():
        if total <= 0:
            continue
        counts[remainder[cell]] = total - sum(counts.values())
        for key, count in counts.items():
            u[("nik", key)] = max(count, 1) / total
    return u


#: Where a saved model keeps :func:`~jaring.registry.matching.settings.comparisons_fingerprint`
#: (not a Splink setting: :attr:`MatchModel.splink` leaves it out).
FINGERPRINT_KEY = "jaring_comparisons"


@dataclass(frozen=True)
class MatchModel:
    """A trained model: Splink's settings dictionary with the learned m and u, and the
    fingerprint of the comparisons it was trained for."""

    settings: dict[str, Any]

    @property
    def splink(self) -> dict[str, Any]:
        """The settings as Splink takes them (a copy)."""
        return copy.deepcopy({k: v for k, v in self.settings.items() if k != FINGERPRINT_KEY})

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the JSON atomically: an interrupted save leaves the old file intact."""
        target = Path(path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.settings, handle, indent=2, ensure_ascii=False)
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> MatchModel:
        try:
            settings = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ModelFileError(
                Message.of(
                    gettext_noop("Cannot read the matching model {path}: {error}"),
                    path=path,
                    error=error,
                )
            ) from error
        model = cls(settings)
        model.check_compatible()
        return model

    def check_compatible(self) -> None:
        """The file's comparisons must be this code's (same fields, levels and SQL)."""
        try:
            saved = [
                (c["output_column_name"], [lv["sql_condition"] for lv in c["comparison_levels"]])
                for c in self.settings["comparisons"]
            ]
        except (KeyError, TypeError) as error:
            raise ModelFileError(
                Message(gettext_noop("The file is not a Splink matching model."))
            ) from error
        expected = [(c.field, [lv.sql for lv in c.levels]) for c in COMPARISONS]
        # The same SQL with another fixed weight (a capped phone) is another model too.
        if saved != expected or self.settings.get(FINGERPRINT_KEY) != comparisons_fingerprint():
            raise ModelFileError(
                Message(
                    gettext_noop(
                        "This model was trained for other comparisons; train it again with this "
                        "version."
                    )
                )
            )
        for comparison in self.settings["comparisons"]:
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    continue
                if "m_probability" not in level or "u_probability" not in level:
                    raise ModelFileError(
                        Message(gettext_noop("The model is not trained (m/u missing)."))
                    )

    @property
    def probability_two_random_records_match(self) -> float:
        return float(self.settings["probability_two_random_records_match"])

    def level_weights(self) -> pl.DataFrame:
        """field, gamma, key, weight (log2 Bayes factor) — one row per comparison level."""
        rows: list[dict[str, Any]] = []
        for comparison, spec in zip(self.settings["comparisons"], COMPARISONS, strict=True):
            saved = comparison["comparison_levels"]
            # Splink numbers the non-null levels from the top (n-1) down to ELSE (0); null is -1.
            gamma = sum(1 for lv in saved if not lv.get("is_null_level"))
            for level, spec_level in zip(saved, spec.levels, strict=True):
                if level.get("is_null_level"):
                    rows.append(
                        {"field": spec.field, "gamma": -1, "key": spec_level.key, "weight": 0.0}
                    )
                    continue
                gamma -= 1
                m = max(float(level["m_probability"]), 1e-300)
                u = max(float(level["u_probability"]), 1e-300)
                rows.append(
                    {
                        "field": spec.field,
                        "gamma": gamma,
                        "key": spec_level.key,
                        "weight": math.log2(m / u),
                    }
                )
        return pl.DataFrame(
            rows,
            schema={"field": pl.String, "gamma": pl.Int64, "key": pl.String, "weight": pl.Float64},
        )


def _fill_unobserved(settings: dict[str, Any], u_pairs: float) -> None:
    """Levels training never saw: u = 1 / pairs sampled (none of them fell in it), m = the
    documented starting value of :data:`~jaring.registry.matching.settings.COMPARISONS`; and
    no m below :data:`~jaring.registry.matching.settings.MIN_M_PROBABILITY`."""
    for comparison, spec in zip(settings["comparisons"], COMPARISONS, strict=True):
        for level, spec_level in zip(comparison["comparison_levels"], spec.levels, strict=True):
            if level.get("is_null_level"):
                continue
            level.setdefault("u_probability", 1.0 / u_pairs)
            level.setdefault("m_probability", spec_level.m)
            if spec_level.fixed_m is not None:
                level["m_probability"] = spec_level.fixed_m
                continue
            level["m_probability"] = max(float(level["m_probability"]), MIN_M_PROBABILITY)


def _condition_on_branches(settings: dict[str, Any]) -> None:
    """Make the m and u of branch levels conditional on their branch (cell).

    Splink's m and u are joint, P(level | match). Within a cell of the NIK comparison (e.g.
    same kecamatan, same date digits) the desa and birth date comparisons already count how
    likely the cell itself is; here each level's m is divided by its cell's total (times the
    share of matches whose NIK is not identical, where an identical NIK was possible) and u
    likewise. This also stops a missing birth date from counting as evidence by itself —
    lists that drop birth dates more often in duplicates (the synthetic data does) would
    otherwise teach that.
    """
    for comparison, spec in zip(settings["comparisons"], COMPARISONS, strict=True):
        branches = {lv.branch for lv in spec.levels if lv.branch}
        if not branches:
            continue
        levels = comparison["comparison_levels"]
        top = next(lv for lv in levels if not lv.get("is_null_level"))
        not_exact = 1.0 - float(top["m_probability"])
        for branch in sorted(branches):
            members = [
                level
                for level, spec_level in zip(levels, spec.levels, strict=True)
                if spec_level.branch == branch
            ]
            total_m = sum(float(lv["m_probability"]) for lv in members)
            total_u = sum(float(lv["u_probability"]) for lv in members)
            if total_m <= 0 or total_u <= 0:
                continue
            # An identical NIK is only possible where the date digits may agree.
            scale_m = not_exact if branch.endswith(("_date", "no_birth_date")) else 1.0
            for level in members:
                level["m_probability"] = float(level["m_probability"]) / total_m * scale_m
                level["u_probability"] = float(level["u_probability"]) / total_u


def train_model(
    people: pl.DataFrame, *, seed: int, settings: MatchSettings | None = None
) -> MatchModel:
    """Learn the model from the registry ``people`` (see the module doc). Deterministic for a
    seed. Raises :class:`TooFewRecordsError` below ``settings.min_training_records`` people
    with a birth date, or when no training rule finds pairs to learn from."""
    settings = settings or MatchSettings()
    frame = prepare_people(people, what="registry")
    minimum = settings.min_training_records
    if frame.height < minimum:
        raise TooFewRecordsError(
            Message.of(
                gettext_noop(
                    "The registry holds only {found} people; training the matching model needs "
                    "at least {minimum}."
                ),
                found=frame.height,
                minimum=minimum,
            ),
            found=frame.height,
            minimum=minimum,
        )
    with_dates = frame.select(pl.col("birth_date").is_not_null().sum()).item()
    if with_dates < minimum:
        raise TooFewRecordsError(
            Message.of(
                gettext_noop(
                    "Only {found} people in the registry have a birth date; training needs at "
                    "least {minimum}. Complete the birth dates first."
                ),
                found=with_dates,
                minimum=minimum,
            ),
            found=with_dates,
            minimum=minimum,
        )
    sessions = [
        r for r in TRAINING_BLOCKING_RULES if _blocked_pair_count(frame, r) >= MIN_TRAINING_PAIRS
    ]
    if not sessions:
        raise TooFewRecordsError(
            Message(
                gettext_noop(
                    "The registry has no candidate duplicate pairs (same NIK, or same name and "
                    "birth date) to learn from; the model cannot be trained."
                )
            ),
            found=0,
            minimum=MIN_TRAINING_PAIRS,
        )
    n = frame.height
    # A small registry needs (and can give) fewer random pairs: 100 per person, at most
    # u_max_pairs, at most all of them.
    u_pairs = float(min(settings.u_max_pairs, 100 * n, n * (n - 1) // 2))
    with duckdb_api(settings) as db_api:
        linker, _ = make_linker(db_api, frame, splink_settings(nik_counted_u(frame)), "registry")
        linker.training.estimate_probability_two_random_records_match(
            list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
        # No pair agrees on the sure rules (same NIK; same name and birth date): the prior is
        # zero and expectation maximisation has nothing to start from (Splink would fail on
        # log2(0)). Say so instead.
        if linker._settings_obj._probability_two_random_records_match <= 0:
            raise TooFewRecordsError(
                Message(
                    gettext_noop(
                        "The registry has no pair that is surely the same person yet (same NIK, "
                        "or same name and birth date), so the matching model cannot be trained. "
                        "Train after more lists have been imported."
                    )
                ),
                found=0,
                minimum=1,
            )
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
        for rule in sessions:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        trained = linker.misc.save_model_to_json()
    trained = copy.deepcopy(trained)
    # Splink draws a random id per linker; without it the same data and seed save the same file.
    trained.pop("linker_uid", None)
    _fill_unobserved(trained, u_pairs)
    _condition_on_branches(trained)
    trained[FINGERPRINT_KEY] = comparisons_fingerprint()
    return MatchModel(trained)
