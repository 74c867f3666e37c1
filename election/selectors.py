"""Reads for the election pages: querysets scoped through `election.permissions`, with what each
page shows joined or counted in SQL, so a page's query count does not grow with the data."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from communities.models import Community
from communities.permissions import OutOfScope

from .models import (
    Campaign,
    CommunityPlan,
    Evidence,
    PlanStage,
    PlanStep,
    PublicNotice,
    StageTemplate,
)
from .permissions import plans_for_user

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


def evidence_get(user: User, pk: int) -> Evidence:
    """An evidence file of a plan the user may see, or Http404 (one query)."""
    evidence = (
        Evidence.objects.filter(pk=pk, step__plan__in=plans_for_user(user).values("pk"))
        .select_related("step")
        .first()
    )
    if evidence is None:
        raise OutOfScope
    return evidence


def notice_get(user: User, pk: int) -> PublicNotice:
    """A public notice of a plan the user may see, or Http404 (one query)."""
    notice = PublicNotice.objects.filter(
        pk=pk, step__plan__in=plans_for_user(user).values("pk")
    ).first()
    if notice is None:
        raise OutOfScope
    return notice


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
    can_edit = plans.exists()
    if not can_edit:
        plans = plans_for_user(user).filter(running)
    stages = StageTemplate.objects.filter(
        Exists(
            CommunityPlan.objects.filter(
                campaign__rule_set=OuterRef("rule_set"), pk__in=plans.values("pk")
            )
        )
    ).order_by("rule_set", "order")
    return WorklistScope(plans=plans, can_edit=can_edit, stages=stages)


def worklist_steps(
    scope: WorklistScope, filters: WorklistFilters, *, today: date
) -> QuerySet[PlanStep]:
    """The open steps of the worklist's plans, most urgent first, as one query.

    Urgency: red first, then overdue (oldest due first), then due within DUE_SOON_DAYS, then
    the rest; within each, by due date (undated last), community and order.
    """
    steps = PlanStep.objects.filter(plan__in=scope.plans.values("pk")).exclude(
        status=PlanStep.Status.DONE
    )
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
    urgency = Case(
        When(is_red=True, then=Value(Urgency.RED)),
        When(due_on__lt=today, then=Value(Urgency.OVERDUE)),
        When(due_on__lte=today + timedelta(days=DUE_SOON_DAYS), then=Value(Urgency.DUE_SOON)),
        default=Value(Urgency.LATER),
        output_field=IntegerField(),
    )
    return (
        steps_for_rows(steps, today=today)
        .annotate(urgency=urgency)
        .order_by(
            "urgency",
            F("due_on").asc(nulls_last=True),
            "plan__community__name",
            "plan_id",
            "order",
        )
    )
