"""Reads for the election pages: querysets scoped through `election.permissions`, with what each
page shows joined or counted in SQL, so a page's query count does not grow with the data."""

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, overload
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import User
from communities.models import Community, Street

from .models import (
    Campaign,
    CampaignSnapshot,
    CommunityPlan,
    Evidence,
    PlanStage,
    PlanStep,
    PublicNotice,
    StageTemplate,
    StreetStageRollup,
)
from .permissions import campaigns_for_user, plans_for_user

# --- plans ----------------------------------------------------------------------------------------

# open steps due within this many days count as "due soon" on the worklist
DUE_SOON_DAYS = 7


def plans_for_community(user: User, community: Community) -> list[CommunityPlan]:
    """The community's plans the user may see, newest campaign first (one query)."""
    return list(
        plans_for_user(user).filter(community=community).order_by("-campaign__starts_on", "-pk")
    )


def plan_can_edit(user: User, plan: CommunityPlan) -> bool:
    """Whether the user may change the plan (for showing its buttons; one query)."""
    return plans_for_user(user, perm="change_community").filter(pk=plan.pk).exists()


def _count_of(model: type[Evidence] | type[PublicNotice]) -> Coalesce:
    rows = (
        model.objects.filter(step=OuterRef("pk"))
        .order_by()
        .values("step")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def steps_for_rows(steps: QuerySet[PlanStep], *, today: date) -> QuerySet[PlanStep]:
    """Steps with what a step row shows: template, stage, community, the overdue flag
    (`is_overdue`: not done and due before `today`) and the counts of evidence and notices."""
    return steps.select_related("template", "stage__template", "plan__community__street").annotate(
        is_overdue=ExpressionWrapper(
            Q(due_on__lt=today) & ~Q(status=PlanStep.Status.DONE), output_field=BooleanField()
        ),
        evidence_count=_count_of(Evidence),
        notice_count=_count_of(PublicNotice),
    )


def step_row(step: PlanStep, *, today: date) -> PlanStep:
    """One step, fetched again with what its row shows (after a save)."""
    return steps_for_rows(PlanStep.objects.filter(pk=step.pk), today=today).get()


@dataclass
class StageSection:
    """A stage of a plan and its steps, in order."""

    stage: PlanStage
    steps: list[PlanStep] = field(default_factory=list)


def plan_sections(plan: CommunityPlan, *, today: date) -> list[StageSection]:
    """The plan's stages in order, each with its steps (two queries)."""
    sections = {
        s.pk: StageSection(s)
        for s in PlanStage.objects.filter(plan=plan).select_related("template").order_by("order")
    }
    steps = steps_for_rows(PlanStep.objects.filter(plan=plan), today=today).order_by("order")
    for step in steps:
        sections[step.stage_id].steps.append(step)
    return list(sections.values())


def step_files(step: PlanStep) -> tuple[list[Evidence], list[PublicNotice]]:
    """The step's evidence files and public notices, oldest first (two queries)."""
    evidence = list(Evidence.objects.filter(step=step).select_related("uploaded_by"))
    notices = list(PublicNotice.objects.filter(step=step).order_by("posted_on", "pk"))
    return evidence, notices


# --- the worklist ---------------------------------------------------------------------------------


class Urgency:
    """The worklist's order: rule broken, then overdue, then due soon, then the rest."""

    RED = 0
    OVERDUE = 1
    DUE_SOON = 2
    LATER = 3


@dataclass(frozen=True)
class WorklistFilters:
    community: str = ""
    stage: int | None = None
    flag: str = ""  # "", "red", "overdue" or "late" (red or overdue)


@dataclass
class WorklistScope:
    plans: QuerySet[CommunityPlan]
    can_edit: bool
    # the plans' ids when there are few (a street's), so the steps query names them literally
    plan_ids: list[int] | None
    stages: QuerySet[StageTemplate]


def worklist_scope(user: User) -> WorklistScope:
    """The plans of running campaigns on the user's worklist, whether they may edit them, and
    the stages those plans have (for the filter).

    The plans are those the user may change (a street official's street, the office's
    district); a user who may change none (a leader) gets those they may view, read-only. One
    query decides which; the rest are lazy querysets.
    """
    running = Q(campaign__status=Campaign.Status.RUNNING)
    plans = plans_for_user(user, perm="change_community").filter(running)
    plan_ids = _few_ids(plans)
    can_edit = plan_ids != []
    if not can_edit:
        plans = plans_for_user(user).filter(running)
        plan_ids = _few_ids(plans)
    stages = StageTemplate.objects.filter(
        Exists(
            CommunityPlan.objects.filter(
                campaign__rule_set=OuterRef("rule_set"), pk__in=plans.values("pk")
            )
        )
    ).order_by("rule_set", "order")
    return WorklistScope(plans=plans, can_edit=can_edit, plan_ids=plan_ids, stages=stages)


# Up to this many plans, the worklist names them in its steps query: PostgreSQL cannot estimate
# how few plans the scope rule's subquery leaves, and over a million steps it would sort every
# open step of the district before keeping a street's (about 1 s instead of a few ms).
WORKLIST_LITERAL_PLANS = 2000


def _few_ids(plans: QuerySet[CommunityPlan]) -> list[int] | None:
    """The plans' ids if there are at most WORKLIST_LITERAL_PLANS of them, else None (one query)."""
    ids = list(plans.order_by().values_list("pk", flat=True)[: WORKLIST_LITERAL_PLANS + 1])
    return ids if len(ids) <= WORKLIST_LITERAL_PLANS else None


def _open_steps(
    scope: WorklistScope, filters: WorklistFilters, *, today: date
) -> QuerySet[PlanStep]:
    """The open steps of the scope's plans that pass the filters, unordered."""
    plans = scope.plans.values("pk") if scope.plan_ids is None else scope.plan_ids
    steps = PlanStep.objects.filter(plan__in=plans).exclude(status=PlanStep.Status.DONE)
    if filters.community:
        steps = steps.filter(plan__community__name__icontains=filters.community)
    if filters.stage:
        steps = steps.filter(stage__template_id=filters.stage)
    if filters.flag == "red":
        steps = steps.filter(is_red=True)
    elif filters.flag == "overdue":
        steps = steps.filter(due_on__lt=today)
    elif filters.flag == "late":
        steps = steps.filter(Q(is_red=True) | Q(due_on__lt=today))
    return steps.order_by()


def _urgency(today: date) -> Case:
    return Case(
        When(is_red=True, then=Value(Urgency.RED)),
        When(due_on__lt=today, then=Value(Urgency.OVERDUE)),
        When(due_on__lte=today + timedelta(days=DUE_SOON_DAYS), then=Value(Urgency.DUE_SOON)),
        default=Value(Urgency.LATER),
        output_field=IntegerField(),
    )


# The worklist's order without the urgency CASE: red steps first, then the others by due date,
# undated last. For a step that is not red, the urgency only grows with its due date (overdue,
# due soon, later, undated), so this is the same order, and its first keys are plain columns.
WORKLIST_ORDER = (
    F("is_red").desc(),
    F("due_on").asc(nulls_last=True),
    "plan__community__name",
    "plan_id",
    "order",
)


@dataclass(frozen=True)
class _Group:
    """The open steps that share a place in the order up to the community: red or not, due on."""

    is_red: bool
    due_on: date | None
    count: int

    @property
    def key(self) -> tuple[bool, bool, date]:
        return (not self.is_red, self.due_on is None, self.due_on or date.min)


def _from_group(group: _Group) -> Q:
    """The steps at or after `group` in the order (a range on is_red and due_on)."""
    on_or_after = Q(due_on__isnull=True)
    if group.due_on is not None:
        on_or_after |= Q(due_on__gte=group.due_on)
    if group.is_red:
        return Q(is_red=False) | (Q(is_red=True) & on_or_after)
    return Q(is_red=False) & on_or_after


def _to_group(group: _Group) -> Q:
    """The steps at or before `group` in the order."""
    on_or_before = Q() if group.due_on is None else Q(due_on__lte=group.due_on)
    if group.is_red:
        return Q(is_red=True) & on_or_before
    return Q(is_red=True) | (Q(is_red=False) & on_or_before)


class WorklistSteps:
    """The worklist's open steps in order, as a sequence that Paginator pages through.

    The steps are counted by group (red or not, and due date: a few dozen groups), and a page's
    query keeps only the groups that the page spans, so PostgreSQL sorts those groups' steps, not
    every open step of a district.

    With filters, every group is counted in one query. Without filters (a district's hundreds of
    thousands of open steps), only the groups of urgent steps (red, overdue, due soon) are
    counted, and the total comes from the plans' counters (open steps = steps_total - steps_done,
    which `plan_refresh` keeps in the same transaction as the steps), unless the page asked for
    (`page_stop`, the end of the first slice the caller will take) reaches past the urgent steps:
    then the other groups are counted instead, and give the total. So a page costs the same
    queries whatever the number of communities: two with filters, three without.
    """

    def __init__(
        self,
        steps: QuerySet[PlanStep],
        *,
        today: date,
        plans: QuerySet[CommunityPlan] | None = None,
        page_stop: int | None = None,
    ) -> None:
        self._steps = steps
        self._today = today
        # the plans whose counters may give the total (None: count every group)
        self._plans = plans
        self._page_stop = page_stop
        self._soon = today + timedelta(days=DUE_SOON_DAYS)
        self._total: int | None = None
        self._urgent: list[_Group] | None = None
        self._later: list[_Group] | None = None

    def _count_groups(self, steps: QuerySet[PlanStep]) -> list[_Group]:
        rows = steps.values_list("is_red", "due_on").annotate(n=Count("pk")).order_by()
        return sorted((_Group(red, due, n) for red, due, n in rows), key=lambda g: g.key)

    def _groups(self, *, stop: int) -> list[_Group]:
        """The groups in order, at least as far as the `stop`th step (one query each time a
        band is counted)."""
        if self._urgent is None:
            if self._plans is None:
                groups = self._count_groups(self._steps)
                self._urgent = [
                    g for g in groups if g.is_red or _on_or_before(g.due_on, self._soon)
                ]
                self._later = groups[len(self._urgent) :]
            else:
                urgent = Q(is_red=True) | Q(due_on__lte=self._soon)
                self._urgent = self._count_groups(self._steps.filter(urgent))
        if self._later is None and sum(g.count for g in self._urgent) < stop:
            later = Q(is_red=False) & (Q(due_on__gt=self._soon) | Q(due_on__isnull=True))
            self._later = self._count_groups(self._steps.filter(later))
        return self._urgent + (self._later or [])

    def count(self) -> int:
        if self._total is None:
            stop = self._page_stop
            urgent = sum(g.count for g in self._groups(stop=0))
            if self._plans is not None and stop is not None and stop <= urgent:
                open_steps = Sum(F("steps_total") - F("steps_done"))
                self._total = int(self._plans.aggregate(n=Coalesce(open_steps, 0))["n"])
            else:
                self._total = sum(g.count for g in self._groups(stop=sys.maxsize))
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[PlanStep]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> PlanStep: ...

    @overload
    def __getitem__(self, index: slice) -> list[PlanStep]: ...

    def __getitem__(self, index: int | slice) -> PlanStep | list[PlanStep]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        if index.step is not None or start < 0 or (stop is not None and stop < 0):
            raise TypeError("WorklistSteps takes a slice of non-negative ints without a step")
        stop = self.count() if stop is None else stop
        return self._slice(start, stop) if start < stop else []

    def _slice(self, start: int, stop: int) -> list[PlanStep]:
        """Steps `start` to `stop` in order: one query, over the groups the slice spans."""
        spanned: list[_Group] = []
        before = seen = 0
        for group in self._groups(stop=stop):
            if seen + group.count > start and seen < stop:
                if not spanned:
                    before = seen
                spanned.append(group)
            seen += group.count
        if not spanned:
            return []
        ids = (
            self._steps.filter(_from_group(spanned[0]) & _to_group(spanned[-1]))
            .order_by(*WORKLIST_ORDER)
            .values("pk")[start - before : stop - before]
        )
        rows = PlanStep.objects.filter(pk__in=ids).annotate(urgency=_urgency(self._today))
        return list(steps_for_rows(rows, today=self._today).order_by(*WORKLIST_ORDER))


def _on_or_before(due_on: date | None, soon: date) -> bool:
    return due_on is not None and due_on <= soon


def worklist_steps(
    scope: WorklistScope,
    filters: WorklistFilters,
    *,
    today: date,
    page_stop: int | None = None,
) -> WorklistSteps:
    """The open steps of the worklist's plans, most urgent first, for Paginator (see
    WorklistSteps: a few queries per page, none of them sorting every open step).

    Urgency (`urgency` on each step): red first, then overdue (oldest due first), then due
    within DUE_SOON_DAYS, then the rest; within each, by due date (undated last), community
    name, plan and order. `page_stop`: the end of the slice the caller will take first, if known.
    """
    steps = _open_steps(scope, filters, today=today)
    if filters != WorklistFilters():
        return WorklistSteps(steps, today=today)
    if scope.plan_ids is None:
        plans = scope.plans.order_by()
    else:
        plans = CommunityPlan.objects.filter(pk__in=scope.plan_ids)
    return WorklistSteps(steps, today=today, plans=plans, page_stop=page_stop)


def worklist_page(
    scope: WorklistScope,
    filters: WorklistFilters,
    *,
    number: str | None,
    per_page: int,
    today: date,
) -> Page[PlanStep]:
    """Page `number` of the worklist, as `Paginator.get_page` reads it (not a number: the first
    page; past the end or below 1: the last). Two queries with filters, three without."""
    try:
        asked = int(number or 1)
    except ValueError:
        asked = 1
    # the last page (or past it) may reach past the urgent steps
    page_stop = asked * per_page if asked >= 1 else None
    steps = worklist_steps(scope, filters, today=today, page_stop=page_stop)
    return Paginator(steps, per_page).get_page(number)


# --- dashboard ------------------------------------------------------------------------------------
# The district dashboard reads only the rollups (StreetStageRollup), the daily snapshots
# (CampaignSnapshot) and the plans' counters, never the steps: a fixed number of queries whatever
# the number of communities, and a bounded page (at most DASHBOARD_TOP_STREETS streets, or one
# page of DASHBOARD_STREETS_PER_PAGE). See election/services/rollups.py for the definitions.

DASHBOARD_TOP_STREETS = 15
DASHBOARD_STREETS_PER_PAGE = 50
DASHBOARD_SNAPSHOT_DAYS = 60
DASHBOARD_LIST_PAGE_SIZE = 50

STEP_FLAGS = ("", "open", "done", "overdue", "red")
PLAN_FLAGS = ("plans", "current", "completed")


def _pct(part: int, whole: int) -> int | None:
    """Whole percent, rounded down so that 100 % means everything (None: nothing to count)."""
    return None if not whole else part * 100 // whole


def _query(**params: object) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


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


def _street_rows(
    campaign: Campaign, *, all_streets: bool, page_number: str | int | None
) -> tuple[list[dict[str, Any]], Page[Any] | None]:
    """The streets to show, most overdue steps first: the top ones, or one page of all."""
    order = (
        StreetStageRollup.objects.filter(campaign=campaign)
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
) -> Dashboard:
    """Everything the district dashboard shows, in eight queries (nine for all streets).

    Headline figures, the stages (progress, plans at and past each), the street-by-stage matrix
    for the streets with the most overdue steps (or one page of all streets) with each cell's
    numbers and click-through query strings already made, and the charts' data for json_script.
    `is_stale` says the rollups were counted before `today` (no worker ran the daily job).
    """
    steps_url = reverse("election:dashboard-steps", args=[campaign.pk])
    stage_templates = list(
        StageTemplate.objects.filter(rule_set_id=campaign.rule_set_id)
        .order_by("order")
        .values_list("pk", "title")
    )
    per_stage = {
        r["stage_id"]: r
        for r in StreetStageRollup.objects.filter(campaign=campaign)
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
        .values("current_stage_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("current_stage_id", "n")
    )
    communities = Community.objects.filter(street__district_id=campaign.district_id).count()
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
        campaign, all_streets=all_streets, page_number=page_number
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

    @property
    def is_plan_list(self) -> bool:
        return self.flag in PLAN_FLAGS


def dashboard_list_filters(params: Mapping[str, str]) -> DashboardListFilters:
    """Read ?street=&stage=&flag= leniently: an unknown value is ignored, not an error."""

    def as_int(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() else None

    flag = params.get("flag", "")
    if flag not in STEP_FLAGS + PLAN_FLAGS:
        flag = ""
    return DashboardListFilters(street=as_int("street"), stage=as_int("stage"), flag=flag)


@dataclass(frozen=True)
class DashboardListContext:
    street: Street | None
    stage: StageTemplate | None


def dashboard_list_context(
    campaign: Campaign, filters: DashboardListFilters
) -> DashboardListContext:
    """The street and stage named by the filters, if they belong to the campaign (two queries
    at most); a foreign id is treated as absent."""
    street = (
        Street.objects.filter(pk=filters.street, district_id=campaign.district_id).first()
        if filters.street
        else None
    )
    stage = (
        StageTemplate.objects.filter(pk=filters.stage, rule_set_id=campaign.rule_set_id).first()
        if filters.stage
        else None
    )
    return DashboardListContext(street=street, stage=stage)


def dashboard_steps(
    campaign: Campaign, filters: DashboardListFilters, *, today: date
) -> QuerySet[PlanStep]:
    """The campaign's steps behind a dashboard number: of a street and/or stage, all or only the
    open, done, overdue or red ones (same definitions as the rollups). Most overdue first."""
    steps = PlanStep.objects.filter(plan__campaign=campaign)
    if filters.street:
        steps = steps.filter(plan__community__street_id=filters.street)
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
    return steps.select_related(
        "template", "stage__template", "plan__community__street", "plan__campaign"
    ).order_by(F("due_on").asc(nulls_last=True), "plan__community__name", "plan_id", "order")


def dashboard_plans(campaign: Campaign, filters: DashboardListFilters) -> QuerySet[CommunityPlan]:
    """The campaign's plans behind a dashboard number: all (of a street), those whose current
    stage is the stage (no stage: those with every step done), or those that completed it."""
    plans = CommunityPlan.objects.filter(campaign=campaign)
    if filters.street:
        plans = plans.filter(community__street_id=filters.street)
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


# --- campaigns ------------------------------------------------------------------------------------
# Campaign pages, the survey and seat summaries, assignments (views/campaigns.py). The imports sit
# here because this part is appended below the plan selectors.

from statistics import median  # noqa: E402

from django.db.models import Max  # noqa: E402

from communities.permissions import districts_for_user  # noqa: E402
from core.history import reason_label  # noqa: E402

from .models import LeaderAssignment, SeatPlan, SeatRule, SurveyLedger  # noqa: E402

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
    per_seat: float | None = None
    is_far_above: bool = False

    @property
    def seats(self) -> int:
        return self.party_seats + self.committee_seats


def seats_summary(campaign: Campaign) -> dict[str, Any]:
    """Planned seats per community, residents per planned seat, the district median, and the
    communities far above it first (FAR_ABOVE_MEDIAN_FACTOR); counts of planned 一肩挑 and
    交叉任职. One query; the median is computed here over its rows."""
    party = Q(seat_plans__body=SeatRule.Body.PARTY)
    values = (
        CommunityPlan.objects.filter(campaign=campaign)
        .annotate(
            party_seats=Coalesce(Sum("seat_plans__planned_seats", filter=party), 0),
            committee_seats=Coalesce(Sum("seat_plans__planned_seats", filter=~party), 0),
            women=Coalesce(Sum("seat_plans__planned_women"), 0),
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
        )
    )
    rows = [SeatRow(*v) for v in values]
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
    }


def seat_plans_with_rules(plan: CommunityPlan) -> list[tuple[Any, Any]]:
    """The plan's seat plans (party first), each with its rule in the campaign's rule set."""
    rules = {r.body: r for r in SeatRule.objects.filter(rule_set_id=plan.campaign.rule_set_id)}
    seat_plans = sorted(
        SeatPlan.objects.filter(plan=plan), key=lambda s: (s.body != SeatRule.Body.PARTY, s.body)
    )
    return [(s, rules.get(s.body)) for s in seat_plans]


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
