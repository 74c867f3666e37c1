"""Access to campaigns, plans and their parts. Every helper asks the scope rule in
`communities.permissions`; out-of-scope objects are a 404 (OutOfScope)."""

from django.db.models import Q, QuerySet

from accounts.models import User
from communities.models import Community
from communities.permissions import OutOfScope, communities_for_user, districts_for_user

from .models import (
    Campaign,
    Candidate,
    CommunityPlan,
    ElectionResult,
    Evidence,
    LeaderAssignment,
    NegativeList,
    PlanStage,
    PlanStep,
    PublicNotice,
    RuleSet,
    SeatRule,
    StepTemplate,
    UnitReview,
    VoterObjection,
)


def plans_for_user(user: User, *, perm: str = "view_community") -> QuerySet[CommunityPlan]:
    """Plans of the communities the user may `perm` (one query, the scope as a subquery)."""
    return CommunityPlan.objects.filter(
        community__in=communities_for_user(user, perm=perm).values("pk")
    ).select_related("community__street", "campaign")


def campaigns_for_user(user: User, *, perm: str = "manage_campaigns") -> QuerySet[Campaign]:
    """Campaigns of the districts on which the user holds `perm` directly."""
    return Campaign.objects.filter(
        district__in=districts_for_user(user, perm=perm).values("pk")
    ).select_related("district", "rule_set", "negative_list")


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


# --- rule sets: the office (manage_campaigns on a district) and superusers --------------------

RULE_SET_PERM = "manage_campaigns"


def can_manage_rule_sets(user: User) -> bool:
    """Whether the user may view, clone and edit rule sets (for showing links).

    The office of any district may; so may a superuser, even before any district exists."""
    if user.is_active and user.is_superuser:
        return True
    return districts_for_user(user, perm=RULE_SET_PERM).exists()


def access_rule_sets(user: User) -> QuerySet[RuleSet]:
    """All rule sets, or Http404 for a user who may not manage them."""
    if not can_manage_rule_sets(user):
        raise OutOfScope
    return RuleSet.objects.all()


def access_rule_set(user: User, pk: int) -> RuleSet:
    rule_set = access_rule_sets(user).filter(pk=pk).first()
    if rule_set is None:
        raise OutOfScope
    return rule_set


def access_negative_list(user: User, pk: int) -> NegativeList:
    """A negative list, for the users who may manage rule sets (the office); else Http404."""
    access_rule_sets(user)
    negative_list = NegativeList.objects.filter(pk=pk).first()
    if negative_list is None:
        raise OutOfScope
    return negative_list


def access_step_template(user: User, pk: int) -> StepTemplate:
    access_rule_sets(user)
    step = StepTemplate.objects.select_related("stage__rule_set").filter(pk=pk).first()
    if step is None:
        raise OutOfScope
    return step


def access_seat_rule(user: User, pk: int) -> SeatRule:
    access_rule_sets(user)
    seat_rule = SeatRule.objects.select_related("rule_set").filter(pk=pk).first()
    if seat_rule is None:
        raise OutOfScope
    return seat_rule


# --- evidence, notices, assignments ----------------------------------------------------------


def access_evidence(user: User, pk: int) -> Evidence:
    """An evidence file of a plan the user may see, or Http404 (one query)."""
    evidence = (
        Evidence.objects.filter(pk=pk, step__plan__in=plans_for_user(user).values("pk"))
        .select_related("step")
        .first()
    )
    if evidence is None:
        raise OutOfScope
    return evidence


def access_objection(user: User, pk: int, *, perm: str = "view_community") -> VoterObjection:
    """An objection to the voter list of a plan the user may `perm`, or Http404 (one query)."""
    objection = (
        VoterObjection.objects.filter(pk=pk, plan__in=plans_for_user(user, perm=perm).values("pk"))
        .select_related("plan__community")
        .first()
    )
    if objection is None:
        raise OutOfScope
    return objection


