import uuid

from django.db import migrations


def tokens_fill(apps, schema_editor):
    # one random token per run (a column default would give every existing run the same one);
    # the files of finished runs keep the paths stored in their ReportFile
    ReportRun = apps.get_model("reports", "ReportRun")
    runs = list(ReportRun.objects.filter(token__isnull=True).only("pk"))
    for run in runs:
        run.token = uuid.uuid4()
    ReportRun.objects.bulk_update(runs, ["token"], batch_size=1000)


def tokens_clear(apps, schema_editor):
    apps.get_model("reports", "ReportRun").objects.update(token=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_reportrun_version_token"),
    ]

    operations = [migrations.RunPython(tokens_fill, reverse_code=tokens_clear)]
