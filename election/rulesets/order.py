"""Warnings about the order of a rule set's steps, shown on its page to the office that edits it.

A step due after another step (`anchor = "step"`) must come after it: a negative offset puts it
before the step it depends on. And for the days of each campaign that uses the rule set (or, for
a rule set no campaign uses yet, a typical campaign), a step whose due date falls after the last
day its own check allows cannot be done on time.
"""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from .. import rules
from ..models import Campaign, RuleSet, StepTemplate

# a typical campaign for a rule set no campaign uses yet: started 90 days before election day,
# the Party organisation elected 14 days before it
TYPICAL_LEAD_DAYS = 90
TYPICAL_PARTY_LEAD_DAYS = 14
TYPICAL_ELECTION_ON = date(2026, 6, 30)


def _campaign_dates(rule_set: RuleSet) -> list[tuple[str, rules.PlanDates]]:
    campaigns = Campaign.objects.filter(rule_set=rule_set).order_by("-starts_on", "pk")[:5]
    found = [
        (c.name, rules.PlanDates(c.starts_on, c.election_on, c.party_election_on))
        for c in campaigns
    ]
    if found:
        return found
    e = TYPICAL_ELECTION_ON
    typical = rules.PlanDates(
        e - timedelta(days=TYPICAL_LEAD_DAYS), e, e - timedelta(days=TYPICAL_PARTY_LEAD_DAYS)
    )
    return [(_("a typical campaign (90 days)"), typical)]


def ruleset_order_warnings(rule_set: RuleSet) -> list[str]:
    """The rule set's steps that come before the step they depend on, or that are due after
    their own time limit for the days of its campaigns (two queries). Empty when in order."""
    steps = list(
        StepTemplate.objects.filter(stage__rule_set=rule_set)
        .select_related("anchor_step")
        .order_by("stage__order", "order")
    )
    warnings = []
    for s in steps:
        if s.anchor == StepTemplate.Anchor.STEP and s.anchor_step and s.offset_days < 0:
            warnings.append(
                _("“%(step)s” is due %(days)s days before “%(anchor)s”, the step it depends on.")
                % {"step": s.title, "days": -s.offset_days, "anchor": s.anchor_step.title}
            )
    for name, dates in _campaign_dates(rule_set):
        projected: dict[int, date | None] = {}
        for s in steps:
            due = rules.due_on(s, dates, {}, projected=projected)
            projected[s.pk] = due
            if due is None or s.check_kind != StepTemplate.Check.MIN_LEAD:
                continue
            anchor = rules.check_anchor_date(s, dates, projected)
            if anchor is not None and due > rules.PLAIN_WEEK.backward(
                anchor, s.check_days, s.day_unit
            ):
                warnings.append(
                    _(
                        "In %(campaign)s, “%(step)s” is due on %(due)s, after the last day "
                        "its own rule allows."
                    )
                    % {"campaign": name, "step": s.title, "due": due.isoformat()}
                )
    return warnings
