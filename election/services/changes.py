"""Changes to a plan's days that must say what they break before they are saved.

Moving election day (the plan page's days, a postponement, or a runoff or new election recorded
with the vote, which moves the day the new committee is formed) moves due dates and may turn
steps red or leave open steps past their new due date. The functions here apply the real change
(`plan_dates_update`, `plan_postpone`) inside a transaction, compare each step's due date and red
flag before and after, and, when the change makes a step red or newly overdue and the user has not
confirmed it, raise ChangeNeedsConfirmation *inside* the transaction, so that nothing is saved and
the error lists the steps. The consequences are therefore those the engine itself computes, not a
second estimate of them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import EllipsisType
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from core.exceptions import DomainError

from ..models import CommunityPlan, PlanStep, Postponement
from .plans import plan_dates_update
from .terms import plan_postpone
from .voting import plan_voting_update

T = TypeVar("T")


@dataclass(frozen=True)
class StepImpact:
    """A step that a change makes red or newly overdue: its due date before and after, and the
    rule it would break (the red reason as the engine words it)."""

    step_id: int
    stage_title: str
    title: str
    due_before: date | None
    due_after: date | None
    is_red: bool
    red_reason: str
    overdue_days: int  # 0 unless the change leaves the open step past its new due date

    @property
    def anchor(self) -> str:
        return f"step-{self.step_id}"


class ChangeNeedsConfirmation(DomainError):
    """The change would make `steps` red or overdue; nothing was saved. Submit it again with the
    confirmation to save it anyway."""

    def __init__(self, steps: list[StepImpact]) -> None:
        super().__init__(
            ngettext(
                "This change makes %(count)s step break a time limit or fall overdue. "
                "Nothing is saved yet: check it and confirm.",
                "This change makes %(count)s steps break a time limit or fall overdue. "
                "Nothing is saved yet: check them and confirm.",
                len(steps),
            )
            % {"count": len(steps)}
        )
        self.steps = steps


_Row = tuple[date | None, bool, bool]  # due date, open, red


def _snapshot(plan_id: int) -> dict[int, _Row]:
    return {
        pk: (due_on, status != PlanStep.Status.DONE, is_red)
        for pk, due_on, status, is_red in PlanStep.objects.filter(plan_id=plan_id).values_list(
            "pk", "due_on", "status", "is_red"
        )
    }


def plan_change_impact(*, plan_id: int, before: dict[int, _Row], today: date) -> list[StepImpact]:
    """The plan's steps that are red now but were not in `before`, or open and past their due
    date now but were not (in procedure order). Reads the steps as they stand in the current
    transaction."""
    impacts = []
    steps = (
        PlanStep.objects.filter(plan_id=plan_id)
        .select_related("template", "stage__template")
        .order_by("order")
    )
    for step in steps:
        due_before, _was_open, was_red = before.get(step.pk, (None, True, False))
        is_open = step.status != PlanStep.Status.DONE
        newly_red = step.is_red and not was_red
        was_overdue = due_before is not None and due_before < today
        newly_overdue = (
            is_open and step.due_on is not None and step.due_on < today and not was_overdue
        )
        if not (newly_red or newly_overdue):
            continue
        impacts.append(
            StepImpact(
                step_id=step.pk,
                stage_title=step.stage.template.title,
                title=step.template.title,
                due_before=due_before,
                due_after=step.due_on,
                is_red=newly_red,
                red_reason=step.red_reason if newly_red else "",
                overdue_days=(today - step.due_on).days if newly_overdue and step.due_on else 0,
            )
        )
    return impacts


def _guarded(
    plan: CommunityPlan, apply: Callable[[], T], *, confirmed: bool, today: date | None
) -> tuple[T, list[StepImpact]]:
    """Run `apply` (a service that moves the plan's days and recomputes it) in one transaction
    with the plan locked; roll everything back with ChangeNeedsConfirmation when the change makes
    a step red or overdue and `confirmed` is false. Returns what `apply` returned and the impact
    (empty, or the steps the user confirmed)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # the same lock the services take first, so the "before" is the state they change
        CommunityPlan.objects.select_for_update(of=("self",)).only("pk").get(pk=plan.pk)
        before = _snapshot(plan.pk)
        result = apply()
        impact = plan_change_impact(plan_id=plan.pk, before=before, today=today)
        if impact and not confirmed:
            raise ChangeNeedsConfirmation(impact)  # leaves the atomic block: rolled back
    return result, impact


def plan_dates_change(
    *,
    plan: CommunityPlan,
    version: int,
    election_on: date,
    party_election_on: date,
    by: User,
    reason: str = "",
    committee_formed_on: date | EllipsisType | None = ...,
    confirmed: bool = False,
    today: date | None = None,
) -> tuple[CommunityPlan, list[StepImpact]]:
    """`plan_dates_update`, refused with ChangeNeedsConfirmation (nothing saved) while the new
    days make a step red or leave an open step past its due date and `confirmed` is false.
    Raises what `plan_dates_update` raises. Returns the plan and the steps confirmed."""
    return _guarded(
        plan,
        lambda: plan_dates_update(
            plan=plan,
            version=version,
            election_on=election_on,
            party_election_on=party_election_on,
            committee_formed_on=committee_formed_on,
            by=by,
            reason=reason,
        ),
        confirmed=confirmed,
        today=today,
    )


def plan_postpone_change(
    *,
    plan: CommunityPlan,
    version: int,
    approved_by_body: str,
    approved_on: date,
    reason: str,
    new_on: date,
    by: User,
    confirmed: bool = False,
) -> tuple[Postponement, list[StepImpact]]:
    """`plan_postpone`, refused with ChangeNeedsConfirmation (nothing saved) while the new
    election day makes a step red or leaves an open step past its due date and `confirmed` is
    false. Raises what `plan_postpone` raises. Returns the postponement and the steps confirmed.
    """
    return _guarded(
        plan,
        lambda: plan_postpone(
            plan=plan,
            version=version,
            approved_by_body=approved_by_body,
            approved_on=approved_on,
            reason=reason,
            new_on=new_on,
            by=by,
        ),
        confirmed=confirmed,
        today=None,
    )


def plan_voting_change(
    *,
    plan: CommunityPlan,
    version: int,
    data: dict[str, Any],
    by: User,
    reason: str = "",
    confirmed: bool = False,
) -> tuple[CommunityPlan, list[StepImpact]]:
    """`plan_voting_update`, refused with ChangeNeedsConfirmation (nothing saved) while a runoff
    or a new election day moves a due date (the handover counts from the last election held) so
    that a step turns red or an open step falls overdue, and `confirmed` is false. Raises what
    `plan_voting_update` raises. Returns the plan and the steps confirmed."""
    return _guarded(
        plan,
        lambda: plan_voting_update(plan=plan, version=version, data=data, by=by, reason=reason),
        confirmed=confirmed,
        today=None,
    )
