"""Campaign pages, the survey and seat summaries, and assignments (views/campaigns.py)."""

from dataclasses import dataclass
from statistics import median
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from communities.models import Committee, Community
from communities.permissions import districts_for_user
from core.history import reason_label

from ..models import (
    Campaign,
    CommunityPlan,
    LeaderAssignment,
    SeatPlan,
    SeatRule,
    SurveyLedger,
)
from ..permissions import campaigns_for_user
from ..services.seats import seat_rule_for
from .terms import households_norm_problem

# --- campaigns ------------------------------------------------------------------------------------


# A community whose residents per planned seat exceed this multiple of the district median is
# listed first on the seat summary: the seed report's concern is large communities left with few
# seats. It is a reading aid for the office, not a legal limit (the legal seat ranges are data, in
# the rule set's SeatRule rows), so it is a constant rather than a rule-set field.
FAR_ABOVE_MEDIAN_FACTOR = 1.5


def campaign_list_for_user(user: User) -> QuerySet[Campaign]:
    """Campaigns of the districts the user runs, with their number of plans (one query)."""
    return (
        campaigns_for_user(user)
        .annotate(plans_count=Count("plans"))
        .order_by("district__name", "-starts_on", "-pk")
    )


def campaign_overview(campaign: Campaign) -> dict[str, int]:
    """Counts for the campaign's page: plans, plans with a red flag, plans with every step done,
    communities of the district and those still without a plan, active assignments (3 queries)."""
    plans = CommunityPlan.objects.filter(campaign=campaign).aggregate(
        plans=Count("pk"),
        red=Count("pk", filter=Q(steps_red__gt=0)),
        finished=Count("pk", filter=Q(steps_total__gt=0, steps_done=F("steps_total"))),
        one_shoulder=Count("pk", filter=Q(planned_one_shoulder=True)),
    )
    has_plan = Exists(CommunityPlan.objects.filter(campaign=campaign, community=OuterRef("pk")))
    communities = Community.objects.filter(street__district_id=campaign.district_id).aggregate(
        total=Count("pk"), without_plan=Count("pk", filter=~Q(has_plan))
    )
    assignments = LeaderAssignment.objects.filter(
        community__street__district_id=campaign.district_id, is_active=True
    ).count()
    return {
        **plans,
        "communities": communities["total"],
        "without_plan": communities["without_plan"],
        "assignments": assignments,
    }


SURVEY_SUMS = [
    "forums_held",
    "households_visited",
    "questionnaires_issued",
    "questionnaires_returned",
    "problems_found",
    "problems_resolved",
]


def survey_summary(campaign: Campaign) -> dict[str, Any]:
    """The survey counts of a campaign per street and for the district, and its difficult
    communities with their reason (three queries, whatever the size of the district)."""
    ledgers = SurveyLedger.objects.filter(plan__campaign=campaign)
    metrics: dict[str, Any] = {f: Coalesce(Sum(f), 0) for f in SURVEY_SUMS}
    metrics["plans"] = Count("pk")
    metrics["difficult"] = Count("pk", filter=Q(plan__community__is_difficult=True))
    per_street = list(
        ledgers.values(
            street_id=F("plan__community__street_id"),
            street_name=F("plan__community__street__name"),
        )
        .annotate(**metrics)
        .order_by("street_name")
    )
    totals = ledgers.aggregate(**metrics)
    difficult = list(
        CommunityPlan.objects.filter(campaign=campaign, community__is_difficult=True)
        .select_related("community__street", "survey")
        .order_by("community__street__name", "community__name")
    )
    return {"per_street": per_street, "totals": totals, "difficult": difficult}


@dataclass
class SeatRow:
    plan_id: int
    community_id: int
    community: str
    street: str
    population: int | None
    party_seats: int
    committee_seats: int
    women: int
    one_shoulder: bool
    cross_appointments: int
    households: int | None = None
    track: str = ""
    per_seat: float | None = None
    is_far_above: bool = False
    household_problem: str = ""

    @property
    def seats(self) -> int:
        return self.party_seats + self.committee_seats


