"""Real lists through the whole pipeline (issue 12): the CLI, the database, the pages."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from jaring.registry.models import ImportRow, Person

pytestmark = pytest.mark.django_db

BANDAR_LOR = "35.71.01.1001"  # Kota Kediri, kecamatan Mojoroto


def _cli_import(path: Path, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", str(path), *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _write(tmp_path: Path, text: str, name: str = "daftar.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _nik(i: int, kecamatan: str = "357101", born: str = "170880") -> str:
    return f"{kecamatan}{born}{i:04d}"


def test_an_income_column_is_kept_as_information_and_rejects_nobody(tmp_path: Path) -> None:
    amounts = [500_000, 750_000, 1_000_000, 1_250_000, 1_750_000]
    lines = ["NIK;Nama;Tgl Lahir;JK;Kelurahan;Penghasilan"]
    lines += [
        f"{_nik(i + 1)};Warga {i};17-08-1980;L;Bandar Lor;{a:,}".replace(",", ".")
        for i, a in enumerate(amounts)
    ]
    summary = _cli_import(_write(tmp_path, "\n".join(lines) + "\n"), "--region", "35.71")
    assert summary["rejected"] == 0
    assert summary["created"] == 5
    people = Person.objects.order_by("name")
    assert list(people.values_list("declared_income", flat=True)) == amounts
    assert set(people.values_list("income_basis", flat=True)) == {1_000_000}
    assert not [c for c in summary["problems"] if c.startswith("INCOME")]
    # A later list with another income updates the information, audited like any change.
    lines[1] = lines[1].replace("500.000", "650.000")
    again = _cli_import(
        _write(tmp_path, "\n".join(lines[:2]) + "\n", "lagi.csv"), "--region", "35.71"
    )
    assert again["updated"] == 1
    assert Person.objects.get(name="Warga 0").declared_income == 650_000
    assert ImportRow.objects.get(batch_id=again["batch"]).declared_income == 650_000
