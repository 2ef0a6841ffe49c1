"""Read the exports of several regions and check them before anything is computed.

:func:`read_exports` refuses (:class:`~jaring.national.errors.NationalError`, one message
naming the folder and what is wrong) when a folder is not an export, a part is missing or not
what the manifest says (checksum, row count, columns), two exports were made under different
national keys, or a kab/kota comes in twice (the same region exported twice, or two
deployments overlapping). Only then do the commands compute and write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from jaring.national.errors import NationalError
from jaring.national.exports import MANIFEST, PARTS, SCHEMA_VERSION, file_sha256


@dataclass(frozen=True)
class Export:
    folder: Path
    manifest: dict[str, Any]

    @property
    def region(self) -> str:
        return str(self.manifest["region"])

    @property
    def regencies(self) -> list[str]:
        return list(self.manifest["regencies"])

    def part(self, name: str) -> Path:
        return self.folder / self.manifest["parts"][name]["file"]


@dataclass(frozen=True)
class Exports:
    exports: tuple[Export, ...]

    @property
    def key_fingerprint(self) -> str:
        return str(self.exports[0].manifest["key_fingerprint"])

    def parts(self, name: str) -> list[Path]:
        return [export.part(name) for export in self.exports]

    def frame(self, name: str) -> pl.DataFrame:
        """One part of every export, as one frame (small inputs: tests, DuckDB)."""
        return pl.concat([pl.read_parquet(path) for path in self.parts(name)])


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise NationalError(f"Folder ekspor {folder} tidak ada.")
    if not path.exists():
        raise NationalError(
            f"{folder} bukan ekspor nasional Jaring: {MANIFEST} tidak ada "
            "(buat dengan 'jaring national export --output FOLDER')."
        )
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise NationalError(f"{path} rusak: bukan JSON yang sah.") from exc
    if not isinstance(manifest, dict) or manifest.get("kind") != "jaring-national-export":
        raise NationalError(f"{path} bukan manifes ekspor nasional Jaring.")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise NationalError(
            f"{folder} dibuat dengan skema versi {manifest.get('schema_version')!r}; versi ini "
            f"membaca skema {SCHEMA_VERSION}. Ekspor ulang dengan Jaring yang sama versinya."
        )
    for field in ("region", "regencies", "key_fingerprint", "parts"):
        if field not in manifest:
            raise NationalError(f"{path} tidak lengkap: {field!r} tidak ada.")
    return manifest


def _check_part(folder: Path, name: str, entry: dict[str, Any] | None) -> None:
    if entry is None:
        raise NationalError(f"Manifes {folder} tidak menyebut bagian {name}.parquet.")
    path = folder / str(entry.get("file", ""))
    if not path.is_file():
        raise NationalError(f"Bagian {path.name} hilang dari {folder}; ekspor ulang wilayah itu.")
    if file_sha256(path) != entry.get("sha256"):
        raise NationalError(
            f"Bagian {path} rusak atau diubah (checksum tidak sama dengan manifes); "
            "ekspor ulang wilayah itu."
        )
    try:
        schema = pl.read_parquet_schema(path)
        rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    except Exception as exc:  # polars raises several kinds for a damaged file
        raise NationalError(f"Bagian {path} rusak: bukan Parquet yang terbaca.") from exc
    expected = PARTS[name]
    if list(schema) != list(expected) or any(schema[c] != t for c, t in expected.items()):
        raise NationalError(f"Bagian {path} tidak berkolom seperti skema versi {SCHEMA_VERSION}.")
    if rows != entry.get("rows"):
        raise NationalError(
            f"Bagian {path} berisi {rows:,} baris, manifes menyebut {entry.get('rows')}; "
            "ekspor ulang wilayah itu."
        )


def read_exports(folders: list[Path]) -> Exports:
    """The exports in ``folders``, checked (see the module's docstring)."""
    if not folders:
        raise NationalError("Sebutkan paling sedikit satu folder ekspor (--input FOLDER).")
    exports = []
    for folder in folders:
        manifest = _manifest(folder)
        for name in PARTS:
            _check_part(folder, name, manifest["parts"].get(name))
        exports.append(Export(folder, manifest))
    fingerprints = {e.manifest["key_fingerprint"] for e in exports}
    if len(fingerprints) > 1:
        listing = ", ".join(f"{e.folder} ({e.manifest['key_fingerprint']})" for e in exports)
        raise NationalError(
            "Ekspor dibuat dengan kunci nasional yang berbeda, jadi indeksnya tidak bisa "
            f"dibandingkan: {listing}. Ekspor ulang dengan JARING_NATIONAL_KEY yang sama."
        )
    seen: dict[str, Path] = {}
    for export in exports:
        for code in export.regencies:
            if code in seen:
                raise NationalError(
                    f"Wilayah {code} diekspor dua kali ({seen[code]} dan {export.folder}); "
                    "setiap kab/kota hanya boleh masuk sekali."
                )
            seen[code] = export.folder
    return Exports(tuple(exports))
