"""Bring a region's share of national pairs back: ``jaring national import-pairs DIR``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction

from jaring.core import bulk, crypto
from jaring.national.errors import NationalError
from jaring.national.exports import file_sha256
from jaring.national.matching import PAIR_SCHEMA
from jaring.national.models import CrossRegionFlag
from jaring.registry.models import Person


@dataclass(frozen=True)
class ImportSummary:
    flags: int
    people: int
    unknown: int
    regions: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "flags": self.flags,
            "people": self.people,
            "unknown": self.unknown,
            "regions": self.regions,
        }


def _read_pairs(folder: Path) -> tuple[dict[str, Any], pl.DataFrame]:
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as exc:
        raise NationalError(f"{folder} bukan hasil 'jaring national match' ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("kind") != "jaring-national-pairs":
        raise NationalError(f"{folder} bukan hasil 'jaring national match'.")
    entry = manifest.get("parts", {}).get("pairs", {})
    path = folder / str(entry.get("file", "pairs.parquet"))
    if not path.is_file():
        raise NationalError(f"Bagian {path.name} hilang dari {folder}.")
    if file_sha256(path) != entry.get("sha256"):
        raise NationalError(f"Bagian {path} rusak atau diubah (checksum tidak sama).")
    try:
        pairs = pl.read_parquet(path)
    except Exception as exc:  # polars raises several kinds for a damaged file
        raise NationalError(f"Bagian {path} rusak: bukan Parquet yang terbaca.") from exc
    if dict(pairs.schema) != PAIR_SCHEMA:
        raise NationalError(
            f"Bagian {path} tidak berkolom seperti hasil 'jaring national match' "
            f"({', '.join(PAIR_SCHEMA)})."
        )
    _check_key(folder, manifest)
    return manifest, pairs


def _check_key(folder: Path, manifest: dict[str, Any]) -> None:
    """Pairs made from exports under another national key than this deployment's name other
    people: its local ids would flag the wrong ones. Checked when both sides name a key."""
    key: str = getattr(settings, "JARING_NATIONAL_KEY", "") or ""
    made_with = manifest.get("key_fingerprint")
    if key and made_with and made_with != crypto.key_fingerprint(key):
        raise NationalError(
            f"{folder} dibuat dari ekspor dengan kunci nasional lain ({made_with}), bukan kunci "
            f"deployment ini ({crypto.key_fingerprint(key)}); tidak ada yang ditandai. Minta "
            "hasil pencocokan dari ekspor wilayah ini yang terbaru."
        )


def pairs_import(*, folder: Path, region_codes: list[str] | None = None) -> ImportSummary:
    """Flag this deployment's people found in another region. The share is the side of each
    pair whose region is one of ``region_codes`` (default: every region of the pairs with
    people here); a local id that is not a registered person of that region here is counted
    as unknown and skipped. Flags from an earlier import of the same regions are replaced."""
    manifest, pairs = _read_pairs(folder)
    in_pairs = [str(r) for r in manifest.get("regions", [])]
    unknown_regions = [r for r in region_codes or [] if r not in in_pairs]
    if unknown_regions:
        raise NationalError(
            f"Wilayah {', '.join(unknown_regions)} tidak ada di {folder} (wilayahnya: "
            f"{', '.join(in_pairs) or '-'}); tidak ada yang ditandai."
        )
    regions = region_codes or in_pairs
    sides = pl.concat(
        [
            pairs.select(
                pl.col("region_l").alias("own"),
                pl.col("person_id_l").alias("person_id"),
                pl.col("region_r").alias("other_region"),
                "match_probability",
            ),
            pairs.select(
                pl.col("region_r").alias("own"),
                pl.col("person_id_r").alias("person_id"),
                pl.col("region_l").alias("other_region"),
                "match_probability",
            ),
        ]
    ).filter(pl.col("own").is_in(regions))
    share = sides.group_by("person_id", "own", "other_region").agg(
        pl.col("match_probability").max()
    )
    known = bulk.read_frame(
        Person.objects.filter(pk__in=share["person_id"].unique().to_list())
        .order_by()
        .values_list("id", "region_id"),
        {"person_id": pl.Int64(), "region_id": pl.String()},
    )
    flags = share.join(known, on="person_id").filter(
        (pl.col("region_id") == pl.col("own"))
        | pl.col("region_id").str.starts_with(pl.col("own") + ".")
    )
    unknown = share.height - flags.height
    now = bulk.now_utc()
    with transaction.atomic():
        CrossRegionFlag.objects.filter(person_id__in=flags["person_id"].unique().to_list()).delete()
        if flags.height:
            first_id = bulk.reserve_ids(CrossRegionFlag, flags.height)
            bulk.copy_frame(
                CrossRegionFlag,
                flags.select(
                    pl.int_range(first_id, first_id + flags.height, dtype=pl.Int64).alias("id"),
                    "person_id",
                    "region_id",
                    "other_region",
                    "match_probability",
                    pl.lit(str(folder)[:255]).alias("pairs_file"),
                    pl.lit(now).alias("imported_at"),
                ),
            )
    return ImportSummary(
        flags=flags.height,
        people=flags["person_id"].n_unique(),
        unknown=unknown,
        regions=sorted(set(flags["own"].to_list())),
    )
