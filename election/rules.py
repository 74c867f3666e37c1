"""The rule engine: due dates and the checks of a plan's steps, from its rule set.

Pure functions over dates; the services feed them and store the results (`PlanStep.due_on`,
`is_red`, `red_reason`). Every time limit is data on the step template (see `StepTemplate`).

Counting days (民法典 arts. 200 to 203), the convention of every check here:

- the day an act happens is not counted: "within N days after X" ends at the end of X + N, and
  "at least N days before E" passes at E - N and fails at E - N + 1;
- a period running forward whose last day is not a working day (a weekend or a public holiday
  by China's official calendar, swapped working days included) ends on the next working day;
  a lead time before a day ("N days before E") is not moved;
- a step counted in working days (`day_unit`) counts only working days: "5 working days after X"
  ends on the fifth working day after X;
- a due date plans the work and is plain arithmetic in calendar days (only the checks move a
  last day off a day off).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .models import StepTemplate

Anchor = StepTemplate.Anchor
Check = StepTemplate.Check
DayUnit = StepTemplate.DayUnit
ONE_DAY = timedelta(days=1)

# The version of this engine. A plan computed by an older one (`CommunityPlan.engine_version`) is
# recomputed after `migrate`, by the periodic job and when its page opens
# (`services.plans.plans_refresh_stale`). Raise it whenever a change here changes a due date, a
# verdict or the words of a red reason.
#   1: each step cites the law of its community's track; reasons say by how many days.
#   2: every figure of a reason in days (天), as the glossary counts them.
ENGINE_VERSION = 2


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: Monday to Friday, except the listed days (`CalendarDay`
    rows: public holidays off, swapped weekend days at work). Loaded once per computation."""

    exceptions: Mapping[date, bool] = field(default_factory=dict)

    def is_working(self, day: date) -> bool:
        listed = self.exceptions.get(day)
        return day.weekday() < 5 if listed is None else listed

    def next_working(self, day: date) -> date:
        """`day`, or the first working day after it."""
        while not self.is_working(day):
            day += ONE_DAY
        return day

    def forward(self, start: date, days: int, unit: str) -> date:
        """The last day of a period of `days` days after `start` (start not counted), moved to
        the next working day when it falls on a day off (民法典 art. 203). 0 days: `start`."""
        if days <= 0:
            return start + timedelta(days=days)
        if unit == DayUnit.WORKING:
            return self._count_working(start, days, ONE_DAY)
        return self.next_working(start + timedelta(days=days))

    def backward(self, anchor: date, days: int, unit: str) -> date:
        """The latest day that is at least `days` days before `anchor` (not moved for days off;
        in working days: the `days`-th working day before it)."""
        if days <= 0 or unit != DayUnit.WORKING:
            return anchor - timedelta(days=days)
        return self._count_working(anchor, days, -ONE_DAY)

    def shift(self, anchor: date, offset: int, unit: str) -> date:
        """A due date `offset` days from `anchor` (negative: before it). A due date plans the
        work: in calendar days it is not moved off a day off (the checks apply art. 203)."""
        if unit != DayUnit.WORKING or offset == 0:
            return anchor + timedelta(days=offset)
        if offset > 0:
            return self._count_working(anchor, offset, ONE_DAY)
        return self._count_working(anchor, -offset, -ONE_DAY)

    def _count_working(self, day: date, days: int, step: timedelta) -> date:
        counted = 0
        while counted < days:
            day += step
            counted += self.is_working(day)
        return day


PLAIN_WEEK = WorkCalendar()


@dataclass(frozen=True)
class PlanDates:
    """The dates a plan's due dates hang on."""

    starts_on: date
    election_on: date
    party_election_on: date
    committee_formed_on: date | None = None

    def of(self, anchor: str) -> date:
        """The plan's day for `anchor` (not "step")."""
        if anchor == Anchor.PARTY_ELECTION:
            return self.party_election_on
        if anchor == Anchor.START:
            return self.starts_on
        if anchor == Anchor.COMMITTEE_FORMED:
            return self.committee_formed_on or self.election_on
        return self.election_on


@dataclass(frozen=True)
class NoticeDates:
    posted_on: date
    taken_down_on: date | None


@dataclass(frozen=True)
class ObjectionDates:
    raised_by: str
    received_on: date
    decided_on: date | None


