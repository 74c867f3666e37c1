"""Access to campaigns, plans and their parts. Every helper asks the scope rule in
`communities.permissions`; out-of-scope objects are a 404 (OutOfScope)."""

from django.db.models import QuerySet

from accounts.models import User
from communities.permissions import OutOfScope, communities_for_user, districts_for_user

from .models import Campaign, CommunityPlan, PlanStage, PlanStep


def plans_for_user(user: User, *, perm: str = "view_community") -> QuerySet[CommunityPlan]:
    """Plans of the communities the user may `perm` (one query, the scope as a subquery)."""
    return CommunityPlan.objects.filter(
        community__in=communities_for_user(user, perm=perm).values("pk")
    ).select_related("community__street", "campaign")


def campaigns_for_user(user: User, *, perm: str = "manage_campaigns") -> QuerySet[Campaign]:
    """Campaigns of the districts on which the user holds `perm` directly."""
    return Campaign.objects.filter(
        district__in=districts_for_user(user, perm=perm).values("pk")
    ).select_related("district", "rule_set")


def access_campaign(user: User, pk: int, *, perm: str = "manage_campaigns") -> Campaign:
    campaign = campaigns_for_user(user, perm=perm).filter(pk=pk).first()
    if campaign is None:
        raise OutOfScope
    return campaign


def access_plan(user: User, pk: int, *, perm: str = "view_community") -> CommunityPlan:
    plan = plans_for_user(user, perm=perm).filter(pk=pk).first()
    if plan is None:
        raise OutOfScope
    return plan


def access_stage(user: User, pk: int, *, perm: str = "change_community") -> PlanStage:
    stage = (
        PlanStage.objects.filter(pk=pk, plan__in=plans_for_user(user, perm=perm).values("pk"))
        .select_related("plan__community", "template")
        .first()
    )
    if stage is None:
        raise OutOfScope
    return stage


def access_step(user: User, pk: int, *, perm: str = "view_community") -> PlanStep:
    step = (
        PlanStep.objects.filter(pk=pk, plan__in=plans_for_user(user, perm=perm).values("pk"))
        .select_related("plan__community__street", "plan__campaign", "stage__template", "template")
        .first()
    )
    if step is None:
        raise OutOfScope
    return step
