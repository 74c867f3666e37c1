import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_fill_reportrun_token"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportrun",
            name="token",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Names the run's file on disk: random, so that the name cannot be guessed.",
                verbose_name="file token",
            ),
        ),
    ]
