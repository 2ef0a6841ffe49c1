"""Person names reduced to a comparable form, column-wise.

The same worker is written "H. MOCH. SOEPRAPTO, S.Pd", "Muhammad Suprapto" and "M Suprapto" on
three lists. :func:`normalize_names` removes honorifics and degrees, folds the common spellings
of Muhammad and Siti, and modernises the old spelling (oe→u, dj→j, tj→c, nj→ny, sj→sy, ch→kh), so
all three become "muhammad suprapto". The registry stores this form (``name_normalized``) for
search and sorting; matching compares it.

There is one implementation, a chain of polars expressions, so a million names take well under
a second; :func:`normalize_name` runs the same chain on a single value.
"""

from __future__ import annotations

import polars as pl

# Degrees come after the name, usually after a comma: "Budi, S.Pd.I", "Sri Lestari S.E., M.M.".
_DEGREES = (
    r"s\.?\s?(?:pd\.?\s?i|pd|e|h|kom|t|sos|ag|ip|kep|ked|farm|si|hut|tr)\.?"
    r"|m\.?\s?(?:pd|m|si|h|kes|ag|t|kom|sc)\.?|a\.?\s?md\.?(?:\s?\w+\.?)?|amd|d[1-4]|ph\.?\s?d"
)
# Honorifics and titles come before the name.
_HONORIFICS = (
    r"hj|h|haji|hajjah|bpk|bapak|pak|ibu|bu|sdr|sdri|ny|nyonya|tn|tuan|k\.?\s?h|kh|ust|ustadz"
    r"|ustad|ustadzah|dr|drs|dra|ir|prof|almarhum|alm|almh"
)
_MUHAMMAD = (
    r"muhammad|muhamad|muhammat|mohammad|mohamad|mohammed|mochammad|mochamad|mokhammad"
    r"|muchammad|muchamad|mukhammad|moch|moh|muh|mhd|mch|md|m"
)


def _normalize(expr: pl.Expr) -> pl.Expr:
    text = (
        expr.str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        # Everything after the first comma is a degree or a note ("Budi, S.Pd", "Ani, alm").
        .str.replace(r",.*$", "")
        # Without a comma, degrees trail the name: "Sri Lestari S.E. M.M.". Only trailing ones
        # go, because "St." in front is Siti, not Sarjana Teknik.
        .str.replace(r"(?:\s+(?:" + _DEGREES + r"))+\s*$", "")
        .str.replace_all(r"['’`]", "")
    )
    # Honorifics can stack: "Hj. Ny. Siti" — strip up to three at the front.
    for _ in range(3):
        text = text.str.replace(r"^\s*(?:" + _HONORIFICS + r")(?:\.\s*|\s+)", "")
    return (
        text.str.replace_all(r"[^a-z\s]", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.replace_all(r"\b(?:" + _MUHAMMAD + r")\b", "muhammad")
        .str.replace_all(r"\b(?:siti|sitti|st)\b", "siti")
        .str.replace_all(r"\bnurul\b", "nur")
        .str.replace_all(r"\babdul\s", "abdul")
        .str.replace_all("oe", "u")
        .str.replace_all("dj", "j")
        .str.replace_all("tj", "c")
        .str.replace_all("nj", "ny")
        .str.replace_all("sj", "sy")
        .str.replace_all("ch", "kh")
    )


def normalize_names_expr(expr: pl.Expr) -> pl.Expr:
    """The normalised form of a column of names, as a polars expression (nulls stay null)."""
    return _normalize(expr)


def normalize_names(names: pl.Series) -> pl.Series:
    return pl.select(_normalize(pl.lit(names))).to_series().alias(names.name)


def normalize_name(name: str) -> str:
    """One name: ``normalize_name("H. MOCH. SOEPRAPTO, S.Pd") == "muhammad suprapto"``."""
    result = normalize_names(pl.Series([name], dtype=pl.String))[0]
    return str(result) if result is not None else ""
