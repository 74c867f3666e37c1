"""What "overdue" means in discipline and supervision, in one place (pages, the dashboard and the
weekly report all filter with these).

- a report with no case opened after its `open_due_on` (有报必查: the rule set's days to open);
- a case not concluded after its `due_on` (the rule set's days to conclude, from opening);
- a rectification order or a meeting decision not closed after its deadline.
A deadline is met on its own day: overdue means the day is past.
"""

from datetime import date

from django.db.models import Q

from ..models import Case, Report


def report_overdue_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}state": Report.State.RECEIVED, f"{prefix}open_due_on__lt": today})


def case_overdue_q(today: date, prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}stage": Case.Stage.CONCLUDED}) & Q(**{f"{prefix}due_on__lt": today})


def deadline_overdue_q(today: date, *, done_field: str, due_field: str = "due_on") -> Q:
    """A rectification order (`done_field="closed_on"`) or a meeting decision (`"done_on"`)."""
    return Q(**{f"{done_field}__isnull": True, f"{due_field}__lt": today})
