"""Bring the shipped rule sets to their files: national-2018 as under the 2018 texts, the new
national-2026 (the default from now on), province-7day marked a demonstration variant, each with
its effective period, Party seat ranges by organisation type and voting rules per mode.

A shipped version a campaign already uses is left as it is (its campaign ran under it); the others
are loaded again from their files (0002 loaded them before these fields existed). Existing plans,
which were all elected by all registered voters before the voting mode was recorded, get that mode.
"""

from django.db import migrations

NEW_DEFAULT = ("national-2026", 1)
OLD_DEFAULT = ("national-2018", 1)


def forward(apps, schema_editor):
    from election.rulesets import shipped_files
    from election.services.rulesets import ruleset_reload_shipped

    ruleset_reload_shipped(shipped_files(), apps=apps)
    CommunityPlan = apps.get_model("election", "CommunityPlan")
    for plan in CommunityPlan.objects.filter(voting_mode="").only("pk", "voting_mode"):
        plan.voting_mode = "all_voters"
        plan.save(update_fields=["voting_mode"])


def backward(apps, schema_editor):
    RuleSet = apps.get_model("election", "RuleSet")
    StepTemplate = apps.get_model("election", "StepTemplate")
    CommunityPlan = apps.get_model("election", "CommunityPlan")
    for plan in CommunityPlan.objects.exclude(voting_mode="").only("pk", "voting_mode"):
        plan.voting_mode = ""
        plan.save(update_fields=["voting_mode"])
    code, version = NEW_DEFAULT
    new = RuleSet.objects.filter(code=code, version=version).first()
    if new is not None and not new.campaigns.exists():
        steps = StepTemplate.objects.filter(stage__rule_set=new)
        for step in steps.order_by("-stage__order", "-order"):
            step.delete()
        new.delete()
    code, version = OLD_DEFAULT
    old = RuleSet.objects.filter(code=code, version=version).first()
    if old is not None and not RuleSet.objects.filter(is_default=True).exists():
        old.is_default = True
        old.save(update_fields=["is_default"])


class Migration(migrations.Migration):
    dependencies = [
        ("election", "0006_fill_calendar"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
