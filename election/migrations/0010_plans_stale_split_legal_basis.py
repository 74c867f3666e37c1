"""Existing plans are recomputed by the new engine, and each step cites its track's law.

- Every plan is marked as computed by an older engine (`engine_version` 0): the `post_migrate`
  handler, the periodic job and the plan page recompute it (due dates, red flags, and red reasons
  that cite only the law of the community's track and say by how many days a limit was missed).
- The shipped rule sets no campaign uses are loaded again from their files, which now give
  each step's basis per track. In the versions in use, a step's legal basis that named both
  tracks in one text ("村改居社区：…；城市社区：…", or the province's two election rules in one
  phrase) is split into the city communities' basis and the village-converted communities'
  (`legal_basis_village`). A basis the office wrote otherwise is left as it is.
"""

from django.db import migrations

VILLAGE = "村改居社区："
CITY = "；城市社区："
BOTH = "省（区、市）村民委员会选举办法、居民委员会选举办法"


def split_basis(basis):
    """(city, village) of a basis naming both tracks, else (basis, "")."""
    if basis.startswith(VILLAGE) and CITY in basis:
        village, city = basis[len(VILLAGE) :].split(CITY, 1)
        return city, village
    if basis.startswith(BOTH):
        rest = basis[len(BOTH) :]
        return "省（区、市）居民委员会选举办法" + rest, "省（区、市）村民委员会选举办法" + rest
    return basis, ""


def plans_mark_stale(apps, schema_editor):
    CommunityPlan = apps.get_model("election", "CommunityPlan")
    # engine_version is derived and kept out of the history: a plain UPDATE is enough
    CommunityPlan.objects.update(engine_version=0)


def legal_basis_split(apps, schema_editor):
    StepTemplate = apps.get_model("election", "StepTemplate")
    for step in StepTemplate.objects.filter(legal_basis_village="").only("pk", "legal_basis"):
        city, village = split_basis(step.legal_basis)
        if village:
            step.legal_basis, step.legal_basis_village = city, village
            step.save(update_fields=["legal_basis", "legal_basis_village"])


def legal_basis_join(apps, schema_editor):
    StepTemplate = apps.get_model("election", "StepTemplate")
    for step in StepTemplate.objects.exclude(legal_basis_village=""):
        step.legal_basis = f"{VILLAGE}{step.legal_basis_village}{CITY}{step.legal_basis}"[:200]
        step.legal_basis_village = ""
        step.save(update_fields=["legal_basis", "legal_basis_village"])


def forward(apps, schema_editor):
    from election.rulesets import shipped_files
    from election.services.rulesets import ruleset_reload_shipped

    # unused shipped versions take both bases from their files (an earlier migration loaded
    # them before `legal_basis_village` existed); versions in use are split below
    ruleset_reload_shipped(shipped_files(), apps=apps)
    legal_basis_split(apps, schema_editor)
    plans_mark_stale(apps, schema_editor)


def backward(apps, schema_editor):
    legal_basis_join(apps, schema_editor)
    plans_mark_stale(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("election", "0009_plan_engine_version_village_basis"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
