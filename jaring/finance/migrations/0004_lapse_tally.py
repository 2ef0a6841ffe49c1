from django.db import migrations, models


def count_lapses(apps, schema_editor):
    """Members who lapsed before the tally existed get counted once."""
    Enrolment = apps.get_model("finance", "Enrolment")
    if Enrolment.objects.using(schema_editor.connection.alias).exists():
        from jaring.core.tallies import tally_rebuild
        from jaring.finance.models import Enrolment as CurrentEnrolment
        from jaring.finance.models import LapseTally
        from jaring.finance.tallies import lapse_rows_of_enrolments

        tally_rebuild(LapseTally, [lapse_rows_of_enrolments(CurrentEnrolment.objects.all())])


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0003_bpjs_and_paid_tallies"),
        ("programmes", "0002_membership_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="LapseTally",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region", models.CharField(max_length=13)),
                ("parent", models.CharField(blank=True, max_length=13, null=True)),
                ("level", models.PositiveSmallIntegerField()),
                ("month", models.PositiveIntegerField()),
                ("dim", models.CharField(max_length=16)),
                ("value", models.CharField(blank=True, max_length=40)),
                ("n", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "lapsed members tally",
                "verbose_name_plural": "lapsed members tallies",
                "indexes": [models.Index(fields=["parent", "dim", "month"], name="lapse_tally_children")],
                "constraints": [models.UniqueConstraint(fields=("region", "dim", "month", "value"), name="lapse_tally_key")],
            },
        ),
        migrations.RunPython(count_lapses, migrations.RunPython.noop),
    ]
