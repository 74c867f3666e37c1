"""Reads for the election pages: querysets scoped through `election.permissions`, with what each
page shows joined or counted in SQL, so a page's query count does not grow with the data.

This module holds the plan pages' reads, shared by the others; the worklist, the dashboard and the
campaign pages have modules of their own in this package.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from communities.models import Community

from ..models import (
    CommunityPlan,
    Evidence,
    PlanStage,
    PlanStep,
    PublicNotice,
    StepTemplate,
    VoterObjection,
)
from ..permissions import plans_for_user

# --- plans ----------------------------------------------------------------------------------------


def plans_for_community(user: User, community: Community) -> list[CommunityPlan]:
    """The community's plans the user may see, newest campaign first (one query), each with
    `household_problem`: the warning when the community lies outside its rule set's household
    norm for a residents' committee ("" otherwise)."""
    from .terms import household_norm_problem

    plans = list(
        plans_for_user(user)
        .filter(community=community)
        .select_related("campaign__rule_set")
        .order_by("-campaign__starts_on", "-pk")
    )
    for plan in plans:
        plan.household_problem = household_norm_problem(  # type: ignore[attr-defined]
            community, plan.campaign.rule_set
        )
    return plans


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


def step_overdue_days(step: PlanStep, *, today: date) -> PlanStep:
    """Set `overdue_days` on a step of `steps_for_rows` that is overdue: by how many days (the
    row says 逾期 3 天). Returns the step."""
    if step.is_overdue and step.due_on is not None:  # type: ignore[attr-defined]
        step.overdue_days = (today - step.due_on).days  # type: ignore[attr-defined]
    return step


def step_row(step: PlanStep, *, today: date) -> PlanStep:
    """One step, fetched again with what its row shows (after a save)."""
    row = steps_for_rows(PlanStep.objects.filter(pk=step.pk), today=today).get()
    return step_overdue_days(row, today=today)


@dataclass
class StageSection:
    """A stage of a plan and its steps, in order."""

    stage: PlanStage
    steps: list[PlanStep] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.status == PlanStep.Status.DONE)

    @property
    def red_count(self) -> int:
        return sum(1 for s in self.steps if s.is_red)

    @property
    def is_finished(self) -> bool:
        """Closed, or every step done (the plan page folds it)."""
        return self.stage.is_closed or self.done_count == len(self.steps)


def plan_sections(plan: CommunityPlan, *, today: date) -> list[StageSection]:
    """The plan's stages in order, each with its steps, their files and notices (four queries)."""
    sections = {
        s.pk: StageSection(s)
        for s in PlanStage.objects.filter(plan=plan).select_related("template").order_by("order")
    }
    steps = steps_for_rows(PlanStep.objects.filter(plan=plan), today=today).order_by("order")
    files: dict[int, list[Evidence]] = defaultdict(list)
    for file in Evidence.objects.filter(step__plan=plan).order_by("uploaded_at", "pk"):
        files[file.step_id].append(file)
    notices: dict[int, list[PublicNotice]] = defaultdict(list)
    for notice in PublicNotice.objects.filter(step__plan=plan).order_by("posted_on", "pk"):
        notices[notice.step_id].append(notice)
    for step in steps:
        # the row lists its files and notices as links, for readers who may not open the editor
        step.row_files = files[step.pk]  # type: ignore[attr-defined]
        step.row_notices = notices[step.pk]  # type: ignore[attr-defined]
        sections[step.stage_id].steps.append(step_overdue_days(step, today=today))
    return list(sections.values())


@dataclass(frozen=True)
class ObjectionRow:
    objection: VoterObjection
    last_day: date | None
    is_late: bool


def plan_objections(plan: CommunityPlan, *, today: date) -> list[ObjectionRow]:
    """The plan's objections to the voter list, oldest first, each with the last day of its
    ruling (by the rule set's ruling step, holidays counted) and whether it was or is late
    (three queries: the ruling step, the calendar, the objections)."""
    from ..rules import ObjectionDates, ruling_violations
    from ..services.calendar import work_calendar

    ruling = (
        PlanStep.objects.filter(plan=plan, template__check_kind=StepTemplate.Check.RULING)
        .select_related("template")
        .first()
    )
    objections = list(VoterObjection.objects.filter(plan=plan).order_by("received_on", "pk"))
    if ruling is None or not objections:
        return [ObjectionRow(o, None, False) for o in objections]
    t = ruling.template
    calendar = work_calendar(objections[0].received_on, max(o.received_on for o in objections))
    rows = []
    for o in objections:
        dates = ObjectionDates(o.raised_by, o.received_on, o.decided_on)
        last = calendar.forward(o.received_on, t.check_days, t.day_unit)
        late = bool(ruling_violations(t, [dates], today=today, calendar=calendar))
        rows.append(ObjectionRow(o, last, late))
    return rows


def step_files(step: PlanStep) -> tuple[list[Evidence], list[PublicNotice]]:
    """The step's evidence files and public notices, oldest first (two queries)."""
    evidence = list(Evidence.objects.filter(step=step).select_related("uploaded_by"))
    notices = list(PublicNotice.objects.filter(step=step).order_by("posted_on", "pk"))
    return evidence, notices