def access_notice(user: User, pk: int) -> PublicNotice:
    """A public notice of a plan the user may see, or Http404 (one query)."""
    notice = PublicNotice.objects.filter(
        pk=pk, step__plan__in=plans_for_user(user).values("pk")
    ).first()
    if notice is None:
        raise OutOfScope
    return notice


def access_assignment_to_manage(user: User, pk: int) -> LeaderAssignment:
    """An assignment in a district the user runs, or Http404."""
    assignment = (
        LeaderAssignment.objects.filter(
            pk=pk,
            community__in=_communities_managed(user).values("pk"),
        )
        .select_related("community__street", "user")
        .first()
    )
    if assignment is None:
        raise OutOfScope
    return assignment


def access_assignment_for_visits(user: User, pk: int) -> LeaderAssignment:
    """An assignment whose visits the user may record: their own active one, or any in a
    district they run. Anything else is a 404."""
    assignment = (
        LeaderAssignment.objects.filter(pk=pk)
        .filter(
            Q(user=user, is_active=True) | Q(community__in=_communities_managed(user).values("pk"))
        )
        .select_related("community__street", "user")
        .first()
    )
    if assignment is None:
        raise OutOfScope
    return assignment


def _communities_managed(user: User) -> QuerySet[Community]:
    return communities_for_user(user, perm="manage_campaigns")


def access_plan_to_manage(user: User, pk: int) -> CommunityPlan:
    """A plan of a campaign the user runs (the district office): postponing an election is the
    office's decision, not the street's. Another district's plan does not exist (404)."""
    plan = (
        CommunityPlan.objects.filter(
            pk=pk, campaign__in=campaigns_for_user(user, perm="manage_campaigns").values("pk")
        )
        .select_related("community__street", "campaign__rule_set")
        .first()
    )
    if plan is None:
        raise OutOfScope
    return plan


# --- candidates, joint review and results -------------------------------------------------------
#
# Who sees a candidate: whoever may see its community (the office, the street's officials, a
# leader assigned to it, the district's discipline and supervision officers); a member unit sees
# only the nominees sent to it for joint review, through its own queue. Another street's, another
# unit's candidate is a 404.


def candidates_for_user(user: User, *, perm: str = "view_community") -> QuerySet[Candidate]:
    """Candidates the user may `perm`: of communities in scope, or (a member-unit user, reading)
    those with a review for the user's unit. One query, the scope as a subquery."""
    scope = Q(plan__community__in=communities_for_user(user, perm=perm).values("pk"))
    if perm == "view_community" and user.is_authenticated and user.member_unit_id:
        reviewed = UnitReview.objects.filter(unit_id=user.member_unit_id).values("candidate")
        scope |= Q(pk__in=reviewed)
    return Candidate.objects.filter(scope).select_related(
        "plan__community__street", "plan__campaign"
    )


def access_candidate(user: User, pk: int, *, perm: str = "view_community") -> Candidate:
    candidate = candidates_for_user(user, perm=perm).filter(pk=pk).first()
    if candidate is None:
        raise OutOfScope
    return candidate


def reviews_for_unit(user: User) -> QuerySet[UnitReview]:
    """The joint-review queue of the user's member unit (empty for anyone else)."""
    if not user.is_authenticated or not user.member_unit_id:
        return UnitReview.objects.none()
    return UnitReview.objects.filter(unit_id=user.member_unit_id).select_related(
        "candidate__plan__community__street", "unit"
    )


def access_unit_review(user: User, pk: int) -> UnitReview:
    """A review of the user's own member unit, to answer; any other is a 404."""
    review = reviews_for_unit(user).filter(pk=pk).first()
    if review is None:
        raise OutOfScope
    return review


def access_result(user: User, pk: int, *, perm: str = "view_community") -> ElectionResult:
    result = (
        ElectionResult.objects.filter(pk=pk, plan__in=plans_for_user(user, perm=perm).values("pk"))
        .select_related("plan__community__street", "plan__campaign__rule_set")
        .first()
    )
    if result is None:
        raise OutOfScope
    return result
