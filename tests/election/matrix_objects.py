"""Objects the election URL matrix points at, made from the matrix's `world` on demand.

A running campaign of `world.district` under a tiny rule set of its own (so the matrix does not
depend on the shipped rule sets), `world.community`'s plan in it, and a file of each kind.
"""

from datetime import date, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from election.models import (
    Campaign,
    CommunityPlan,
    Evidence,
    PlanStage,
    PlanStep,
    PublicNotice,
    RuleSet,
    StageTemplate,
    StepTemplate,
)
from election.services.plans import campaign_start

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def running_campaign(world: Any) -> Campaign:
    campaign = Campaign.objects.filter(
        district=world.district, status=Campaign.Status.RUNNING
    ).first()
    if campaign is not None:
        return campaign
    rules, _ = RuleSet.objects.get_or_create(code="matrix", version=1, defaults={"name": "Matrix"})
    stage, _ = StageTemplate.objects.get_or_create(
        rule_set=rules, order=1, code="voters", defaults={"title": "Voters"}
    )
    StepTemplate.objects.get_or_create(
        stage=stage,
        code="voter-list",
        defaults={"order": 1, "title": "Voter list posted", "offset_days": -20},
    )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=world.district,
        rule_set=rules,
        name="Matrix campaign",
        starts_on=today,
        election_on=today + timedelta(days=60),
        party_election_on=today + timedelta(days=40),
    )
    campaign_start(campaign=campaign, by=world.users["admin_user"])
    return campaign


def plan(world: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=running_campaign(world), community=world.community)


def step(world: Any) -> PlanStep:
    return PlanStep.objects.filter(plan=plan(world)).order_by("order").first()


def stage(world: Any) -> PlanStage:
    return PlanStage.objects.filter(plan=plan(world)).order_by("order").first()


def plan_pk(world: Any) -> dict[str, Any]:
    return {"pk": plan(world).pk}


def step_pk(world: Any) -> dict[str, Any]:
    return {"pk": step(world).pk}


def stage_pk(world: Any) -> dict[str, Any]:
    return {"pk": stage(world).pk}


def closed_stage_pk(world: Any) -> dict[str, Any]:
    closed = stage(world)
    closed.is_closed = True
    closed.save(update_fields=["is_closed"])
    return {"pk": closed.pk}


def evidence_pk(world: Any) -> dict[str, Any]:
    evidence = Evidence(
        step=step(world),
        original_name="minutes.jpg",
        content_type="image/jpeg",
        size=len(JPEG),
        uploaded_by=world.users["street_official"],
    )
    evidence.file.save("minutes.jpg", ContentFile(JPEG), save=True)
    return {"pk": evidence.pk}


def notice_pk(world: Any) -> dict[str, Any]:
    notice = PublicNotice(
        step=step(world),
        title="Voter list",
        place="Notice board",
        posted_on=date(2026, 1, 5),
        created_by=world.users["street_official"],
    )
    notice.photo.save("board.jpg", ContentFile(JPEG), save=True)
    return {"pk": notice.pk}


def objection_pk(world: Any) -> dict[str, Any]:
    from election.models import VoterObjection

    objection = VoterObjection.objects.create(
        plan=plan(world),
        received_on=timezone.localdate() - timedelta(days=1),
        raised_by="Resident of block 3",
        created_by=world.users["street_official"],
    )
    return {"pk": objection.pk}
