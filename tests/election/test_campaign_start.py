from datetime import timedelta
from typing import Any

from communities.models import Community
from election.models import Campaign, CommunityPlan, PlanStep
from election.services.plans import campaign_start
from tests.election.conftest import START, E
from tests.factories import CommunityFactory


def test_start_creates_one_plan_per_community_with_due_dates(
    campaign: Campaign, community: Any, other_community: Any, admin_user: Any
) -> None:
    created = campaign_start(campaign=campaign, by=admin_user)
    campaign.refresh_from_db()
    assert created == 2
    assert campaign.status == Campaign.Status.RUNNING
    plan = CommunityPlan.objects.get(campaign=campaign, community=community)
    steps = {s.template.code: s for s in plan.steps.select_related("template")}
    # a city community follows the residents' rules: the village-only step is not in its plan
    assert "village-audit" not in steps
    assert steps["forums"].due_on == START + timedelta(days=14)
    assert steps["voter-list"].due_on == E - timedelta(days=20)
    # the ruling counts from the objection, which is not done yet: from its due date (E - 15)
    assert steps["ruling"].due_on == E - timedelta(days=12)
    assert plan.steps_total == len(steps)
    assert plan.history.first().history_change_reason == "campaign started"


def test_village_track_community_gets_the_village_steps(
    campaign: Campaign, street: Any, admin_user: Any
) -> None:
    village = CommunityFactory(street=street, kind=Community.Kind.VILLAGE_CONVERTED)
    campaign_start(campaign=campaign, by=admin_user)
    codes = set(
        PlanStep.objects.filter(plan__community=village).values_list("template__code", flat=True)
    )
    assert "village-audit" in codes


def test_starting_twice_creates_nothing_twice(running_campaign: Campaign, admin_user: Any) -> None:
    plans, steps = CommunityPlan.objects.count(), PlanStep.objects.count()
    assert campaign_start(campaign=running_campaign, by=admin_user) == 0
    assert (CommunityPlan.objects.count(), PlanStep.objects.count()) == (plans, steps)


def test_second_start_adds_plans_for_new_communities_only(
    running_campaign: Campaign, street: Any, admin_user: Any
) -> None:
    CommunityFactory(street=street)
    assert campaign_start(campaign=running_campaign, by=admin_user) == 1
