from django.db import migrations


def count_lapses(apps, schema_editor):
    """Members who lapsed before the tally existed get counted once (a migration of its own:
    on SQLite the table's indexes are only made at the end of the migration that creates it)."""
    Enrolment = apps.get_model("finance", "Enrolment")
    if Enrolment.objects.using(schema_editor.connection.alias).exists():
        from jaring.core.tallies import tally_rebuild
        from jaring.finance.models import Enrolment as CurrentEnrolment
        from jaring.finance.models import LapseTally
        from jaring.finance.tallies import lapse_rows_of_enrolments

        tally_rebuild(LapseTally, [lapse_rows_of_enrolments(CurrentEnrolment.objects.all())])


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0004_lapse_tally"),
    ]

    operations = [
        migrations.RunPython(count_lapses, migrations.RunPython.noop),
    ]
