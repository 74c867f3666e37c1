"""Reads for the role home pages: what each kind of user does now.

Every function here reads only (it may import any app) and costs a fixed number of queries
whatever the size of the district: the district figures come from the campaign rollups and one
aggregate over the communities, and the per-community tables of a street official or a leader
are bounded by their scope (a street's forty communities, HOME_ROWS at most).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Exists, F, IntegerField, Q, Subquery, Sum
from django.utils import timezone

from accounts.models import MemberUnit, User
from audits.models import HandoverRefusal, Rectification
from audits.permissions import engagements_for_user, handovers_for_user
from communities.models import (
    Community,
    CommunityUserObjectPermission,
    DistrictUserObjectPermission,
    Street,
    StreetUserObjectPermission,
)
from communities.permissions import (
    communities_for_user,
    districts_for_user,
    streets_for_user,
)
from election.models import Campaign, Candidate, CommunityPlan, PlanStep, UnitReview, Visit
from election.permissions import can_manage_rule_sets, reviews_for_unit
from election.selectors.campaigns import assignments_own
from election.selectors.dashboard import (
    DUE_SOON_DAYS,
    CampaignHeadline,
    campaign_headlines,
)
from election.selectors.worklist import WorklistFilters, worklist_page, worklist_scope

# the kinds of home page; each role has one (a superuser and an account without a role that
# runs a district get the office's)
OFFICE = "office"
STREET = "street"
LEADER = "leader"
MEMBER_UNIT = "member_unit"
OVERSIGHT = "oversight"

_KIND_BY_ROLE: dict[str, str] = {
    User.Role.OFFICE.value: OFFICE,
    User.Role.STREET.value: STREET,
    User.Role.LEADER.value: LEADER,
    User.Role.MEMBER_UNIT.value: MEMBER_UNIT,
    User.Role.DISCIPLINE.value: OVERSIGHT,
    User.Role.SUPERVISOR.value: OVERSIGHT,
}

# the worklist's first items on a street official's home
HOME_WORKLIST_ITEMS = 5
# a member unit's queue on its home: the first reviews awaited, and its latest answers
HOME_QUEUE_ITEMS = 8
HOME_RECENT_ANSWERS = 5
# at most this many streets (a street official usually has one) and communities per table
HOME_STREETS = 5
HOME_ROWS = 50


def home_kind(user: User) -> str:
    """Which home page the user gets: by role; a superuser, or an account without a role, the
    office's (it shows what their grants reach, which may be nothing)."""
    if user.is_superuser:
        return OFFICE
    return _KIND_BY_ROLE.get(user.role, OFFICE)


def _pct(part: int, whole: int) -> int | None:
    """Whole percent, rounded down so that 100 % means everything (None: nothing to count)."""
    return None if not whole else part * 100 // whole


# --- the district: the office, discipline, supervision -------------------------------------------


@dataclass(frozen=True)
class CommunityTotals:
    """What exists today in the user's scope: one aggregate over the communities."""

    streets: int
    communities: int
    village_converted: int
    village_track: int
    difficult: int
    population: int
    voters: int


def community_totals(user: User) -> CommunityTotals:
    """Counts over the communities the user may view, and the streets they reach as a whole
    (two queries, no row per street: the campaign dashboard and the community list have those).

    The streets are counted from the street and district grants, not as the distinct streets of
    the communities: over 20,000 communities that DISTINCT doubles the aggregate's time."""
    totals = (
        communities_for_user(user)
        .with_track()
        .aggregate(
            communities=Count("pk"),
            village_converted=Count("pk", filter=Q(kind=Community.Kind.VILLAGE_CONVERTED)),
            village_track=Count("pk", filter=Q(track=Community.Track.VILLAGE)),
            difficult=Count("pk", filter=Q(is_difficult=True)),
            population=Sum("population"),
            voters=Sum("registered_voters"),
        )
    )
    return CommunityTotals(
        streets=streets_for_user(user).count(), **{k: v or 0 for k, v in totals.items()}
    )


