"""Reads for the rule-set pages, and each step's time limit in plain words.

"选举日前20日" (due date), "选举日20日前" (the check), "“受理异议”完成后3日内": the words are whole
translated patterns with the anchor as a placeholder, never glued fragments.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ..models import Campaign, RuleSet, SeatRule, StageTemplate, StepTemplate

Anchor = StepTemplate.Anchor
Check = StepTemplate.Check

# a rule set is frozen once a campaign has started under it: a running campaign's due dates and
# red flags are computed from it, and a closed one's record must keep showing the rules it ran by
LOCKING_STATUSES = (Campaign.Status.RUNNING, Campaign.Status.CLOSED)


def anchor_name(step: StepTemplate) -> str:
    """What the step's days count from, as a noun."""
    if step.anchor == Anchor.ELECTION:
        return _("election day")
    if step.anchor == Anchor.PARTY_ELECTION:
        return _("party election day")
    if step.anchor == Anchor.START:
        return _("campaign start")
    if step.anchor == Anchor.COMMITTEE_FORMED:
        return _("the day the new committee is formed")
    title = step.anchor_step.title if step.anchor_step else ""
    return _("“%(step)s” done") % {"step": title}


def due_words(step: StepTemplate) -> str:
    """The due date's rule: "选举日前20日", "选举日当天", "“…”完成后3日"."""
    names = {"anchor": anchor_name(step), "days": abs(step.offset_days)}
    if step.offset_days < 0:
        return _("%(days)s days before %(anchor)s") % names
    if step.offset_days == 0:
        return _("on %(anchor)s") % names
    return _("%(days)s days after %(anchor)s") % names


def check_words(step: StepTemplate) -> str:
    """The check's rule: "选举日20日前", "选举日前", "选举日后10日内"; "" without a check."""
    text = _check_words(step)
    if text and step.day_unit == StepTemplate.DayUnit.WORKING:
        return _("%(check)s (working days)") % {"check": text}
    return text


def _check_words(step: StepTemplate) -> str:
    anchor = anchor_name(step)
    if step.check_anchor:
        # a step due after another step, checked against a day of the plan
        anchor = anchor_name(StepTemplate(anchor=step.check_anchor))
    names = {"anchor": anchor, "days": step.check_days}
    if step.check_kind == Check.MIN_LEAD:
        if step.check_days == 0:
            return _("no later than %(anchor)s") % names
        if step.check_days == 1:
            return _("before %(anchor)s") % names
        return _("at least %(days)s days before %(anchor)s") % names
    if step.check_kind == Check.MAX_LAG:
        if step.check_days == 0:
            return _("on %(anchor)s at the latest") % names
        return _("within %(days)s days after %(anchor)s") % names
    if step.check_kind == Check.MIN_LAG:
        return _("not before %(days)s days after %(anchor)s") % names
    if step.check_kind == Check.RULING:
        return _("each objection ruled on within %(days)s days of its receipt") % names
    return ""


@dataclass(frozen=True)
class StepRow:
    step: StepTemplate
    due: str
    check: str


@dataclass(frozen=True)
class StageRow:
    stage: StageTemplate
    steps: list[StepRow]


def ruleset_list() -> QuerySet[RuleSet]:
    """Every rule set with its number of steps and whether it is locked (`ruleset_is_locked`)."""
    started = Campaign.objects.filter(rule_set=OuterRef("pk"), status__in=LOCKING_STATUSES)
    return RuleSet.objects.annotate(
        is_locked=Exists(started), steps_count=Count("stages__steps")
    ).order_by("code", "-version")


def ruleset_stages(rule_set: RuleSet) -> list[StageRow]:
    """The rule set's stages in order, each with its steps and their rules in words (2 queries)."""
    steps = StepTemplate.objects.select_related("anchor_step").order_by("order")
    stages = (
        StageTemplate.objects.filter(rule_set=rule_set)
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("order")
    )
    return [
        StageRow(stage, [StepRow(s, due_words(s), check_words(s)) for s in stage.steps.all()])
        for stage in stages
    ]


def ruleset_seat_rules(rule_set: RuleSet) -> list[SeatRule]:
    order = {body: i for i, body in enumerate(SeatRule.Body.values)}
    return sorted(SeatRule.objects.filter(rule_set=rule_set), key=lambda r: order[r.body])


def ruleset_campaigns(rule_set: RuleSet) -> QuerySet[Campaign]:
    """The campaigns that use the rule set, running ones first."""
    return (
        Campaign.objects.filter(rule_set=rule_set)
        .select_related("district")
        .order_by("-status", "-starts_on")
    )


def ruleset_is_locked(rule_set: RuleSet) -> bool:
    """Whether a campaign has started under the rule set, running or closed (then it cannot be
    edited, only cloned)."""
    return Campaign.objects.filter(rule_set=rule_set, status__in=LOCKING_STATUSES).exists()
