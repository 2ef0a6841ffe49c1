"""Bad input at the command level (``jaring national match``, ``coverage`` and
``import-pairs``): one clear message naming what is wrong, and nothing written — no output
folder, no flag added, changed or removed."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from jaring.core import crypto
from jaring.national.exports import MANIFEST, file_sha256, write_parts
from jaring.national.matching import PAIR_SCHEMA
from jaring.national.models import CrossRegionFlag
from jaring.registry.matching.model import MatchModel
from jaring.registry.matching.services import model_path
from tests.finance.conftest import Signed
from tests.national.conftest import KEY, OTHER_KEY, synthetic_exports


def national(action: str, *args: str) -> dict:
    out = StringIO()
    call_command("national", action, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def inputs(*folders: Path) -> list[str]:
    return [arg for folder in folders for arg in ("--input", str(folder))]


def rewrite_manifest(folder: Path, part: str) -> None:
    """The manifest made to agree with a damaged part (checksum and all), as a careless copy
    would: only reading the part finds it out."""
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["parts"][part]["sha256"] = file_sha256(folder / f"{part}.parquet")
    (folder / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("action", ["match", "coverage"])
def test_exports_the_commands_refuse(
    db: None, trained_model_file: None, tmp_path: Path, action: str
) -> None:
    kediri, cilegon, mojokerto = synthetic_exports(
        tmp_path / "in", {"35.71": 30, "36.72": 30, "35.16": 30}
    )
    (cilegon_other,) = synthetic_exports(tmp_path / "other-key", {"36.72": 30}, key=OTHER_KEY)
    (kediri_again,) = synthetic_exports(tmp_path / "again", {"35.71": 30}, seed=9)
    # A part that is not Parquet although the manifest agrees with it.
    (mojokerto / "paid.parquet").write_bytes(b"PAR1 not really")
    rewrite_manifest(mojokerto, "paid")
    out = tmp_path / "out"
    cases = {
        r"kunci nasional yang berbeda.*other-key": [kediri, cilegon_other],
        r"35\.71 diekspor dua kali": [kediri, kediri_again],
        r"paid\.parquet rusak: bukan Parquet": [kediri, mojokerto],
        r"required: --input": [],
    }
    for message, folders in cases.items():
        with pytest.raises(CommandError, match=message):
            national(action, *inputs(*folders), "--output", str(out))
        assert not out.exists()
    # Nothing is written over a folder in use either.
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="tidak kosong"):
        national(action, *inputs(kediri, cilegon), "--output", str(out))
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_models_match_refuses(db: None, trained_model_file: None, tmp_path: Path) -> None:
    folders = synthetic_exports(tmp_path / "in", {"35.71": 30, "36.72": 30})
    out = tmp_path / "out"
    # Trained on other settings: a comparison's levels changed.
    settings = MatchModel.load(model_path()).settings
    settings["comparisons"][0]["comparison_levels"][1]["sql_condition"] = "1 = 1"
    other = tmp_path / "other-settings.json"
    other.write_text(json.dumps(settings))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    for model, message in (
        (other, r"Model .*other-settings\.json"),
        (broken, r"Model .*broken\.json"),
        (tmp_path / "missing.json", r"Model .*missing\.json"),
    ):
        with pytest.raises(CommandError, match=message):
            national("match", *inputs(*folders), "--output", str(out), "--model", str(model))
        assert not out.exists()


def _pairs(folder: Path, two_regions: dict[str, Signed], *, key: str = KEY) -> Path:
    kediri = two_regions["35.71"].people["id"].to_list()
    cilegon = two_regions["36.72"].people["id"].to_list()
    pairs = pl.DataFrame(
        [("35.71", kediri[0], "36.72", cilegon[0], 0.99, 12.0)], schema=PAIR_SCHEMA, orient="row"
    )
    write_parts(
        folder,
        {"pairs": pairs},
        {
            "kind": "jaring-national-pairs",
            "regions": ["35.71", "36.72"],
            "key_fingerprint": crypto.key_fingerprint(key),
        },
    )
    return folder


def test_pairs_import_pairs_refuses(
    two_regions: dict[str, Signed], national_key: str, tmp_path: Path
) -> None:
    """Each refusal leaves the flags already there as they were."""
    national("import-pairs", str(_pairs(tmp_path / "first", two_regions)))
    before = list(CrossRegionFlag.objects.values_list("person_id", "other_region", "pairs_file"))
    assert len(before) == 2
    # Made from exports under another national key: the local ids are not this deployment's.
    other = _pairs(tmp_path / "other-key", two_regions, key=OTHER_KEY)
    with pytest.raises(CommandError, match=r"kunci nasional lain"):
        national("import-pairs", str(other))
    # A region that is not in the pairs.
    with pytest.raises(CommandError, match=r"Wilayah 35\.16 tidak ada"):
        national("import-pairs", str(_pairs(tmp_path / "third", two_regions)), "--region", "35.16")
    # A part that is not Parquet (the manifest agreeing), or not the pairs' columns.
    damaged = _pairs(tmp_path / "damaged", two_regions)
    (damaged / "pairs.parquet").write_bytes(b"PAR1 not really")
    rewrite_manifest(damaged, "pairs")
    with pytest.raises(CommandError, match=r"rusak: bukan Parquet"):
        national("import-pairs", str(damaged))
    columns = _pairs(tmp_path / "columns", two_regions)
    pl.DataFrame({"person_id": [1]}).write_parquet(columns / "pairs.parquet")
    rewrite_manifest(columns, "pairs")
    with pytest.raises(CommandError, match=r"tidak berkolom"):
        national("import-pairs", str(columns))
    # An export folder given instead of pairs.
    (export,) = synthetic_exports(tmp_path / "in", {"35.71": 5})
    with pytest.raises(CommandError, match=r"bukan hasil 'jaring national match'"):
        national("import-pairs", str(export))
    after = list(CrossRegionFlag.objects.values_list("person_id", "other_region", "pairs_file"))
    assert after == before
    # Without a national key here, the key cannot be checked: the pairs are taken as given.
    with override_settings(JARING_NATIONAL_KEY=""):
        assert national("import-pairs", str(other))["flags"] == 2
