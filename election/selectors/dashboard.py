"""The district dashboard of a campaign, its click-through lists, and the root page's campaign
section: read from the rollups, snapshots and plan counters, never the steps row by row.

A street official reads the same dashboard over its own streets only (`DashboardScope`): every
figure is counted again over those streets' rollups and plans, and nothing of another street
(the district's daily snapshots included) is shown.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import User
from communities.models import Community, Street
from communities.permissions import OutOfScope, streets_for_user
from core.http import id_parse

from ..models import (
    Campaign,
    CampaignSnapshot,
    CommunityPlan,
    PlanStage,
    PlanStep,
    StageTemplate,
    StreetStageRollup,
)
from ..permissions import campaigns_for_user

# --- dashboard ------------------------------------------------------------------------------------
# The district dashboard reads only the rollups (StreetStageRollup), the daily snapshots
# (CampaignSnapshot) and the plans' counters, never the steps: a fixed number of queries whatever
# the number of communities, and a bounded page (at most DASHBOARD_TOP_STREETS streets, or one
# page of DASHBOARD_STREETS_PER_PAGE). See election/services/rollups.py for the definitions.

DASHBOARD_TOP_STREETS = 15
DASHBOARD_STREETS_PER_PAGE = 50
DASHBOARD_SNAPSHOT_DAYS = 60
DASHBOARD_LIST_PAGE_SIZE = 50

STEP_FLAGS = ("", "open", "done", "overdue", "red", "soon")
# "soon": open steps due from today to this many days ahead (the worklist's "due soon")
DUE_SOON_DAYS = 7
PLAN_FLAGS = ("plans", "current", "completed")


def _pct(part: int, whole: int) -> int | None:
    """Whole percent, rounded down so that 100 % means everything (None: nothing to count)."""
    return None if not whole else part * 100 // whole


def _query(**params: object) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@dataclass(frozen=True)
class DashboardScope:
    """Which part of a campaign's district a reader sees: all of it (`street_ids` None), or the
    streets on which they hold a street-level grant (a street official)."""

    street_ids: tuple[int, ...] | None = None
    street_names: tuple[str, ...] = ()

    @property
    def is_district(self) -> bool:
        return self.street_ids is None

    def streets_filter(self, lookup: str) -> Q:
        """A filter on `lookup` (a street id path) that keeps the scope's streets."""
        return Q() if self.street_ids is None else Q(**{f"{lookup}__in": self.street_ids})


DISTRICT_SCOPE = DashboardScope()


