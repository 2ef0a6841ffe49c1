"""Desa/kelurahan and kecamatan names resolved within the chosen kab/kota (distinct pairs only).

Rules, per distinct (desa, kecamatan) pair as written:

* ``place`` is where the list comes from, as chosen at upload: a desa/kelurahan (a desa's own
  list), a kecamatan, or ``None`` (the whole kab/kota);
* desa empty → the ``place`` when it is a desa; else the village the list's title rows name
  ("DAFTAR RT/RW KELURAHAN BANDAR LOR KECAMATAN MOJOROTO", :func:`title_village`) with
  ``VILLAGE_FROM_TITLE`` (a warning: a hint the operator checks); else ``VILLAGE_MISSING``
  (held for a person);
* kecamatan written → resolved with the kecamatan index (``KECAMATAN_UNKNOWN`` warning when it
  cannot be); it only helps: it picks among villages of the same name, and a village found in
  another kecamatan gets ``KECAMATAN_MISMATCH`` (the village wins);
* desa exact → its code; fuzzy → its code with ``VILLAGE_FUZZY``; ambiguous → narrowed by the
  kecamatan (or the place), else ``VILLAGE_AMBIGUOUS``; not found → ``VILLAGE_UNKNOWN``;
* a desa resolving outside the ``place`` is ``VILLAGE_OUTSIDE_IMPORT``;
* still ambiguous: the NIK's kecamatan digits (1–6, RULES.md §4) pick the candidate in that
  kecamatan when exactly one is there (and inside the place) — ``VILLAGE_FROM_NIK``, a warning
  (:func:`narrow_by_nik`, once the NIKs are known); otherwise the row stays
  ``VILLAGE_AMBIGUOUS``.

The village codes are never a reason to refuse a worker: ``VILLAGE_MISSING``, ``_UNKNOWN``,
``_AMBIGUOUS`` and ``_OUTSIDE_IMPORT`` hold the row until a person chooses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:  # importing selectors loads Django models; only types are needed here
    from jaring.regions.selectors import NameIndex, NameMatch
    from jaring.registry.imports.reading.titles import TitlePlace

PLACE_CODES: tuple[str, ...] = (
    "VILLAGE_MISSING",
    "VILLAGE_UNKNOWN",
    "VILLAGE_AMBIGUOUS",
    "VILLAGE_FUZZY",
    "VILLAGE_OUTSIDE_IMPORT",
    "VILLAGE_FROM_NIK",
    "VILLAGE_FROM_TITLE",
    "KECAMATAN_UNKNOWN",
    "KECAMATAN_MISMATCH",
)
_MAX_CANDIDATES_SHOWN = 5


def _inside(code: str, parent: str) -> bool:
    return code.startswith(parent + ".")


def _within(code: str, place: str) -> bool:
    return code == place or _inside(code, place)


def _is_village(code: str | None) -> bool:
    return code is not None and code.count(".") == 3


def _kecamatan_code(written: str | None, index: NameIndex | None) -> tuple[str | None, bool]:
    """(code, unknown) of a written kecamatan."""
    if written is None or index is None:
        return None, False
    match = index.resolve(written)
    if match.status in ("exact", "fuzzy") and match.code:
        return match.code, False
    return None, True


def title_village(
    hint: TitlePlace | None,
    *,
    villages: NameIndex,
    kecamatan_index: NameIndex | None,
    place: str | None,
) -> str | None:
    """The code of the village a list's title names, when it is exactly one village of the
    kab/kota (inside the ``place``; the kecamatan the title names picks among equal names),
    else ``None``: a title is a hint, and a hint that does not point at one village is none."""
    if hint is None or hint.village is None:
        return None
    match = villages.resolve(hint.village)
    if match.status in ("exact", "fuzzy") and match.code:
        codes = [match.code]
    else:
        codes = list(match.candidates) if match.status == "ambiguous" else []
    kec_code, _unknown = _kecamatan_code(hint.kecamatan, kecamatan_index)
    if kec_code and len(codes) > 1:
        codes = [c for c in codes if _inside(c, kec_code)]
    codes = [c for c in codes if place is None or _within(c, place)]
    return codes[0] if len(codes) == 1 else None


def _resolve(
    desa: str | None,
    kecamatan: str | None,
    *,
    villages: NameIndex,
    kecamatan_index: NameIndex | None,
    place: str | None,
    titled: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(PLACE_CODES, False)
    out.update(village_code=None, p_village=None, p_candidates=None, p_code=None, _candidates=None)
    kec_code, out["KECAMATAN_UNKNOWN"] = _kecamatan_code(kecamatan, kecamatan_index)
    if desa is None:
        if _is_village(place):
            out["village_code"] = place
        elif titled is not None:
            out["village_code"], out["VILLAGE_FROM_TITLE"] = titled, True
        else:
            out["VILLAGE_MISSING"] = True
        return out
    match: NameMatch = villages.resolve(desa)
    code, fuzzy = None, False
    if match.status in ("exact", "fuzzy"):
        code, fuzzy = match.code, match.status == "fuzzy"
        out["p_village"] = match.name
    elif match.status == "ambiguous":
        candidates = list(match.candidates)
        narrowed = [c for c in candidates if kec_code and _inside(c, kec_code)]
        if len(narrowed) != 1 and place is not None:
            narrowed = [c for c in candidates if _within(c, place)]
        if len(narrowed) == 1:
            # An ambiguity between equal names has no score; one between near spellings has.
            code, fuzzy = narrowed[0], match.score > 0
            out["p_village"] = code
        else:
            shown = candidates[:_MAX_CANDIDATES_SHOWN]
            out["p_candidates"] = ", ".join(shown) + (", …" if len(candidates) > len(shown) else "")
            out["_candidates"] = candidates
            out["VILLAGE_AMBIGUOUS"] = True
            return out
    else:
        out["VILLAGE_UNKNOWN"] = True
        return out
    if place is not None and code is not None and not _within(code, place):
        out["VILLAGE_OUTSIDE_IMPORT"] = True
        out["p_village"] = place
        return out
    out["village_code"] = code
    out["VILLAGE_FUZZY"] = fuzzy
    if kec_code and code and not _inside(code, kec_code):
        out["KECAMATAN_MISMATCH"] = True
        out["p_code"] = code
    return out


def resolve_places(
    frame: pl.DataFrame,
    *,
    desa: str | None,
    kecamatan: str | None,
    villages: NameIndex,
    kecamatan_index: NameIndex | None,
    place: str | None,
    title: TitlePlace | None = None,
) -> pl.DataFrame:
    """Per row: ``village_code``, one Boolean column per :data:`PLACE_CODES` code, and message
    parameters ``p_village``, ``p_candidates``, ``p_code``, ``p_title``. ``desa``/``kecamatan``
    name cleaned String columns of ``frame`` (or are ``None`` when the file has no such
    column); ``title``: the place the list's title rows name (a hint for rows without a desa)."""
    titled = title_village(title, villages=villages, kecamatan_index=kecamatan_index, place=place)
    source = frame.select(
        (pl.col(desa) if desa else pl.lit(None, pl.String)).alias("_desa"),
        (pl.col(kecamatan) if kecamatan else pl.lit(None, pl.String)).alias("_kec"),
    )
    if source.height != frame.height:  # both literals: select gave one row
        source = pl.DataFrame(
            {"_desa": [None] * frame.height, "_kec": [None] * frame.height},
            schema={"_desa": pl.String, "_kec": pl.String},
        )
    pairs = source.unique()
    rows = [
        {
            "_desa": d,
            "_kec": k,
            **_resolve(
                d,
                k,
                villages=villages,
                kecamatan_index=kecamatan_index,
                place=place,
                titled=titled,
            ),
        }
        for d, k in pairs.iter_rows()
    ]
    schema: dict[str, pl.DataType] = {
        "_desa": pl.String(),
        "_kec": pl.String(),
        **{code: pl.Boolean() for code in PLACE_CODES},
        "village_code": pl.String(),
        "p_village": pl.String(),
        "p_candidates": pl.String(),
        "p_code": pl.String(),
        "_candidates": pl.List(pl.String()),
    }
    resolved = pl.DataFrame(rows, schema=schema, orient="row")
    joined = source.join(
        resolved, on=["_desa", "_kec"], how="left", nulls_equal=True, maintain_order="left"
    )
    shown = f"{title.village} ({title.title})" if title is not None and titled else None
    return joined.drop("_desa", "_kec").with_columns(p_title=pl.lit(shown, dtype=pl.String))


