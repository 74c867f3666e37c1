"""The worklist: the open steps of a user's plans, most urgent first, a page at a time; with the
red filter, every step that breaks a time limit, open or done."""

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import overload

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User

from ..models import (
    Campaign,
    CommunityPlan,
    PlanStep,
    StageTemplate,
)
from ..permissions import plans_for_user
from . import step_overdue_days, steps_for_rows

# open steps due within this many days count as "due soon" on the worklist
DUE_SOON_DAYS = 7

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
    """The steps of the scope's plans that pass the filters, unordered: the open ones, and with
    a red filter ("red", "late") also the done steps that break a time limit (red means the law
    was broken, whether the step is open or done)."""
    plans = scope.plans.values("pk") if scope.plan_ids is None else scope.plan_ids
    steps = PlanStep.objects.filter(plan__in=plans)
    is_open = ~Q(status=PlanStep.Status.DONE)
    if filters.flag == "red":
        steps = steps.filter(is_red=True)
    elif filters.flag == "overdue":
        steps = steps.filter(is_open, due_on__lt=today)
    elif filters.flag == "late":
        steps = steps.filter(Q(is_red=True) | (is_open & Q(due_on__lt=today)))
    else:
        steps = steps.filter(is_open)
    if filters.community:
        steps = steps.filter(plan__community__name__icontains=filters.community)
    if filters.stage:
        steps = steps.filter(stage__template_id=filters.stage)
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
        # the red filters list done steps too (the page says "steps", not "open steps")
        self.shows_done = False

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
        found = steps_for_rows(rows, today=self._today).order_by(*WORKLIST_ORDER)
        return [step_overdue_days(step, today=self._today) for step in found]


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
        found = WorklistSteps(steps, today=today)
        found.shows_done = filters.flag in ("red", "late")
        return found
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