def access_dashboard(user: User, pk: int, *, perm: str) -> tuple[Campaign, DashboardScope]:
    """The campaign and the part of it the user may read on its dashboard, or Http404.

    A `perm` grant on the campaign's district (the office, discipline, supervision) reads the
    whole district in one query. Otherwise a grant on whole streets of that district (on the
    street itself; a community grant is not enough) reads those streets only: two more queries.
    Anyone else gets the 404 that an unknown campaign gets.
    """
    campaign = campaigns_for_user(user, perm=perm).filter(pk=pk).first()
    if campaign is not None:
        return campaign, DISTRICT_SCOPE
    streets = list(
        streets_for_user(user, perm=perm)
        .filter(district__campaigns__pk=pk)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    if not streets:
        raise OutOfScope
    campaign = Campaign.objects.select_related("district", "rule_set").get(pk=pk)
    return campaign, DashboardScope(
        street_ids=tuple(pk for pk, _name in streets),
        street_names=tuple(name for _pk, name in streets),
    )


@dataclass(frozen=True)
class DashboardStage:
    pk: int
    title: str
    steps_total: int
    steps_done: int
    steps_red: int
    steps_overdue: int
    plans_total: int
    plans_completed: int
    plans_current: int
    pct_done: int | None
    current_query: str
    completed_query: str


@dataclass(frozen=True)
class DashboardCell:
    steps_total: int
    pct_done: int | None
    steps_overdue: int
    steps_red: int
    all_query: str
    overdue_query: str
    red_query: str


@dataclass(frozen=True)
class DashboardStreet:
    pk: int
    name: str
    steps_total: int
    steps_done: int
    steps_overdue: int
    steps_red: int
    pct_done: int | None
    query: str
    cells: list[DashboardCell]


@dataclass(frozen=True)
class Dashboard:
    campaign: Campaign
    as_of: date | None  # the oldest day the rollups were counted for; None: never counted
    is_stale: bool
    communities: int
    plans: int
    plans_finished: int  # plans with every step done
    steps_total: int
    steps_done: int
    steps_red: int
    steps_overdue: int
    pct_done: int | None
    stages: list[DashboardStage]
    streets: list[DashboardStreet]
    street_page: Page[Any] | None  # the "all streets" view; None: the top streets only
    steps_url: str
    charts: dict[str, Any]
    scope: DashboardScope = DISTRICT_SCOPE


def _street_rows(
    campaign: Campaign,
    *,
    all_streets: bool,
    page_number: str | int | None,
    scope: DashboardScope,
) -> tuple[list[dict[str, Any]], Page[Any] | None]:
    """The streets to show, most overdue steps first: the top ones, or one page of all."""
    order = (
        StreetStageRollup.objects.filter(campaign=campaign)
        .filter(scope.streets_filter("street_id"))
        .values("street_id", "street__name")
        .annotate(
            overdue=Sum("steps_overdue"),
            total=Sum("steps_total"),
            done=Sum("steps_done"),
            red=Sum("steps_red"),
        )
        .order_by("-overdue", "street__name", "street_id")
    )
    if not all_streets:
        return list(order[:DASHBOARD_TOP_STREETS]), None
    page = Paginator(order, DASHBOARD_STREETS_PER_PAGE).get_page(page_number)
    return list(page.object_list), page


def dashboard_get(
    campaign: Campaign,
    *,
    today: date,
    all_streets: bool = False,
    page_number: str | int | None = None,
    scope: DashboardScope = DISTRICT_SCOPE,
) -> Dashboard:
    """Everything the district dashboard shows, in eight queries (nine for all streets).

    Headline figures, the stages (progress, plans at and past each), the street-by-stage matrix
    for the streets with the most overdue steps (or one page of all streets) with each cell's
    numbers and click-through query strings already made, and the charts' data for json_script.
    `is_stale` says the rollups were counted before `today` (no worker ran the daily job).
    With a street `scope`, every figure counts those streets only, and the overdue history
    (the district's daily snapshots, not kept per street) is left empty: one query fewer.
    """
    in_streets = scope.streets_filter("street_id")
    plan_in_streets = scope.streets_filter("community__street_id")
    steps_url = reverse("election:dashboard-steps", args=[campaign.pk])
    stage_templates = list(
        StageTemplate.objects.filter(rule_set_id=campaign.rule_set_id)
        .order_by("order")
        .values_list("pk", "title")
    )
    per_stage = {
        r["stage_id"]: r
        for r in StreetStageRollup.objects.filter(campaign=campaign)
        .filter(in_streets)
        .values("stage_id")
        .annotate(
            total=Sum("steps_total"),
            done=Sum("steps_done"),
            red=Sum("steps_red"),
            overdue=Sum("steps_overdue"),
            plans=Sum("plans_total"),
            completed=Sum("plans_stage_done"),
            as_of=Min("as_of"),
        )
        .order_by()
    }
    current: dict[int | None, int] = dict(
        CommunityPlan.objects.filter(campaign=campaign)
        .filter(plan_in_streets)
        .values("current_stage_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("current_stage_id", "n")
    )
    communities = (
        Community.objects.filter(street__district_id=campaign.district_id)
        .filter(in_streets)
        .count()
    )
    empty: dict[str, Any] = {}
    stages = []
    for pk, title in stage_templates:
        r = per_stage.get(pk, empty)
        stages.append(
            DashboardStage(
                pk=pk,
                title=title,
                steps_total=r.get("total") or 0,
                steps_done=r.get("done") or 0,
                steps_red=r.get("red") or 0,
                steps_overdue=r.get("overdue") or 0,
                plans_total=r.get("plans") or 0,
                plans_completed=r.get("completed") or 0,
                plans_current=current.get(pk, 0),
                pct_done=_pct(r.get("done") or 0, r.get("total") or 0),
                current_query=_query(stage=pk, flag="current"),
                completed_query=_query(stage=pk, flag="completed"),
            )
        )
    as_of = min((r["as_of"] for r in per_stage.values()), default=None)
    totals = {
        key: sum(r[key] or 0 for r in per_stage.values())
        for key in ("total", "done", "red", "overdue")
    }

    street_rows, street_page = _street_rows(
        campaign, all_streets=all_streets, page_number=page_number, scope=scope
    )
    cells_by_street: dict[int, dict[int, StreetStageRollup]] = {}
    for rollup in StreetStageRollup.objects.filter(
        campaign=campaign, street_id__in=[r["street_id"] for r in street_rows]
    ).only("street_id", "stage_id", "steps_total", "steps_done", "steps_red", "steps_overdue"):
        cells_by_street.setdefault(rollup.street_id, {})[rollup.stage_id] = rollup
    streets = []
    for r in street_rows:
        street_id = r["street_id"]
        cells = []
        for stage_id, _title in stage_templates:
            c = cells_by_street.get(street_id, {}).get(stage_id)
            total, done = (c.steps_total, c.steps_done) if c else (0, 0)
            cells.append(
                DashboardCell(
                    steps_total=total,
                    pct_done=_pct(done, total),
                    steps_overdue=c.steps_overdue if c else 0,
                    steps_red=c.steps_red if c else 0,
                    all_query=_query(street=street_id, stage=stage_id),
                    overdue_query=_query(street=street_id, stage=stage_id, flag="overdue"),
                    red_query=_query(street=street_id, stage=stage_id, flag="red"),
                )
            )
        streets.append(
            DashboardStreet(
                pk=street_id,
                name=r["street__name"],
                steps_total=r["total"] or 0,
                steps_done=r["done"] or 0,
                steps_overdue=r["overdue"] or 0,
                steps_red=r["red"] or 0,
                pct_done=_pct(r["done"] or 0, r["total"] or 0),
                query=_query(street=street_id),
                cells=cells,
            )
        )
    snapshots: list[tuple[date, int, int]] = []
    if scope.is_district:
        snapshots = list(
            CampaignSnapshot.objects.filter(
                campaign=campaign, on__gte=today - timedelta(days=DASHBOARD_SNAPSHOT_DAYS)
            )
            .order_by("on")
            .values_list("on", "steps_overdue", "steps_red")
        )
    return Dashboard(
        campaign=campaign,
        as_of=as_of,
        is_stale=as_of is None or as_of < today,
        communities=communities,
        plans=sum(current.values()),
        plans_finished=current.get(None, 0),
        steps_total=totals["total"],
        steps_done=totals["done"],
        steps_red=totals["red"],
        steps_overdue=totals["overdue"],
        pct_done=_pct(totals["done"], totals["total"]),
        stages=stages,
        streets=streets,
        street_page=street_page,
        steps_url=steps_url,
        charts=_dashboard_charts(stages, streets, snapshots, steps_url=steps_url),
        scope=scope,
    )


def _dashboard_charts(
    stages: list[DashboardStage],
    streets: list[DashboardStreet],
    snapshots: list[tuple[date, int, int]],
    *,
    steps_url: str,
) -> dict[str, Any]:
    """The charts' data and labels for `json_script` (static/js/dashboard.js draws them)."""
    return {
        "labels": {
            "pct_done": gettext("Steps done (%)"),
            "completed": gettext("Communities that completed the stage"),
            "overdue": gettext("Overdue steps"),
            "red": gettext("Steps breaking a time limit"),
        },
        "streets": [
            {"name": s.name, "value": s.pct_done or 0, "url": f"{steps_url}?{s.query}"}
            for s in streets
        ],
        "funnel": [
            {
                "name": s.title,
                "value": s.plans_completed,
                "url": f"{steps_url}?{s.completed_query}",
            }
            for s in stages
        ],
        "overdue": {
            "dates": [on.isoformat() for on, _overdue, _red in snapshots],
            "overdue": [overdue for _on, overdue, _red in snapshots],
            "red": [red for _on, _overdue, red in snapshots],
        },
    }


# --- dashboard: the click-through lists -----------------------------------------------------------


@dataclass(frozen=True)
class DashboardListFilters:
    street: int | None = None
    stage: int | None = None
    flag: str = ""
    community: int | None = None

    @property
    def is_plan_list(self) -> bool:
        return self.flag in PLAN_FLAGS


def dashboard_list_filters(params: Mapping[str, str]) -> DashboardListFilters:
    """Read ?street=&stage=&flag= leniently: an unknown value is ignored, not an error."""

    def as_int(name: str) -> int | None:
        return id_parse(params.get(name))

    flag = params.get("flag", "")
    if flag not in STEP_FLAGS + PLAN_FLAGS:
        flag = ""
    return DashboardListFilters(
        street=as_int("street"), stage=as_int("stage"), flag=flag, community=as_int("community")
    )


@dataclass(frozen=True)
class DashboardListContext:
    street: Street | None
    stage: StageTemplate | None
    community: Community | None = None
    scope: DashboardScope = DISTRICT_SCOPE


def dashboard_list_context(
    campaign: Campaign,
    filters: DashboardListFilters,
    scope: DashboardScope = DISTRICT_SCOPE,
) -> DashboardListContext:
    """The street, stage and community named by the filters, if they belong to the campaign and
    the scope (three queries at most); a foreign id is treated as absent."""
    street = (
        Street.objects.filter(pk=filters.street, district_id=campaign.district_id)
        .filter(scope.streets_filter("pk"))
        .first()
        if filters.street
        else None
    )
    community = (
        Community.objects.filter(pk=filters.community, street__district_id=campaign.district_id)
        .filter(scope.streets_filter("street_id"))
        .first()
        if filters.community
        else None
    )
    stage = (
        StageTemplate.objects.filter(pk=filters.stage, rule_set_id=campaign.rule_set_id).first()
        if filters.stage
        else None
    )
    return DashboardListContext(street=street, stage=stage, community=community, scope=scope)


def dashboard_steps(
    campaign: Campaign,
    filters: DashboardListFilters,
    *,
    today: date,
    scope: DashboardScope = DISTRICT_SCOPE,
) -> QuerySet[PlanStep]:
    """The campaign's steps behind a dashboard number: of the scope's streets, of a street, a
    community and/or a stage, all or only the open, done, overdue, red or due-soon ones (same
    definitions as the rollups). Most overdue first."""
    steps = PlanStep.objects.filter(plan__campaign=campaign).filter(
        scope.streets_filter("plan__community__street_id")
    )
    if filters.street:
        steps = steps.filter(plan__community__street_id=filters.street)
    if filters.community:
        steps = steps.filter(plan__community_id=filters.community)
    if filters.stage:
        steps = steps.filter(stage__template_id=filters.stage)
    done = Q(status=PlanStep.Status.DONE)
    if filters.flag == "open":
        steps = steps.exclude(done)
    elif filters.flag == "done":
        steps = steps.filter(done)
    elif filters.flag == "overdue":
        steps = steps.exclude(done).filter(due_on__lt=today)
    elif filters.flag == "red":
        steps = steps.filter(is_red=True)
    elif filters.flag == "soon":
        soon = today + timedelta(days=DUE_SOON_DAYS)
        steps = steps.exclude(done).filter(due_on__gte=today, due_on__lte=soon)
    return steps.select_related(
        "template", "stage__template", "plan__community__street", "plan__campaign"
    ).order_by(F("due_on").asc(nulls_last=True), "plan__community__name", "plan_id", "order")


def dashboard_plans(
    campaign: Campaign,
    filters: DashboardListFilters,
    scope: DashboardScope = DISTRICT_SCOPE,
) -> QuerySet[CommunityPlan]:
    """The campaign's plans behind a dashboard number: all (of the scope, of a street), those
    whose current stage is the stage (no stage: those with every step done), or those that
    completed it."""
    plans = CommunityPlan.objects.filter(campaign=campaign).filter(
        scope.streets_filter("community__street_id")
    )
    if filters.street:
        plans = plans.filter(community__street_id=filters.street)
    if filters.community:
        plans = plans.filter(community_id=filters.community)
    if filters.flag == "current":
        plans = plans.filter(current_stage_id=filters.stage)  # None: finished plans
    elif filters.flag == "completed" and filters.stage:
        open_steps = PlanStep.objects.filter(stage=OuterRef("pk")).exclude(
            status=PlanStep.Status.DONE
        )
        completed = PlanStage.objects.filter(plan=OuterRef("pk"), template_id=filters.stage).filter(
            Q(is_closed=True) | ~Exists(open_steps)
        )
        plans = plans.filter(Exists(completed))
    return plans.select_related("community__street", "current_stage", "campaign").order_by(
        "community__street__name", "community__name", "pk"
    )


# --- dashboard: the root page's campaign section --------------------------------------------------

HOME_CAMPAIGNS = 5


@dataclass(frozen=True)
class CampaignHeadline:
    campaign: Campaign
    plans: int
    steps_total: int
    steps_done: int
    steps_red: int
    steps_overdue: int
    pct_done: int | None
    as_of: date | None


def campaign_headlines(user: User) -> list[CampaignHeadline]:
    """The running campaigns whose district dashboard the user may read (a district-level view
    grant), with their headline figures from the rollups: three queries, whatever the data."""
    campaigns = list(
        campaigns_for_user(user, perm="view_community")
        .filter(status=Campaign.Status.RUNNING)
        .order_by("district__name", "pk")[:HOME_CAMPAIGNS]
    )
    if not campaigns:
        return []
    ids = [c.pk for c in campaigns]
    totals = {
        r["campaign_id"]: r
        for r in StreetStageRollup.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(
            total=Sum("steps_total"),
            done=Sum("steps_done"),
            red=Sum("steps_red"),
            overdue=Sum("steps_overdue"),
            as_of=Min("as_of"),
        )
        .order_by()
    }
    plans = dict(
        CommunityPlan.objects.filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("campaign_id", "n")
    )
    headlines = []
    for c in campaigns:
        t = totals.get(c.pk, {})
        headlines.append(
            CampaignHeadline(
                campaign=c,
                plans=plans.get(c.pk, 0),
                steps_total=t.get("total") or 0,
                steps_done=t.get("done") or 0,
                steps_red=t.get("red") or 0,
                steps_overdue=t.get("overdue") or 0,
                pct_done=_pct(t.get("done") or 0, t.get("total") or 0),
                as_of=t.get("as_of"),
            )
        )
    return headlines
