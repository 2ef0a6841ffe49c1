from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0003_bpjs_and_paid_tallies"),
        ("programmes", "0002_membership_tally"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(fields=["programme", "paid_mask"], name="enrolment_programme_mask"),
        ),
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
    ]