def seats_summary(campaign: Campaign) -> dict[str, Any]:
    """Planned seats per community, residents per planned seat, the district median, and the
    communities far above it first (FAR_ABOVE_MEDIAN_FACTOR); counts of planned 一肩挑 and
    交叉任职; each residents'-track community outside the rule set's household norm. One query;
    the median is computed here over its rows."""
    party = Q(seat_plans__body=SeatRule.Body.PARTY)
    values = (
        CommunityPlan.objects.filter(campaign=campaign)
        .annotate(
            party_seats=Coalesce(Sum("seat_plans__planned_seats", filter=party), 0),
            committee_seats=Coalesce(Sum("seat_plans__planned_seats", filter=~party), 0),
            women=Coalesce(Sum("seat_plans__planned_women"), 0),
            track=Case(
                When(~Q(community__track_override=""), then=F("community__track_override")),
                When(
                    community__kind=Community.Kind.VILLAGE_CONVERTED,
                    community__is_reform_finished=False,
                    then=Value(Community.Track.VILLAGE),
                ),
                default=Value(Community.Track.RESIDENTS),
                output_field=CharField(),
            ),
        )
        .values_list(
            "pk",
            "community_id",
            "community__name",
            "community__street__name",
            "community__population",
            "party_seats",
            "committee_seats",
            "women",
            "planned_one_shoulder",
            "planned_cross_appointments",
            "community__households",
            "track",
        )
    )
    rows = [SeatRow(*v) for v in values]
    rule_set = campaign.rule_set
    for row in rows:
        row.household_problem = households_norm_problem(row.households, row.track, rule_set)
    for row in rows:
        if row.population and row.seats:
            row.per_seat = row.population / row.seats
    figures = [r.per_seat for r in rows if r.per_seat is not None]
    district_median = median(figures) if figures else None
    if district_median:
        for row in rows:
            row.is_far_above = (row.per_seat or 0) > FAR_ABOVE_MEDIAN_FACTOR * district_median
    rows.sort(key=lambda r: (not r.is_far_above, -(r.per_seat or 0), r.street, r.community))
    return {
        "rows": rows,
        "median": district_median,
        "factor": FAR_ABOVE_MEDIAN_FACTOR,
        "far_above": sum(1 for r in rows if r.is_far_above),
        "one_shoulder": sum(1 for r in rows if r.one_shoulder),
        "cross_plans": sum(1 for r in rows if r.cross_appointments),
        "cross_total": sum(r.cross_appointments for r in rows),
        "seats_total": sum(r.seats for r in rows),
        "outside_norm": sum(1 for r in rows if r.household_problem),
    }


def seat_plans_with_rules(plan: CommunityPlan) -> list[tuple[Any, Any]]:
    """The plan's seat plans (party first), each with its rule in the campaign's rule set (for
    the Party's, the rule of the community's Party organisation type)."""
    rules = list(SeatRule.objects.filter(rule_set_id=plan.campaign.rule_set_id))
    party_type = (
        Committee.objects.filter(community_id=plan.community_id, kind=Committee.Kind.PARTY)
        .values_list("party_type", flat=True)
        .first()
        or ""
    )
    seat_plans = sorted(
        SeatPlan.objects.filter(plan=plan), key=lambda s: (s.body != SeatRule.Body.PARTY, s.body)
    )
    return [(s, seat_rule_for(rules, body=s.body, party_type=party_type)) for s in seat_plans]


def history_entries(rows: list[Any], fields: list[str]) -> list[dict[str, Any]]:
    """Rows of one object's history, newest first, each with the fields it changed."""
    entries = []
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        changes = []
        for f in fields:
            old = getattr(older, f) if older is not None else None
            new = getattr(newer, f)
            if older is None or old != new:
                verbose = newer.instance_type._meta.get_field(f).verbose_name
                changes.append((str(verbose), old, new))
        entries.append(
            {
                "at": newer.history_date,
                "user": newer.history_user,
                "reason": reason_label(newer.history_change_reason),
                "changes": changes,
            }
        )
    return entries


def survey_history(ledger: Any, *, limit: int = 50) -> list[dict[str, Any]]:
    """The survey ledger's changes, newest first (one query)."""
    rows = list(ledger.history.select_related("history_user").order_by("-history_date")[:limit])
    return history_entries(rows, SURVEY_SUMS)


def _assignments_annotated(qs: QuerySet[Any]) -> QuerySet[Any]:
    open_follow_up = Q(visits__follow_up_done_on__isnull=True) & ~Q(visits__follow_up="")
    annotated: QuerySet[Any] = (
        qs.select_related("community__street", "user")
        .annotate(
            last_visit_on=Max("visits__visited_on"),
            visits_count=Count("visits"),
            open_follow_ups=Count("visits", filter=open_follow_up),
        )
        .order_by("community__street__name", "community__name", "user__username")
    )
    return annotated


def assignments_managed(user: User) -> QuerySet[Any]:
    """Every assignment (active and ended) in the districts the user runs (one query)."""
    districts = districts_for_user(user, perm="manage_campaigns").values("pk")
    return _assignments_annotated(
        LeaderAssignment.objects.filter(community__street__district__in=districts)
    ).order_by("-is_active", "community__street__name", "community__name", "user__username")


def assignments_own(user: User) -> QuerySet[Any]:
    """The user's own active assignments: the communities they follow (one query)."""
    return _assignments_annotated(LeaderAssignment.objects.filter(user=user, is_active=True))


def assignment_visits(assignment: Any) -> list[Any]:
    """The assignment's visits, newest first (one query)."""
    return list(assignment.visits.select_related("created_by").order_by("-visited_on", "-pk"))
