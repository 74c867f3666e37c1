"""Writes about when an election may be held: the rule set's effective period, and postponing a
community's election (延期换届) with the approval of a named body.

Rules are data on the rule set: its effective period (`effective_on` to `effective_to`, the
election days it governs) and the longest postponement (`postpone_max_months`).
"""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.locking import stale
from core.text import text_clean

from ..models import Campaign, CommunityPlan, Postponement
from .periods import ruleset_check_in_force
from .plans import _after_commit_rollup, plan_refresh


class PostponementError(DomainError):
    pass


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; the 31st becomes the month's last day (2026-01-31 + 1 month
    is 2026-02-28), as the Civil Code counts a period in months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def postpone_latest_on(plan: CommunityPlan) -> date:
    """The latest day a postponement may set: the rule set's longest postponement counted from
    the election day before the first postponement (a second one does not extend the limit)."""
    first = plan.postponements.order_by("pk").values_list("previous_on", flat=True).first()
    original = first or plan.election_on
    return add_months(original, plan.campaign.rule_set.postpone_max_months)


@transaction.atomic
def plan_postpone(
    *,
    plan: CommunityPlan,
    version: int,
    approved_by_body: str,
    approved_on: date,
    reason: str,
    new_on: date,
    by: User,
) -> Postponement:
    """Postpone a community's election to `new_on`, approved by `approved_by_body`.

    Locks the plan. Raises ConflictError for a stale form and PostponementError when the approving
    body or the reason is empty, the campaign is closed, `new_on` is not after the plan's election
    day, or it lies more than the rule set's longest postponement (12 months by default) after
    the election day before the first postponement, or the approval is dated in the future;
    RuleSetPeriodError when the rule set does not govern `new_on`. Records a Postponement
    (history "election postponed"), moves the plan's election day (the Party election's stays),
    and recomputes the plan's due dates and flags. Each call is a new postponement.
    """
    plan = (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign__rule_set", "community")
        .get(pk=plan.pk)
    )
    if plan.version != version:
        raise stale(CommunityPlan, form_refilled=True)
    approved_by_body, reason = text_clean(approved_by_body), reason.strip()
    if not approved_by_body:
        raise PostponementError(_("Name the body that approved the postponement."))
    if not reason:
        raise PostponementError(_("Give the reason for the postponement."))
    if plan.campaign.status == Campaign.Status.CLOSED:
        raise PostponementError(_("“%(name)s” is closed.") % {"name": plan.campaign.name})
    if approved_on > timezone.localdate():
        raise PostponementError(_("The approval cannot be dated in the future."))
    if new_on <= plan.election_on:
        raise PostponementError(
            _("The new election day must come after the current one (%(day)s).")
            % {"day": plan.election_on.isoformat()}
        )
    latest = postpone_latest_on(plan)
    if new_on > latest:
        rule_set = plan.campaign.rule_set
        raise PostponementError(
            _(
                "An election may be postponed by at most %(months)s months, to %(latest)s at the "
                "latest (%(basis)s)."
            )
            % {
                "months": rule_set.postpone_max_months,
                "latest": latest.isoformat(),
                "basis": rule_set.postpone_basis or str(rule_set),
            }
        )
    ruleset_check_in_force(rule_set=plan.campaign.rule_set, day=new_on)
    postponement = Postponement(
        plan=plan,
        approved_by_body=approved_by_body,
        approved_on=approved_on,
        reason=reason,
        previous_on=plan.election_on,
        new_on=new_on,
        created_by=by,
    )
    postponement._history_user = by  # type: ignore[attr-defined]
    postponement._change_reason = "election postponed"  # type: ignore[attr-defined]
    postponement.save()
    plan.election_on = new_on
    plan.version += 1
    plan._history_user = by  # type: ignore[attr-defined]
    plan._change_reason = "election postponed"  # type: ignore[attr-defined]
    plan.save(update_fields=["election_on", "version", "updated_at"])
    plan_refresh(plan=plan, by=by)
    _after_commit_rollup(plan)
    return postponement
