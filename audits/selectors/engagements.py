"""Reads of audit firms and engagements, each in a constant number of queries."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from communities.models import Street
from communities.permissions import communities_for_user
from election.models import CommitteeMember, CommunityPlan
from election.permissions import plans_for_user

from ..models import AuditFirm, AuditSubject, Engagement, Posting
from ..permissions import audit_districts, engagements_for_user
from .overview import posting_late

# the postings filter: results posted later than the rule set allows, or not posted by election
# day (as the overview counts them)
POSTING_FILTERS = ("late", "missing")


@dataclass
class EngagementFilters:
    street: int | None = None
    state: str = ""
    kind: str = ""
    firm: int | None = None
    posting: str = ""

    def as_query(self) -> str:
        from urllib.parse import urlencode

        params = {k: v for k, v in vars(self).items() if v not in (None, "")}
        return urlencode(params)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def engagement_filters(query: Any) -> EngagementFilters:
    """The list's filters from a query string; unknown values are ignored."""
    state = query.get("state", "")
    kind = query.get("kind", "")
    posting = query.get("posting", "")
    return EngagementFilters(
        street=_int(query.get("street")),
        state=state if state in Engagement.State.values else "",
        kind=kind if kind in Engagement.Kind.values else "",
        firm=_int(query.get("firm")),
        posting=posting if posting in POSTING_FILTERS else "",
    )


def engagement_rows(
    user: User, filters: EngagementFilters, *, today: date | None = None
) -> QuerySet[Engagement]:
    """The user's engagements, filtered, with their number of audited officials. The postings
    filter: "late", a posting went up later than the rule set's lead time before election day
    allows; "missing", election day (on or before `today`) has come without a posting."""
    rows = engagements_for_user(user).select_related("plan__community__street", "firm")
    if filters.posting == "late":
        late = Posting.objects.filter(posting_late(), engagement_id=OuterRef("pk"))
        rows = rows.filter(Exists(late))
    elif filters.posting == "missing":
        rows = rows.filter(
            ~Exists(Posting.objects.filter(engagement_id=OuterRef("pk"))),
            plan__election_on__lte=today or timezone.localdate(),
        )
    if filters.street:
        rows = rows.filter(plan__community__street_id=filters.street)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.firm:
        rows = rows.filter(firm_id=filters.firm)
    return rows.annotate(subjects_count=Count("subjects")).order_by(
        "plan__community__street__name", "plan__community__name", "kind", "pk"
    )


def engagement_streets(user: User) -> QuerySet[Street]:
    """Streets the user's engagements may be filtered by."""
    return Street.objects.filter(
        pk__in=communities_for_user(user, perm="view_community").values("street_id")
    ).order_by("name")


def engagement_firms(user: User) -> QuerySet[AuditFirm]:
    """Firms engaged in the user's scope (the filter's choices)."""
    return AuditFirm.objects.filter(pk__in=engagements_for_user(user).values("firm_id")).order_by(
        "name"
    )


def engagement_subjects(engagement: Engagement) -> list[AuditSubject]:
    return list(engagement.subjects.order_by("pk"))


def subject_suggestions(engagement: Engagement) -> list[dict[str, Any]]:
    """The outgoing officials of the engagement's community not yet listed: the committees'
    current members (or those the campaign replaced), the director and secretary first."""
    plan = engagement.plan
    members = (
        CommitteeMember.objects.filter(committee__community_id=plan.community_id)
        .filter(
            Q(ended_in_id=plan.campaign_id)
            | (
                Q(ended_on__isnull=True)
                & (Q(elected_in__isnull=True) | ~Q(elected_in_id=plan.campaign_id))
            )
        )
        .order_by("committee__kind", "pk")
    )
    listed = {(s.name, s.post) for s in engagement.subjects.all()}
    order = ["secretary", "director", "deputy_secretary", "deputy_director", "member"]
    rows: list[dict[str, Any]] = []
    for m in members:
        post = str(m.get_post_display())
        if (m.name, post) in listed:
            continue
        rows.append(
            {
                "name": m.name,
                "post": post,
                "started_on": m.started_on,
                "ended_on": m.ended_on,
                "rank": order.index(m.post) if m.post in order else len(order),
            }
        )
    rows.sort(key=lambda r: int(r["rank"] or 0))
    return rows


def plan_engagements(plan: CommunityPlan) -> list[Engagement]:
    return list(Engagement.objects.filter(plan=plan).select_related("firm").order_by("kind", "pk"))


def firm_rows(user: User) -> QuerySet[AuditFirm]:
    return (
        AuditFirm.objects.filter(district__in=audit_districts(user).values("pk"))
        .annotate(engagements_count=Count("engagements"))
        .order_by("-is_active", "name")
    )


def engage_plans(campaign_id: int, street_ids: list[int], community_ids: list[int]) -> Any:
    """The campaign's plans in the chosen streets or communities."""
    return CommunityPlan.objects.filter(campaign_id=campaign_id).filter(
        Q(community__street_id__in=street_ids) | Q(community_id__in=community_ids)
    )


def can_edit_plan(user: User, plan_id: int) -> bool:
    return plans_for_user(user, perm="change_community").filter(pk=plan_id).exists()


def plan_audits_part(plan: CommunityPlan, user: User) -> Any:
    """The plan page's card of the community's audits (one query)."""
    from django.utils.translation import gettext

    from election.selectors.plan_parts import PlanPagePart

    return PlanPagePart(
        title=gettext("Departure audits"),
        template="audits/engagements/_plan_part.html",
        context={"engagements": plan_engagements(plan)},
    )
