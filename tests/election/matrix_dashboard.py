"""A campaign for the URL matrix's dashboard entries (`election:dashboard`, `dashboard-steps`)."""

from datetime import date
from typing import Any

from election.models import Campaign, RuleSet, StageTemplate, StepTemplate
from tests.url_matrix import World


def dashboard_campaign(world: World) -> dict[str, Any]:
    """URL kwargs of a draft campaign of `world.district` under a one-step rule set (made once)."""
    rules, created = RuleSet.objects.get_or_create(
        code="matrix-dashboard", version=1, defaults={"name": "Matrix rules"}
    )
    if created:
        stage = StageTemplate.objects.create(rule_set=rules, order=1, code="vote", title="Vote")
        StepTemplate.objects.create(stage=stage, order=1, code="vote", title="Vote")
    campaign, _created = Campaign.objects.get_or_create(
        district=world.district,
        name="Matrix campaign",
        defaults={
            "rule_set": rules,
            "starts_on": date(2026, 11, 1),
            "election_on": date(2026, 12, 20),
            "party_election_on": date(2026, 12, 6),
        },
    )
    return {"pk": campaign.pk}