def narrow_by_nik(frame: pl.DataFrame, place: str | None) -> pl.DataFrame:
    """Rows still ``VILLAGE_AMBIGUOUS`` whose NIK's kecamatan (digits 1–6) holds exactly one of
    their candidate villages (inside ``place`` when there is one) take that village with
    ``VILLAGE_FROM_NIK`` (a warning). Returns the new ``village_code``, ``m_VILLAGE_AMBIGUOUS``,
    ``m_VILLAGE_FROM_NIK``, ``p_village`` and ``p_nik_kecamatan`` columns, column-wise: only
    the ambiguous rows are exploded into their candidates."""
    nik = pl.col("nik")
    kecamatan = pl.format("{}.{}.{}", nik.str.slice(0, 2), nik.str.slice(2, 2), nik.str.slice(4, 2))
    candidates = (
        frame.lazy()
        .filter(pl.col("m_VILLAGE_AMBIGUOUS") & nik.is_not_null())
        .select("_i", _kec=kecamatan, _code=pl.col("_candidates"))
        .explode("_code")
        .filter(pl.col("_code").str.starts_with(pl.col("_kec") + "."))
    )
    if place is not None:
        candidates = candidates.filter(
            (pl.col("_code") == place) | pl.col("_code").str.starts_with(place + ".")
        )
    picked = (
        candidates.group_by("_i")
        .agg(pl.len().alias("_n"), pl.col("_code").first(), pl.col("_kec").first())
        .filter(pl.col("_n") == 1)
        .collect()
    )
    joined = frame.select("_i", "village_code", "m_VILLAGE_AMBIGUOUS", "p_village").join(
        picked, on="_i", how="left", maintain_order="left"
    )
    found = pl.col("_code").is_not_null()
    return joined.select(
        village_code=pl.coalesce("_code", "village_code"),
        m_VILLAGE_AMBIGUOUS=pl.col("m_VILLAGE_AMBIGUOUS") & ~found,
        m_VILLAGE_FROM_NIK=found,
        p_village=pl.when(found).then(pl.col("_code")).otherwise(pl.col("p_village")),
        p_nik_kecamatan=pl.col("_kec"),
    )