def anchor_date(
    template: StepTemplate, dates: PlanDates, done_on_by_template: Mapping[int, date | None]
) -> date | None:
    """The day the step's due date counts from; None while the anchor step has no date.

    `done_on_by_template` maps each step template to its reference day (`reference_on`): a step
    that counts from the voter list counts from the day the list went up, not from the day
    someone ticked it off.
    """
    if template.anchor == Anchor.STEP:
        return done_on_by_template.get(template.anchor_step_id or 0)
    return dates.of(template.anchor)


def check_anchor_date(
    template: StepTemplate, dates: PlanDates, done_on_by_template: Mapping[int, date | None]
) -> date | None:
    """The day the step's check compares with: its own `check_anchor` (a step due after another
    step may still be checked against election day), else the due date's anchor."""
    if template.check_anchor:
        return dates.of(template.check_anchor)
    return anchor_date(template, dates, done_on_by_template)


def due_on(
    template: StepTemplate,
    dates: PlanDates,
    done_on_by_template: Mapping[int, date | None],
    *,
    projected: Mapping[int, date | None] | None = None,
    calendar: WorkCalendar = PLAIN_WEEK,
) -> date | None:
    """The step's due date. A step due after another step counts from the day that step was
    done; while it is not, from that step's own due date (`projected`, by template), so the plan
    keeps an order and the worklist a date. None when neither is known."""
    anchor = anchor_date(template, dates, done_on_by_template)
    if anchor is None and template.anchor == Anchor.STEP and projected is not None:
        anchor = projected.get(template.anchor_step_id or 0)
    if anchor is None:
        return None
    return calendar.shift(anchor, template.offset_days, template.day_unit)


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


def rule_name(template: StepTemplate) -> str:
    return template.rule_text or _default_rule_text(template)


def violation(
    template: StepTemplate,
    *,
    anchor: date | None,
    checked: date | None,
    calendar: WorkCalendar = PLAIN_WEEK,
) -> str:
    """The broken rule and by how much, in the user's language; "" when the step complies.

    A step is only judged once both dates exist: a voter list not yet posted is not red (it may
    be overdue, which is another flag). The ruling check judges objections (`ruling_violations`).
    """
    kind = template.check_kind
    if kind not in (Check.MIN_LEAD, Check.MAX_LAG, Check.MIN_LAG):
        return ""
    if anchor is None or checked is None:
        return ""
    rule, unit, n = rule_name(template), template.day_unit, template.check_days
    if kind == Check.MIN_LEAD:
        latest = calendar.backward(anchor, n, unit)
        if checked <= latest:
            return ""
        return _off_by(rule, (anchor - checked).days, short=(checked - latest).days)
    lag = (checked - anchor).days
    if kind == Check.MIN_LAG:
        earliest = calendar.forward(anchor, n, unit)
        if checked >= earliest:
            return ""
        short = (earliest - checked).days
        if lag < 0:
            return _off_by(rule, -lag, short=short)  # closed before it opened
        return _("%(rule)s; it lasted only %(days)s days, %(short)s days short") % {
            "rule": rule,
            "days": lag,
            "short": short,
        }
    last = calendar.forward(anchor, n, unit)
    if anchor <= checked <= last:
        return ""
    if lag < 0 or n == 0:
        # "within N days after" cannot be met before the anchor (a handover before the vote), and
        # "on the day" (N = 0) is missed by being early or late, not by taking long
        return _off_by(rule, -lag)
    return _("%(rule)s; it took %(days)s days, %(over)s days too many") % {
        "rule": rule,
        "days": lag,
        "over": (checked - last).days,
    }


def ruling_violations(
    template: StepTemplate,
    objections: Iterable[ObjectionDates],
    *,
    today: date,
    calendar: WorkCalendar = PLAIN_WEEK,
) -> list[str]:
    """Each objection ruled on too late, or still undecided after its last day (`today` is past
    it): the ruling check counts from each objection's receipt."""
    if template.check_kind != Check.RULING:
        return []
    rule, found = rule_name(template), []
    for o in objections:
        last = calendar.forward(o.received_on, template.check_days, template.day_unit)
        names: dict[str, object] = {
            "rule": rule,
            "who": o.raised_by,
            "on": o.received_on.isoformat(),
        }
        if o.decided_on is None and today > last:
            names["days"] = (today - o.received_on).days
            found.append(
                _("%(rule)s; objection by %(who)s (%(on)s) undecided after %(days)s days") % names
            )
        elif o.decided_on is not None and o.decided_on > last:
            names["days"] = (o.decided_on - o.received_on).days
            found.append(
                _("%(rule)s; objection by %(who)s (%(on)s) decided after %(days)s days") % names
            )
    return found


