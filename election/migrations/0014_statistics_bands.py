"""Give every rule set the default statistics bands (age and education), which the office then
edits in the admin; rule sets loaded later get them from the loader."""

from django.db import migrations

DEFAULT_BANDS = [
    {"kind": "education", "order": 1, "label": "高中及以上", "min_value": 3, "max_value": None},
    {"kind": "education", "order": 2, "label": "大专及以上", "min_value": 4, "max_value": None},
    {"kind": "education", "order": 3, "label": "本科及以上", "min_value": 5, "max_value": None},
    {"kind": "age", "order": 1, "label": "35岁及以下", "min_value": None, "max_value": 35},
    {"kind": "age", "order": 2, "label": "60岁及以上", "min_value": 60, "max_value": None},
]


def add_bands(apps, schema_editor):
    RuleSet = apps.get_model("election", "RuleSet")
    StatisticsBand = apps.get_model("election", "StatisticsBand")
    for rule_set in RuleSet.objects.exclude(statistics_bands__isnull=False):
        StatisticsBand.objects.bulk_create(
            StatisticsBand(rule_set=rule_set, **band) for band in DEFAULT_BANDS
        )


class Migration(migrations.Migration):
    dependencies = [("election", "0013_candidates_results")]

    operations = [migrations.RunPython(add_bands, migrations.RunPython.noop)]
