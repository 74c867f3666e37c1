"""Objections to the voter list (选民名单异议): recorded on the plan as they are received, then
decided. Each one is judged by the ruling step's rule (within N days of its receipt)."""

from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.locking import stale
from core.text import text_clean

from ..models import CommunityPlan, VoterObjection
from .plans import PlanError, _after_commit_rollup, plan_refresh


def _plan_lock(plan: CommunityPlan) -> CommunityPlan:
    return (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign", "community")
        .get(pk=plan.pk)
    )


def _check_day(day: date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise PlanError(message)


@transaction.atomic
def objection_add(*, plan: CommunityPlan, data: dict[str, Any], by: User) -> VoterObjection:
    """Record an objection received on `data["received_on"]` from `data["raised_by"]` (in
    words), with what it objects to (optional).

    Locks the plan. Raises PlanError without the day or the person, or for a day still to come.
    Recomputes the plan (the ruling step turns red once an objection waits past its days) and
    refreshes the street's counts on commit. History reason "objection received". Submitting
    the same objection twice (same person, day and text, undecided) returns the first.
    """
    plan = _plan_lock(plan)
    received_on = data.get("received_on")
    raised_by = text_clean(data.get("raised_by") or "")
    summary = text_clean(data.get("summary") or "")
    if received_on is None or not raised_by:
        raise PlanError(_("Say who raised the objection and on which day it was received."))
    _check_day(received_on, _("An objection cannot be received on a day still to come."))
    for name, value in (("raised_by", raised_by), ("summary", summary)):
        field = VoterObjection._meta.get_field(name)
        assert isinstance(field, models.CharField)  # noqa: S101 -- both are text columns
        if field.max_length is not None and len(value) > field.max_length:
            raise PlanError(
                _("%(field)s is longer than %(limit)s characters.")
                % {"field": field.verbose_name, "limit": field.max_length}
            )
    same = VoterObjection.objects.filter(
        plan=plan, raised_by=raised_by, received_on=received_on, summary=summary
    ).first()
    if same is not None:
        return same
    objection = VoterObjection(
        plan=plan, received_on=received_on, raised_by=raised_by, summary=summary, created_by=by
    )
    objection._history_user = by  # type: ignore[attr-defined]
    objection._change_reason = "objection received"  # type: ignore[attr-defined]
    objection.save()
    plan_refresh(plan=plan, by=by)
    _after_commit_rollup(plan)
    return objection


@transaction.atomic
def objection_decide(
    *, objection: VoterObjection, version: int, decided_on: date, outcome: str, by: User
) -> VoterObjection:
    """Record the election committee's decision on an objection: its day and its outcome.

    Locks the plan, then the objection. Raises ConflictError if someone saved it since
    `version`, PlanError for an unknown outcome, a day still to come or a day before the
    objection was received. Recomputes the plan: a decision later than the rule's days keeps
    the ruling step red, naming the objection. Idempotent for the same decision. History reason
    "objection decided".
    """
    plan = _plan_lock(objection.plan)
    objection = VoterObjection.objects.select_for_update(of=("self",)).get(pk=objection.pk)
    if objection.version != version:
        raise stale(VoterObjection, form_refilled=True)
    if outcome not in VoterObjection.Outcome.values:
        raise PlanError(_("Choose the outcome of the objection."))
    _check_day(decided_on, _("A decision cannot be made on a day still to come."))
    if decided_on < objection.received_on:
        raise PlanError(_("An objection cannot be decided before it was received."))
    if (objection.decided_on, objection.outcome) == (decided_on, outcome):
        return objection
    objection.decided_on, objection.outcome = decided_on, outcome
    objection.version += 1
    objection._history_user = by  # type: ignore[attr-defined]
    objection._change_reason = "objection decided"  # type: ignore[attr-defined]
    objection.save(update_fields=["decided_on", "outcome", "version", "updated_at"])
    plan_refresh(plan=plan, by=by)
    _after_commit_rollup(plan)
    return objection


def rulings_refresh(*, today: date | None = None) -> int:
    """Recompute the plans of running campaigns that have an undecided objection, so that one
    waiting past its last day turns the ruling step red without anyone touching the plan (the
    daily job). Each plan in its own transaction, locked. Idempotent. Returns how many plans."""
    from ..models import Campaign

    plan_ids = list(
        CommunityPlan.objects.filter(
            campaign__status=Campaign.Status.RUNNING, objections__decided_on__isnull=True
        )
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    for pk in plan_ids:
        with transaction.atomic():
            plan = _plan_lock(CommunityPlan(pk=pk))
            if plan_refresh(plan=plan, today=today):
                _after_commit_rollup(plan)
    return len(plan_ids)