def ruling_due_on(
    template: StepTemplate,
    objections: Iterable[ObjectionDates],
    *,
    calendar: WorkCalendar = PLAIN_WEEK,
) -> date | None:
    """The last day for the earliest undecided objection; None when none is waiting."""
    waiting = [
        calendar.forward(o.received_on, template.check_days, template.day_unit)
        for o in objections
        if o.decided_on is None
    ]
    return min(waiting, default=None)


def notice_violations(
    template: StepTemplate,
    *,
    is_done: bool,
    notices: list[NoticeDates],
    calendar: WorkCalendar = PLAIN_WEEK,
) -> list[str]:
    """A step the law proves by a public notice that is done without one, or whose every notice
    came down before the minimum display period ended."""
    names: dict[str, object] = {"step": template.title, "days": template.notice_days}
    if template.requires_notice and is_done and not notices:
        return [_("“%(step)s” must be proved by a public notice; none is recorded") % names]
    if not template.notice_days or not notices:
        return []

    def stayed(n: NoticeDates) -> bool:
        last = calendar.forward(n.posted_on, template.notice_days, template.day_unit)
        return n.taken_down_on is None or n.taken_down_on >= last

    if any(stayed(n) for n in notices):
        return []
    longest = max(notices, key=lambda n: (n.taken_down_on or n.posted_on) - n.posted_on)
    down = longest.taken_down_on or longest.posted_on
    names["actual"] = (down - longest.posted_on).days
    # the calendar days between the day it came down and the first day it could have
    names["short"] = (
        calendar.forward(longest.posted_on, template.notice_days, template.day_unit) - down
    ).days
    if template.day_unit == DayUnit.WORKING:
        message = _(
            "The notice of “%(step)s” must stay up at least %(days)s working days; it came down "
            "after %(actual)s days, %(short)s days short"
        )
    else:
        message = _(
            "The notice of “%(step)s” must stay up at least %(days)s days; it came down after "
            "%(actual)s days, %(short)s days short"
        )
    return [message % names]


def legal_basis(template: StepTemplate, track: str) -> str:
    """The law the step cites for a community of election `track`: a village-converted
    community electing under the villagers' committee law cites `legal_basis_village` when the
    rule set gives one; every other community (and every step without one) `legal_basis`."""
    return template.legal_basis_for(track)


def red_reason(
    template: StepTemplate, reasons: list[str], *, track: str = "", limit: int = 600
) -> str:
    """The step's broken rules as one text naming their legal basis for the community's election
    `track` (only that track's law), at most `limit` long."""
    if not reasons:
        return ""
    text = _("; ").join(reasons)
    basis = legal_basis(template, track)
    if basis:
        text = _("%(reasons)s (legal basis: %(basis)s)") % {"reasons": text, "basis": basis}
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _off_by(rule: str, lead: int, *, short: int | None = None) -> str:
    """`lead` days before the anchor (negative: after it); `short`: by how many days the date
    missed the last day it could have been (None: not said)."""
    names = {"rule": rule, "days": abs(lead), "short": short}
    if short is None:
        if lead > 0:
            return _("%(rule)s; it was %(days)s days before") % names
        if lead == 0:
            return _("%(rule)s; it was on the day itself") % names
        return _("%(rule)s; it was %(days)s days after") % names
    if lead > 0:
        return _("%(rule)s; it was %(days)s days before, %(short)s days short") % names
    if lead == 0:
        return _("%(rule)s; it was on the day itself, %(short)s days short") % names
    return _("%(rule)s; it was %(days)s days after, %(short)s days short") % names


def _default_rule_text(template: StepTemplate) -> str:
    names = {"step": template.title, "days": template.check_days}
    if template.check_kind == Check.MIN_LEAD:
        return _("“%(step)s” at least %(days)s days before its reference day") % names
    if template.check_kind == Check.MIN_LAG:
        return _("“%(step)s” not before %(days)s days after its reference day") % names
    if template.check_kind == Check.RULING:
        return _("Each objection ruled on within %(days)s days of its receipt") % names
    return _("“%(step)s” within %(days)s days of its reference day") % names
