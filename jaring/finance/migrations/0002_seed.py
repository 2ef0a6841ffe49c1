"""The national registration-file template (issue 16's default columns) and the holidays of
``jaring/finance/data/holidays.csv`` (see its README)."""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

DEFAULT_COLUMNS = (
    ("nik", "NIK"),
    ("name", "NAMA"),
    ("birth_place", "TEMPAT LAHIR"),
    ("birth_date", "TANGGAL LAHIR"),
    ("sex", "JENIS KELAMIN"),
    ("address", "ALAMAT"),
    ("region_code", "KODE WILAYAH"),
    ("phone", "NO HP"),
    ("occupation", "PEKERJAAN"),
    ("benefits", "PROGRAM"),
    ("period", "PERIODE"),
    ("funder", "SUMBER DANA"),
    ("wadah", "JENIS WADAH"),
    ("sk_number", "NOMOR SK"),
)
HOLIDAYS = Path(__file__).resolve().parent.parent / "data" / "holidays.csv"


def seed(apps, schema_editor):
    Template = apps.get_model("finance", "RegistrationTemplate")
    Column = apps.get_model("finance", "RegistrationColumn")
    Holiday = apps.get_model("finance", "Holiday")
    template, _ = Template.objects.get_or_create(
        name="Pendaftaran kolektif BPU (bawaan)", region=None
    )
    if not Column.objects.filter(template=template).exists():
        Column.objects.bulk_create(
            Column(template=template, position=i, field=field, heading=heading)
            for i, (field, heading) in enumerate(DEFAULT_COLUMNS, start=1)
        )
    with HOLIDAYS.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Holiday.objects.get_or_create(
                day=date.fromisoformat(row["date"]),
                region=None,
                defaults={"name": row["name"], "kind": row["kind"]},
            )


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
