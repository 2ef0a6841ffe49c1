"""From per-row Boolean masks to the long ``problems`` frame and one state per row.

A check sets a Boolean column per code (``m_<CODE>``); a :class:`Finding` says which column of
the file the code concerns, what value to show and the message parameters. :func:`collect`
turns every finding into problem rows (one filter per code over the whole frame, never a loop
over rows), with the Indonesian and English messages filled column-wise from the registry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from jaring.registry.imports.problems import message_expr, severity_of

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "_sheet": pl.String(),
    "_row": pl.Int64(),
    "code": pl.String(),
    "severity": pl.String(),
    "column": pl.String(),
    "value": pl.String(),
    "detail": pl.String(),
    "detail_en": pl.String(),
}
STATES = ("accepted", "warning", "rejected")


@dataclass(frozen=True)
class Finding:
    """Problem ``code`` on every row where column ``mask`` (default ``m_<code>``) is true."""

    code: str
    column: str | None
    value: pl.Expr = field(default_factory=lambda: pl.lit(None, pl.String))
    params: Mapping[str, pl.Expr] = field(default_factory=dict)
    mask: str | None = None
    # Rules problems carry their own severity and messages (e.g. a configurable income rule).
    severity: pl.Expr | None = None
    detail: pl.Expr | None = None
    detail_en: pl.Expr | None = None

    @property
    def mask_column(self) -> str:
        return self.mask or f"m_{self.code}"


def collect(frame: pl.DataFrame, findings: Sequence[Finding]) -> pl.DataFrame:
    """Problem rows of every finding, ordered by row (``_i``) then by the findings' order."""
    parts: list[pl.DataFrame] = []
    for order, finding in enumerate(findings):
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
                    finding.detail
                    if finding.detail is not None
                    else message_expr(finding.code, "id", **finding.params)
                ).alias("detail"),
                (
                    finding.detail_en
                    if finding.detail_en is not None
                    else message_expr(finding.code, "en", **finding.params)
                ).alias("detail_en"),
            )
            .collect()
        )
    if not parts:
        return pl.DataFrame(schema={"_i": pl.UInt32(), **PROBLEM_SCHEMA})
    return pl.concat(parts).sort("_i", "_order").drop("_order")


def states(row_index: pl.Series, problems: pl.DataFrame) -> pl.Series:
    """accepted / warning / rejected for every row of ``row_index`` (the ``_i`` column)."""
    worst = problems.group_by("_i").agg(
        _error=(pl.col("severity") == "error").any(),
        _warning=(pl.col("severity") == "warning").any(),
    )
    joined = pl.DataFrame({"_i": row_index}).join(worst, on="_i", how="left", maintain_order="left")
    return joined.select(
        pl.when(pl.col("_error"))
        .then(pl.lit("rejected"))
        .when(pl.col("_warning"))
        .then(pl.lit("warning"))
        .otherwise(pl.lit("accepted"))
        .alias("state")
    ).to_series()
