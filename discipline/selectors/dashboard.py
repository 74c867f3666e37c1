"""The discipline and supervision counts of the home pages and the discipline landing page.

One query whatever the size of the district (every count a scalar subquery of one row). Counts
only: nothing here reads a reporter's identity or a report's text.

- The district's readers (the office, the discipline officers, the supervision team, a superuser)
  count the records of their districts (`reading_districts`), the reports of the communities they
  may see (`reports_for_user`).
- A street official or a leader counts only the major events of their communities.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import IntegerField, QuerySet, Subquery

from accounts.models import User
from communities.permissions import communities_for_user

from ..models import (
    Case,
    DisciplineLead,
    Inspection,
    JointMeeting,
    MajorEvent,
    MeetingDecision,
    PublicityDocument,
    RectificationOrder,
)
from ..permissions import reading_districts, reports_for_user
from .overdue import case_overdue_q, deadline_overdue_q, report_overdue_q


class _CountOf(Subquery):
    """The number of rows of a queryset, as a scalar subquery (several counts share one query)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


@dataclass(frozen=True)
class DisciplineCounts:
    reads_district: bool = False
    reports: int = 0
    reports_overdue: int = 0
    cases_open: int = 0
    cases_overdue: int = 0
    inspections: int = 0
    orders_open: int = 0
    orders_overdue: int = 0
    meetings: int = 0
    decisions_open: int = 0
    decisions_overdue: int = 0
    documents: int = 0
    events_open: int = 0
    leads: int = 0

    @property
    def any_alert(self) -> bool:
        return bool(
            self.events_open
            or self.reports_overdue
            or self.cases_overdue
            or self.orders_overdue
            or self.decisions_overdue
        )


def _count(qs: QuerySet) -> _CountOf:  # type: ignore[type-arg]
    return _CountOf(qs.order_by().values("pk"))


def discipline_counts(user: User, *, today: date) -> DisciplineCounts:
    """The user's counts (see the module's docstring); one query."""
    if not user.is_authenticated or not user.is_active:
        return DisciplineCounts()
    districts = reading_districts(user).values("pk")
    events = MajorEvent.objects.filter(acknowledged_at__isnull=True)
    reads_district = user.is_superuser or user.role in (
        User.Role.OFFICE,
        User.Role.DISCIPLINE,
        User.Role.SUPERVISOR,
    )
    if not reads_district:
        figures = (
            User.objects.filter(pk=user.pk)
            .annotate(
                events_open=_count(
                    events.filter(community__in=communities_for_user(user).values("pk"))
                )
            )
            .values("events_open")
            .get()
        )
        return DisciplineCounts(events_open=figures["events_open"])
    reports = reports_for_user(user)
    cases = Case.objects.filter(report__in=reports.values("pk"))
    orders = RectificationOrder.objects.filter(finding__inspection__district__in=districts)
    decisions = MeetingDecision.objects.filter(meeting__district__in=districts)
    figures = (
        User.objects.filter(pk=user.pk)
        .annotate(
            reports=_count(reports),
            reports_overdue=_count(reports.filter(report_overdue_q(today))),
            cases_open=_count(cases.exclude(stage=Case.Stage.CONCLUDED)),
            cases_overdue=_count(cases.filter(case_overdue_q(today))),
            inspections=_count(Inspection.objects.filter(district__in=districts)),
            orders_open=_count(orders.filter(closed_on__isnull=True)),
            orders_overdue=_count(orders.filter(deadline_overdue_q(today, done_field="closed_on"))),
            meetings=_count(JointMeeting.objects.filter(district__in=districts)),
            decisions_open=_count(decisions.filter(done_on__isnull=True)),
            decisions_overdue=_count(
                decisions.filter(deadline_overdue_q(today, done_field="done_on"))
            ),
            documents=_count(PublicityDocument.objects.filter(campaign__district__in=districts)),
            events_open=_count(events.filter(district__in=districts)),
            leads=_count(DisciplineLead.objects.filter(district__in=districts)),
        )
        .values(
            "reports",
            "reports_overdue",
            "cases_open",
            "cases_overdue",
            "inspections",
            "orders_open",
            "orders_overdue",
            "meetings",
            "decisions_open",
            "decisions_overdue",
            "documents",
            "events_open",
            "leads",
        )
        .get()
    )
    return DisciplineCounts(reads_district=True, **figures)
