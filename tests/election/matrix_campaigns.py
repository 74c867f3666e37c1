"""Objects the permission matrix's campaign, survey, seat and assignment cases point at.

Each helper builds what it needs for the matrix's `world` once (kept in `world.extra`): a running
campaign of `world.district` under a tiny rule set, the plan of `world.community`, and an
assignment of the leader to `world.community`.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from election.models import (
    Campaign,
    CommunityPlan,
    LeaderAssignment,
    RuleSet,
    SeatRule,
    StageTemplate,
    StepTemplate,
)
from election.services.assignments import assignment_create
from election.services.plans import campaign_start
from tests.url_matrix import World


def tiny_rules() -> RuleSet:
    rules, created = RuleSet.objects.get_or_create(
        code="matrix-campaigns", version=1, defaults={"name": "Matrix rules"}
    )
    if created:
        stage = StageTemplate.objects.create(rule_set=rules, order=1, code="vote", title="Vote")
        StepTemplate.objects.create(stage=stage, order=1, code="vote", title="Vote")
        SeatRule.objects.create(rule_set=rules, body="residents", min_seats=5, max_seats=9)
        SeatRule.objects.create(rule_set=rules, body="party", min_seats=3, max_seats=9)
    return rules


def running_campaign(world: World) -> Campaign:
    if "campaigns:campaign" not in world.extra:
        today = timezone.localdate()
        created = Campaign.objects.create(
            district=world.district,
            rule_set=tiny_rules(),
            name="Matrix campaign",
            starts_on=today - timedelta(days=10),
            party_election_on=today + timedelta(days=10),
            election_on=today + timedelta(days=20),
        )
        campaign_start(campaign=created, by=world.users["admin_user"])
        world.extra["campaigns:campaign"] = created
    campaign: Campaign = world.extra["campaigns:campaign"]
    return campaign


def community_plan(world: World) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=running_campaign(world), community=world.community)


def leader_assignment(world: World) -> LeaderAssignment:
    if "campaigns:assignment" not in world.extra:
        world.extra["campaigns:assignment"] = assignment_create(
            community=world.community,
            user=world.users["leader"],
            kind=LeaderAssignment.Kind.LEADER,
            by=world.users["office"],
        )
    assignment: LeaderAssignment = world.extra["campaigns:assignment"]
    return assignment


def campaign_pk(world: World) -> dict[str, Any]:
    return {"pk": running_campaign(world).pk}


def plan_pk(world: World) -> dict[str, Any]:
    return {"pk": community_plan(world).pk}


def assignment_pk(world: World) -> dict[str, Any]:
    return {"pk": leader_assignment(world).pk}


def assignment_data(world: World) -> dict[str, Any]:
    return {
        "street": world.community.street_id,
        "community": world.community.pk,
        "user": world.users["leader"].pk,
        "kind": LeaderAssignment.Kind.LEADER,
    }


def assignment_ended_only_by_the_office(world: World, role: str, response: Any) -> None:
    assignment = LeaderAssignment.objects.get(pk=leader_assignment(world).pk)
    if role in ("office", "admin_user"):
        assert not assignment.is_active
        # the reason typed on the confirmation page is the history's reason
        assert assignment.history.latest().history_change_reason == "Moved to another post"
    else:
        assert assignment.is_active


def campaign_edit_data(world: World) -> dict[str, Any]:
    campaign = running_campaign(world)
    return {
        "rule_set": campaign.rule_set_id,
        "name": "Matrix campaign (edited)",
        "starts_on": campaign.starts_on.isoformat(),
        "party_election_on": campaign.party_election_on.isoformat(),
        "election_on": campaign.election_on.isoformat(),
        "reason": f"edited by {world.users['office'].username}",
    }


def campaign_edited_only_by_the_office(world: World, role: str, response: Any) -> None:
    campaign = running_campaign(world)
    user = world.users[role]
    edits = campaign.history.filter(history_change_reason__startswith="edited by")
    if role in ("office", "admin_user"):
        assert edits.filter(history_user=user).exists()
        assert Campaign.objects.get(pk=campaign.pk).name == "Matrix campaign (edited)"
    elif user is not None:
        assert not edits.filter(history_user=user).exists()
    else:
        assert not edits.filter(history_user__isnull=True).exists()