@dataclass
class VettingFigures:
    """A running campaign's candidates by state and its joint-review feedback still awaited,
    in total and per member unit (most overdue first)."""

    by_status: dict[str, int] = field(default_factory=dict)
    reviews_awaited: int = 0
    reviews_overdue: int = 0
    units: list[dict[str, Any]] = field(default_factory=list)

    @property
    def candidates(self) -> int:
        return sum(self.by_status.values())

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def nominee(self) -> int:
        return self.count(Candidate.Status.NOMINEE)

    @property
    def under_review(self) -> int:
        return self.count(Candidate.Status.UNDER_REVIEW)

    @property
    def formal(self) -> int:
        return self.count(Candidate.Status.FORMAL)

    @property
    def disqualified(self) -> int:
        return self.count(Candidate.Status.DISQUALIFIED)

    @property
    def elected(self) -> int:
        return self.count(Candidate.Status.ELECTED)


def vetting_figures(campaign_ids: list[int], *, today: date) -> dict[int, VettingFigures]:
    """Per campaign: candidates by state and the feedback awaited and overdue per member unit.
    Two grouped queries, whatever the number of candidates."""
    figures: dict[int, VettingFigures] = {pk: VettingFigures() for pk in campaign_ids}
    if not campaign_ids:
        return figures
    rows = (
        Candidate.objects.filter(plan__campaign__in=campaign_ids)
        .values("status", campaign_id=F("plan__campaign_id"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in rows:
        figures[r["campaign_id"]].by_status[r["status"]] = r["n"]
    units = (
        UnitReview.objects.filter(
            candidate__plan__campaign__in=campaign_ids, answered_on__isnull=True
        )
        .values("unit_id", unit_name=F("unit__name"), campaign_id=F("candidate__plan__campaign_id"))
        .annotate(awaited=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("-overdue", "unit_name", "unit_id")
    )
    for r in units:
        f = figures[r["campaign_id"]]
        f.units.append({"unit": r["unit_name"], "awaited": r["awaited"], "overdue": r["overdue"]})
        f.reviews_awaited += r["awaited"]
        f.reviews_overdue += r["overdue"]
    return figures


@dataclass(frozen=True)
class DistrictHome:
    """The office's (and, read-only, discipline's and supervision's) home: the running
    campaigns' headline figures and what exists in the district."""

    campaigns: list[CampaignHeadline]
    totals: CommunityTotals
    can_manage: bool  # runs a district: the office's shortcuts
    can_manage_rule_sets: bool
    # per campaign id: its candidates and joint review (the office's home only)
    vetting: dict[int, VettingFigures] = field(default_factory=dict)

    @property
    def campaign_vetting(self) -> list[tuple[CampaignHeadline, VettingFigures]]:
        return [
            (h, self.vetting[h.campaign.pk])
            for h in self.campaigns
            if h.campaign.pk in self.vetting
        ]


def district_home(
    user: User, *, today: date | None = None, with_vetting: bool = False
) -> DistrictHome:
    """Six queries: whether the user runs a district (which also decides the rule-set link), the
    campaigns, their rollup totals and plan counts, the community aggregate and the streets;
    `with_vetting` (the office's home), two more: the campaigns' candidates and joint review."""
    can_manage = user.is_superuser or districts_for_user(user, perm="manage_campaigns").exists()
    campaigns = campaign_headlines(user)
    vetting = {}
    if with_vetting:
        vetting = vetting_figures(
            [h.campaign.pk for h in campaigns], today=today or timezone.localdate()
        )
    return DistrictHome(
        campaigns=campaigns,
        totals=community_totals(user),
        can_manage=can_manage,
        # the office of a district may manage rule sets (election.permissions); asked once
        can_manage_rule_sets=can_manage and can_manage_rule_sets(user),
        vetting=vetting,
    )


# --- a street official --------------------------------------------------------------------------


@dataclass(frozen=True)
class StepCounts:
    """A plan's steps that need attention (one grouped query for all the plans of a page)."""

    overdue: int = 0
    red: int = 0
    soon: int = 0


def step_counts(plan_ids: list[int], *, today: date) -> dict[int, StepCounts]:
    """Per plan: open steps past due, steps breaking a time limit (open or done), open steps
    due from today to DUE_SOON_DAYS ahead. One query over the plans' steps (a street's forty
    plans: about two thousand rows, whatever the district)."""
    if not plan_ids:
        return {}
    is_open = ~Q(status=PlanStep.Status.DONE)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    rows = (
        PlanStep.objects.filter(plan_id__in=plan_ids)
        .values("plan_id")
        .annotate(
            overdue=Count("pk", filter=is_open & Q(due_on__lt=today)),
            red=Count("pk", filter=Q(is_red=True)),
            soon=Count("pk", filter=is_open & Q(due_on__gte=today, due_on__lte=soon)),
        )
        .order_by()
    )
    return {
        r["plan_id"]: StepCounts(overdue=r["overdue"], red=r["red"], soon=r["soon"]) for r in rows
    }


@dataclass
class CandidateCounts:
    """A plan's candidates by state and its joint-review feedback awaited and overdue."""

    by_status: dict[str, int] = field(default_factory=dict)
    reviews_awaited: int = 0
    reviews_overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def formal(self) -> int:
        # formal candidates, and those who stood as such already (elected or not)
        return sum(
            self.by_status.get(s, 0)
            for s in (
                Candidate.Status.FORMAL,
                Candidate.Status.ELECTED,
                Candidate.Status.NOT_ELECTED,
            )
        )

    def add(self, other: "CandidateCounts") -> None:
        for status, n in other.by_status.items():
            self.by_status[status] = self.by_status.get(status, 0) + n
        self.reviews_awaited += other.reviews_awaited
        self.reviews_overdue += other.reviews_overdue

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)


def candidate_counts(plan_ids: list[int], *, today: date) -> dict[int, CandidateCounts]:
    """Per plan: candidates by state and joint-review feedback awaited and overdue (two grouped
    queries over the plans' candidates)."""
    counts: dict[int, CandidateCounts] = {}
    if not plan_ids:
        return counts
    for r in (
        Candidate.objects.filter(plan_id__in=plan_ids)
        .values("plan_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(r["plan_id"], CandidateCounts()).by_status[r["status"]] = r["n"]
    for r in (
        UnitReview.objects.filter(candidate__plan_id__in=plan_ids, answered_on__isnull=True)
        .values(plan_id=F("candidate__plan_id"))
        .annotate(awaited=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    ):
        c = counts.setdefault(r["plan_id"], CandidateCounts())
        c.reviews_awaited = r["awaited"]
        c.reviews_overdue = r["overdue"]
    return counts


@dataclass(frozen=True)
class CommunityProgress:
    """One community's row: its plan's progress and what needs attention."""

    plan: CommunityPlan
    pct_done: int | None
    counts: StepCounts
    candidates: CandidateCounts = field(default_factory=CandidateCounts)


@dataclass
class StreetCampaign:
    """A running campaign as a street official sees it: its streets' communities only."""

    campaign: Campaign
    rows: list[CommunityProgress] = field(default_factory=list)

    @property
    def steps_total(self) -> int:
        return sum(r.plan.steps_total for r in self.rows)

    @property
    def steps_done(self) -> int:
        return sum(r.plan.steps_done for r in self.rows)

    @property
    def pct_done(self) -> int | None:
        return _pct(self.steps_done, self.steps_total)

    @property
    def overdue(self) -> int:
        return sum(r.counts.overdue for r in self.rows)

    @property
    def red(self) -> int:
        return sum(r.counts.red for r in self.rows)

    @property
    def soon(self) -> int:
        return sum(r.counts.soon for r in self.rows)

    @property
    def candidates(self) -> CandidateCounts:
        """The candidates of its communities by state, and their feedback awaited and overdue."""
        total = CandidateCounts()
        for r in self.rows:
            total.add(r.candidates)
        return total


@dataclass(frozen=True)
class StreetHome:
    streets: list[Street]
    campaigns: list[StreetCampaign]
    worklist: Page[PlanStep]
    worklist_can_edit: bool


def street_home(user: User, *, today: date) -> StreetHome:
    """The streets the user edits, each running campaign's progress over their communities
    (done %, overdue, red, due within DUE_SOON_DAYS, by community), and the worklist's first
    items, and the communities' candidates by state with their feedback overdue. Nine queries:
    streets, plans, step counts, candidates, reviews, and the worklist's four."""
    streets = list(
        streets_for_user(user, perm="change_community").order_by("name", "pk")[:HOME_STREETS]
    )
    plans = list(
        CommunityPlan.objects.filter(
            community__street__in=[s.pk for s in streets],
            campaign__status=Campaign.Status.RUNNING,
        )
        .select_related("community__street", "campaign__district", "current_stage")
        .order_by("campaign__district__name", "campaign_id", "community__name", "pk")[
            : HOME_ROWS * HOME_STREETS
        ]
    )
    counts = step_counts([p.pk for p in plans], today=today)
    candidates = candidate_counts([p.pk for p in plans], today=today)
    campaigns: dict[int, StreetCampaign] = {}
    for plan in plans:
        section = campaigns.setdefault(plan.campaign_id, StreetCampaign(plan.campaign))
        section.rows.append(
            CommunityProgress(
                plan=plan,
                pct_done=_pct(plan.steps_done, plan.steps_total),
                counts=counts.get(plan.pk, StepCounts()),
                candidates=candidates.get(plan.pk, CandidateCounts()),
            )
        )
    scope = worklist_scope(user)
    page = worklist_page(
        scope, WorklistFilters(), number=None, per_page=HOME_WORKLIST_ITEMS, today=today
    )
    return StreetHome(
        streets=streets,
        campaigns=list(campaigns.values()),
        worklist=page,
        worklist_can_edit=scope.can_edit,
    )


# --- a leader -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaderRow:
    """A community the leader follows or may read: its assignment (if any) and its plan."""

    community: Community
    assignment: Any  # LeaderAssignment annotated with last_visit_on, open_follow_ups, or None
    plan: CommunityPlan | None
    pct_done: int | None
    counts: StepCounts
    candidates: int = 0  # registered in its running plan
    formal: int = 0  # of which formal candidates (or elected, or not elected)


@dataclass(frozen=True)
class LeaderHome:
    rows: list[LeaderRow]
    communities: int  # in the user's scope (the table shows at most HOME_ROWS)
    last_visit: Visit | None


def leader_home(user: User, *, today: date) -> LeaderHome:
    """The leader's assigned communities first, then the others they may read (HOME_ROWS at
    most), each with its running plan's state and candidates, and the leader's last visit. Seven
    queries."""
    assignments = {a.community_id: a for a in assignments_own(user)[:HOME_ROWS]}
    scope = communities_for_user(user)
    communities = list(
        scope.select_related("street").order_by("street__name", "name", "pk")[:HOME_ROWS]
    )
    # an assigned community is always readable; keep the assigned ones even past HOME_ROWS
    shown = {c.pk for c in communities}
    communities += [a.community for a in assignments.values() if a.community_id not in shown]
    communities.sort(key=lambda c: (c.pk not in assignments, c.street.name, c.name, c.pk))
    plans = {
        p.community_id: p
        for p in CommunityPlan.objects.filter(
            community__in=[c.pk for c in communities], campaign__status=Campaign.Status.RUNNING
        )
        .select_related("current_stage", "campaign")
        .order_by("campaign_id")
    }
    counts = step_counts([p.pk for p in plans.values()], today=today)
    formal = (
        Candidate.Status.FORMAL,
        Candidate.Status.ELECTED,
        Candidate.Status.NOT_ELECTED,
    )
    registered = {
        r["plan_id"]: r
        for r in Candidate.objects.filter(plan_id__in=[p.pk for p in plans.values()])
        .values("plan_id")
        .annotate(n=Count("pk"), formal=Count("pk", filter=Q(status__in=formal)))
        .order_by()
    }
    rows = []
    for c in communities:
        plan = plans.get(c.pk)
        cand = registered.get(plan.pk, {}) if plan else {}
        rows.append(
            LeaderRow(
                community=c,
                assignment=assignments.get(c.pk),
                plan=plan,
                pct_done=_pct(plan.steps_done, plan.steps_total) if plan else None,
                counts=counts.get(plan.pk, StepCounts()) if plan else StepCounts(),
                candidates=cand.get("n", 0),
                formal=cand.get("formal", 0),
            )
        )
    last_visit = (
        Visit.objects.filter(assignment__user=user)
        .select_related("assignment__community")
        .order_by("-visited_on", "-pk")
        .first()
    )
    return LeaderHome(rows=rows, communities=scope.count(), last_visit=last_visit)


# --- a member unit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberUnitHome:
    unit: MemberUnit | None
    communities: int  # communities the account may read through its grants (often none)
    # the unit's joint-review queue: feedback awaited (and overdue of it), answered
    awaited: int = 0
    overdue: int = 0
    answered: int = 0
    queue: list[UnitReview] = field(default_factory=list)  # the first awaited, most urgent first
    recent: list[UnitReview] = field(default_factory=list)  # its latest answers


def member_unit_home(user: User, *, today: date | None = None) -> MemberUnitHome:
    """The unit, its joint-review queue (counts, the first reviews awaited with the days they
    are overdue, the latest answers) and what the account may read. Five queries."""
    today = today or timezone.localdate()
    reviews = reviews_for_unit(user)
    queue_counts = reviews.aggregate(
        awaited=Count("pk", filter=Q(answered_on__isnull=True)),
        overdue=Count("pk", filter=Q(answered_on__isnull=True, due_on__lt=today)),
        answered=Count("pk", filter=Q(answered_on__isnull=False)),
    )
    queue = list(
        reviews.filter(answered_on__isnull=True).order_by("due_on", "pk")[:HOME_QUEUE_ITEMS]
    )
    for r in queue:
        r.overdue_days = max((today - r.due_on).days, 0)  # type: ignore[attr-defined]
    recent = list(
        reviews.filter(answered_on__isnull=False).order_by("-answered_on", "-pk")[
            :HOME_RECENT_ANSWERS
        ]
    )
    unit = (
        MemberUnit.objects.filter(pk=user.member_unit_id).first() if user.member_unit_id else None
    )
    # A member unit usually holds no grant at all. The scope rule's OR keeps PostgreSQL from
    # seeing that, so it would scan every community of every district to count none; a gate on
    # "holds any grant" (uncorrelated: evaluated once, before the scan) skips the scan then. It
    # only narrows the scope rule, which still decides every community.
    has_grant = (
        Exists(CommunityUserObjectPermission.objects.filter(user=user))
        | Exists(StreetUserObjectPermission.objects.filter(user=user))
        | Exists(DistrictUserObjectPermission.objects.filter(user=user))
    )
    communities = communities_for_user(user).filter(has_grant).count()
    return MemberUnitHome(
        unit=unit,
        communities=communities,
        awaited=queue_counts["awaited"] or 0,
        overdue=queue_counts["overdue"] or 0,
        answered=queue_counts["answered"] or 0,
        queue=queue,
        recent=recent,
    )


# --- departure audits and handovers ----------------------------------------------------------


@dataclass(frozen=True)
class AuditHome:
    """The audits and handovers in the user's scope that call for action (four queries)."""

    audits: int
    audits_open: int
    rectifications_overdue: int
    handovers_overdue: int
    refusals_unacknowledged: int
    has_overview: bool

    @property
    def any(self) -> bool:
        return bool(self.audits or self.handovers_overdue or self.refusals_unacknowledged)


class _CountOf(Subquery):
    """The number of rows of a queryset, as a scalar subquery (so that several counts share one
    query)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def audit_home(user: User, *, today: date) -> AuditHome:
    """Audits recorded and not yet posted, rectification items past their deadline, handovers
    past their due day, refusals to hand over the office has not acknowledged (one query);
    `has_overview`: the user reads whole streets, so the overview opens for them."""
    engagements = engagements_for_user(user).order_by()
    handovers = handovers_for_user(user).order_by()
    figures = (
        User.objects.filter(pk=user.pk)
        .annotate(
            audits=_CountOf(engagements.values("pk")),
            audits_open=_CountOf(engagements.exclude(state="posted").values("pk")),
            items_overdue=_CountOf(
                Rectification.objects.filter(
                    finding__engagement__in=engagements.values("pk"),
                    closed_on__isnull=True,
                    deadline__lt=today,
                ).values("pk")
            ),
            handovers_overdue=_CountOf(
                handovers.filter(completed_on__isnull=True, due_on__lt=today).values("pk")
            ),
            refusals=_CountOf(
                HandoverRefusal.objects.filter(
                    handover__in=handovers.values("pk"), acknowledged_at__isnull=True
                ).values("pk")
            ),
        )
        .values("audits", "audits_open", "items_overdue", "handovers_overdue", "refusals")
        .get()
    )
    return AuditHome(
        audits=figures["audits"],
        audits_open=figures["audits_open"],
        rectifications_overdue=figures["items_overdue"],
        handovers_overdue=figures["handovers_overdue"],
        refusals_unacknowledged=figures["refusals"],
        has_overview=user.role != User.Role.LEADER,
    )
