"""Load the shipped rule sets (election/rulesets/*.json), among them the national default."""

from django.db import migrations


def load(apps, schema_editor):
    from election.rulesets import shipped_files
    from election.services.rulesets import ruleset_load_file

    for path in shipped_files():
        ruleset_load_file(path, apps=apps)


def unload(apps, schema_editor):
    from election.rulesets import shipped_files
    from election.services.rulesets import ruleset_file_keys

    RuleSet = apps.get_model("election", "RuleSet")
    StepTemplate = apps.get_model("election", "StepTemplate")
    for code, version in ruleset_file_keys(shipped_files()):
        rule_set = RuleSet.objects.filter(code=code, version=version).first()
        if rule_set is None or rule_set.campaigns.exists():
            continue  # a campaign runs on it: keep it
        # a step is protected while a later step counts from it: delete the later ones first
        steps = StepTemplate.objects.filter(stage__rule_set=rule_set)
        for step in steps.order_by("-stage__order", "-order"):
            step.delete()
        rule_set.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("election", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
