"""The rule engine: due dates and lead-time checks of a plan's steps, from its rule set.

Pure functions over dates; the services feed them and store the results (`PlanStep.due_on`,
`is_red`, `red_reason`). Every time limit is data on the step template (see `StepTemplate`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .models import StepTemplate

Anchor = StepTemplate.Anchor
Check = StepTemplate.Check


@dataclass(frozen=True)
class PlanDates:
    """The dates a plan's due dates hang on."""

    starts_on: date
    election_on: date
    party_election_on: date


def anchor_date(
    template: StepTemplate, dates: PlanDates, done_on_by_template: Mapping[int, date | None]
) -> date | None:
    """The day the step's time limit counts from; None while the anchor step has no date.

    `done_on_by_template` maps each step template to its reference day (`reference_on`): a step
    that counts from the voter list counts from the day the list went up, not from the day
    someone ticked it off.
    """
    if template.anchor == Anchor.ELECTION:
        return dates.election_on
    if template.anchor == Anchor.PARTY_ELECTION:
        return dates.party_election_on
    if template.anchor == Anchor.START:
        return dates.starts_on
    return done_on_by_template.get(template.anchor_step_id or 0)


def due_on(
    template: StepTemplate, dates: PlanDates, done_on_by_template: Mapping[int, date | None]
) -> date | None:
    anchor = anchor_date(template, dates, done_on_by_template)
    return None if anchor is None else anchor + timedelta(days=template.offset_days)


def reference_on(
    template: StepTemplate, *, done_on: date | None, notice_on: date | None
) -> date | None:
    """The day other steps count from: the public notice's day for a step proved by a notice
    (falling back to the day it was done), else the day it was done."""
    if template.checked_date == StepTemplate.CheckedDate.NOTICE:
        return notice_on or done_on
    return done_on


def checked_on(
    template: StepTemplate, *, done_on: date | None, notice_on: date | None
) -> date | None:
    """The date the check looks at: when the step was done, or when its notice went up."""
    if template.checked_date == StepTemplate.CheckedDate.NOTICE:
        return notice_on
    return done_on


def violation(template: StepTemplate, *, anchor: date | None, checked: date | None) -> str:
    """The broken rule and by how much, in the user's language; "" when the step complies.

    A step is only judged once both dates exist: a voter list not yet posted is not red (it may
    be overdue, which is another flag).
    """
    if not template.check_kind or anchor is None or checked is None:
        return ""
    rule = template.rule_text or _default_rule_text(template)
    if template.check_kind == Check.MIN_LEAD:
        lead = (anchor - checked).days
        if lead >= template.check_days:
            return ""
        return _off_by(rule, lead)
    lag = (checked - anchor).days
    if 0 <= lag <= template.check_days:
        return ""
    if lag < 0 or template.check_days == 0:
        # "within N days after" cannot be met before the anchor (a handover before the vote), and
        # "on the day" (N = 0) is missed by being early or late, not by taking long
        return _off_by(rule, -lag)
    return _("%(rule)s; it took %(days)s days") % {"rule": rule, "days": lag}


def _off_by(rule: str, lead: int) -> str:
    """`lead` days before the anchor (negative: after it)."""
    if lead > 0:
        return _("%(rule)s; it was %(days)s days before") % {"rule": rule, "days": lead}
    if lead == 0:
        return _("%(rule)s; it was on the day itself") % {"rule": rule}
    return _("%(rule)s; it was %(days)s days after") % {"rule": rule, "days": -lead}


def _default_rule_text(template: StepTemplate) -> str:
    names = {"step": template.title, "days": template.check_days}
    if template.check_kind == Check.MIN_LEAD:
        return _("“%(step)s” at least %(days)s days before its reference day") % names
    return _("“%(step)s” within %(days)s days of its reference day") % names
