"""From per-row Boolean masks to the long ``problems`` frame and one state per row.

A check sets a Boolean column per code (``m_<CODE>``); a :class:`Finding` says which column of
the file the code concerns, what value to show and the message parameters. :func:`findings_for`
lists the finding of every code :func:`~jaring.registry.imports.checking.check_table` can
report; :func:`collect` turns them into problem rows (one filter per code over the whole frame,
never a loop over rows), each with its code's message parameters as JSON — the sentence is
rendered in the reader's language only when shown
(:func:`~jaring.registry.imports.problems.problem_messages`); :func:`states` gives each row its
state from its worst problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from jaring.registry.imports.checking.nik_column import NIK_CODES, nik_message_params
from jaring.registry.imports.checking.values import clean_text
from jaring.registry.imports.problems import params_expr, problem_spec, severity_of

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "_sheet": pl.String(),
    "_row": pl.Int64(),
    "code": pl.String(),
    "severity": pl.String(),
    "column": pl.String(),
    "value": pl.String(),
    "params": pl.String(),
}
STATES = ("accepted", "warning", "held", "rejected")


@dataclass(frozen=True)
class Finding:
    """Problem ``code`` on every row where column ``mask`` (default ``m_<code>``) is true."""

    code: str
    column: str | None
    value: pl.Expr = field(default_factory=lambda: pl.lit(None, pl.String))
    params: Mapping[str, pl.Expr] = field(default_factory=dict)
    mask: str | None = None
    # Rules problems carry their own severity and parameters (a configurable income rule): a
    # column of their JSON, instead of ``params``.
    severity: pl.Expr | None = None
    params_json: pl.Expr | None = None

    @property
    def mask_column(self) -> str:
        return self.mask or f"m_{self.code}"


def spec_params(code: str) -> tuple[str, ...]:
    """The parameters ``code``'s message needs: only these are stored."""
    return problem_spec(code).params


def collect(frame: pl.DataFrame, findings: Sequence[Finding]) -> pl.DataFrame:
    """Problem rows of every finding, ordered by row (``_i``) then by the findings' order."""
    parts: list[pl.DataFrame] = []
    for order, finding in enumerate(findings):
        missing = set(spec_params(finding.code)) - set(finding.params)
        if finding.params_json is None and missing:
            raise KeyError(f"problem {finding.code} needs parameters {sorted(missing)}")
        if finding.mask_column not in frame.columns:
            continue
        if not frame[finding.mask_column].any():
            continue
        # Lazy: only the columns the messages need are filtered, not the whole wide frame.
        parts.append(
            frame.lazy()
            .filter(pl.col(finding.mask_column))
            .select(
                "_i",
                "_sheet",
                "_row",
                pl.lit(order, dtype=pl.Int32).alias("_order"),
                pl.lit(finding.code).alias("code"),
                (
                    finding.severity
                    if finding.severity is not None
                    else pl.lit(severity_of(finding.code))
                )
                .cast(pl.String)
                .alias("severity"),
                pl.lit(finding.column, dtype=pl.String).alias("column"),
                finding.value.cast(pl.String).alias("value"),
                (
                    finding.params_json
                    if finding.params_json is not None
                    else params_expr(
                        {n: e for n, e in finding.params.items() if n in spec_params(finding.code)}
                    )
                ).alias("params"),
            )
            .collect()
        )
    if not parts:
        return pl.DataFrame(schema={"_i": pl.UInt32(), **PROBLEM_SCHEMA})
    return pl.concat(parts).sort("_i", "_order").drop("_order")


def states(row_index: pl.Series, problems: pl.DataFrame) -> pl.Series:
    """accepted / warning / held / rejected for every row of ``row_index`` (the ``_i``
    column): an error rejects, a problem only a person can decide holds, a warning warns."""
    worst = problems.group_by("_i").agg(
        _error=(pl.col("severity") == "error").any(),
        _hold=(pl.col("severity") == "hold").any(),
        _warning=(pl.col("severity") == "warning").any(),
    )
    joined = pl.DataFrame({"_i": row_index}).join(worst, on="_i", how="left", maintain_order="left")
    return joined.select(
        pl.when(pl.col("_error"))
        .then(pl.lit("rejected"))
        .when(pl.col("_hold"))
        .then(pl.lit("held"))
        .when(pl.col("_warning"))
        .then(pl.lit("warning"))
        .otherwise(pl.lit("accepted"))
        .alias("state")
    ).to_series()


def _iso(column: str) -> pl.Expr:
    return pl.col(column).dt.to_string("%Y-%m-%d")


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    return pl.col(column) if column in frame.columns else pl.lit(None, pl.String)


