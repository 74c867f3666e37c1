"""The period a rule set governs: an election day outside it is refused.

A rule set's effective period (`effective_on` to `effective_to`) is the election days it governs,
so a campaign under the 2018 texts cannot hold an election in 2026, when the 2025 amendments are
in force. Checked when a campaign is created, when a plan's election day moves and when an
election is postponed.
"""

from datetime import date

from django.utils.translation import gettext as _

from core.exceptions import DomainError

from ..models import RuleSet


class RuleSetPeriodError(DomainError):
    pass


def ruleset_check_in_force(*, rule_set: RuleSet, day: date) -> None:
    """Raise RuleSetPeriodError, naming the rules' period, if an election on `day` falls outside
    the period `rule_set` governs (for example national-2018 for an election in 2026)."""
    if rule_set.is_in_force_on(day):
        return
    names = {
        "rules": str(rule_set),
        "day": day.isoformat(),
        "start": rule_set.effective_on.isoformat() if rule_set.effective_on else "",
        "end": rule_set.effective_to.isoformat() if rule_set.effective_to else "",
    }
    if rule_set.effective_on and rule_set.effective_to:
        message = _(
            "“%(rules)s” governs elections held from %(start)s to %(end)s; election day "
            "%(day)s falls outside that period. Choose the rules in force on that day."
        )
    elif rule_set.effective_on:
        message = _(
            "“%(rules)s” governs elections held from %(start)s; election day %(day)s comes "
            "before that. Choose the rules in force on that day."
        )
    else:
        message = _(
            "“%(rules)s” governs elections held until %(end)s; election day %(day)s comes "
            "after that. Choose the rules in force on that day."
        )
    raise RuleSetPeriodError(message % names)
