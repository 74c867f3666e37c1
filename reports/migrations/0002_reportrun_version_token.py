from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reportrun",
            options={
                "ordering": ["-iso_year", "-iso_week", "district", "street", "kind", "-version"],
                "verbose_name": "report run",
                "verbose_name_plural": "report runs",
            },
        ),
        migrations.RemoveConstraint(
            model_name="reportrun",
            name="one_district_report_per_week_and_kind",
        ),
        migrations.RemoveConstraint(
            model_name="reportrun",
            name="one_street_report_per_week_and_kind",
        ),
        # the existing runs are the first version of their week
        migrations.AddField(
            model_name="reportrun",
            name="version",
            field=models.PositiveSmallIntegerField(
                default=1,
                help_text="1 for the first rendering of the week, then 2, 3…",
                verbose_name="version",
            ),
        ),
        # nullable first: each existing run gets its own token in 0003
        migrations.AddField(
            model_name="reportrun",
            name="token",
            field=models.UUIDField(
                editable=False,
                null=True,
                help_text="Names the run's file on disk: random, so that the name cannot be guessed.",
                verbose_name="file token",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("street__isnull", True)),
                fields=("district", "iso_year", "iso_week", "kind", "version"),
                name="one_district_report_per_week_kind_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("street__isnull", False)),
                fields=("district", "street", "iso_year", "iso_week", "kind", "version"),
                name="one_street_report_per_week_kind_version",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("version__gte", 1)), name="report_run_version_positive"
            ),
        ),
    ]