def findings_for(w: pl.DataFrame, mapping: Mapping[str, str]) -> list[Finding]:
    """Every finding, in the order problems are listed within a row."""
    nik_header = mapping["nik"]
    date_header = mapping.get("birth_date") or mapping.get("birth_place_date")
    sex_header = mapping.get("sex")
    by_field = {"birth_date": date_header or nik_header, "sex": sex_header or nik_header}
    date_text = clean_text(pl.col("_date_text"))
    stated = {"birth_date": date_text, "sex": _text(w, "t_sex")}

    found: list[Finding] = []
    for code in NIK_CODES:
        field = problem_spec(code).field or "nik"
        found.append(
            Finding(
                code,
                by_field.get(field, nik_header),
                value=stated.get(field, pl.col("t_nik")),
                params=nik_message_params(code),
            )
        )
    found.append(Finding("NAME_MISSING", mapping["name"]))
    value = date_text
    found += [
        Finding(
            "BIRTH_DATE_INVALID",
            date_header,
            value,
            # Day-month-year, as the list writes dates (a page shows no ISO date).
            {"value": value, "date": pl.col("birth_date").dt.strftime("%d-%m-%Y")},
        ),
        Finding(
            "BIRTH_DATE_MONTH_FIRST",
            date_header,
            value,
            {"value": value, "date": _iso("stated_date")},
        ),
        Finding("BIRTH_DATE_FROM_NIK", date_header, params={"date": _iso("birth_date")}),
        Finding("BIRTH_DATE_FUTURE", date_header, value, {"date": _iso("birth_date")}),
        Finding(
            "AGE_BELOW_MINIMUM",
            date_header,
            value,
            {"age": pl.col("p_age"), "date": _iso("birth_date"), "minimum": pl.col("p_min_age")},
        ),
        Finding(
            "AGE_ABOVE_MAXIMUM",
            date_header,
            value,
            {"age": pl.col("p_age"), "date": _iso("birth_date"), "maximum": pl.col("p_max_age")},
        ),
    ]
    sex_value = _text(w, "t_sex")
    found += [
        Finding(
            "SEX_FROM_NIK",
            sex_header,
            params={"sex": pl.col("nik_sex"), "sex_label": pl.col("nik_sex")},
        ),
        Finding("SEX_UNREADABLE", sex_header, sex_value, {"value": sex_value}),
    ]
    desa_header, kec_header = mapping.get("desa"), mapping.get("kecamatan")
    desa, kec = _text(w, "c_desa"), _text(w, "c_kecamatan")
    found += [
        Finding("VILLAGE_MISSING", desa_header),
        Finding("VILLAGE_UNKNOWN", desa_header, desa, {"value": desa}),
        Finding(
            "VILLAGE_AMBIGUOUS",
            desa_header,
            desa,
            {"value": desa, "candidates": pl.col("p_candidates")},
        ),
        Finding(
            "VILLAGE_FUZZY", desa_header, desa, {"value": desa, "village": pl.col("p_village")}
        ),
        Finding(
            "VILLAGE_FROM_NIK",
            desa_header,
            desa,
            {"value": desa, "village": pl.col("p_village"), "kecamatan": pl.col("p_nik_kecamatan")},
        ),
        Finding("VILLAGE_FROM_TITLE", desa_header, params={"title": pl.col("p_title")}),
        Finding(
            "VILLAGE_OUTSIDE_IMPORT",
            desa_header,
            desa,
            {"value": desa, "village": pl.col("p_village")},
        ),
        Finding("KECAMATAN_UNKNOWN", kec_header, kec, {"value": kec}),
        Finding(
            "KECAMATAN_MISMATCH",
            kec_header,
            kec,
            {"value": kec, "village": desa, "code": pl.col("p_code")},
        ),
    ]
    rt_header = mapping.get("rt_rw") or mapping.get("rt") or mapping.get("rw")
    rt_rw = clean_text(pl.col("_rt_rw_text"))
    phone = _text(w, "t_phone")
    occupation = pl.col("occupation_text")
    income = _text(w, "t_income")
    found += [
        Finding("RT_RW_INVALID", rt_header, rt_rw, {"value": rt_rw}),
        Finding("PHONE_INVALID", mapping.get("phone"), phone, {"value": phone}),
        Finding("OCCUPATION_MISSING", mapping.get("occupation")),
        Finding(
            "OCCUPATION_FUZZY",
            mapping.get("occupation"),
            occupation,
            {"value": occupation, "category": pl.col("occupation_code")},
        ),
        Finding(
            "OCCUPATION_UNCLASSIFIED", mapping.get("occupation"), occupation, {"value": occupation}
        ),
        Finding("INCOME_UNREADABLE", mapping.get("income"), income, {"value": income}),
    ]
    for name, header in mapping.items():
        issue = pl.col(f"x_{name}") if f"x_{name}" in w.columns else pl.lit(None, pl.String)
        found += [
            Finding("CELL_FORMULA_NO_VALUE", header, mask=f"m_CELL_FORMULA_NO_VALUE__{name}"),
            Finding(
                "CELL_ERROR_VALUE",
                header,
                issue,
                {"value": issue},
                mask=f"m_CELL_ERROR_VALUE__{name}",
            ),
        ]
    extra = _text(w, "_extra")
    found += [
        Finding("ROW_EXTRA_FIELDS", None, extra, {"value": extra}),
        Finding(
            "NIK_DUPLICATE_IN_FILE",
            nik_header,
            pl.col("t_nik"),
            {"sheet": pl.col("duplicate_of_sheet"), "row": pl.col("duplicate_of")},
        ),
        Finding(
            "NIK_DUPLICATE_SAME_PERSON",
            nik_header,
            pl.col("t_nik"),
            {
                "sheet": pl.col("duplicate_of_sheet"),
                "row": pl.col("duplicate_of"),
                "differs": pl.col("p_dup_differs"),
            },
        ),
        Finding(
            "NIK_DUPLICATE_CONFLICT",
            nik_header,
            pl.col("t_nik"),
            {"count": pl.col("p_dup_count"), "rows": pl.col("p_dup_rows")},
        ),
    ]
    return found
