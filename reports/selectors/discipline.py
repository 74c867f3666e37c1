"""Discipline, supervision and major events of the weekly report, read inside the report's one
snapshot.

Counts of the district (or of one street: the records of its communities), as of the report's
day `as_of` and for its week (Monday to `as_of`):

- **reports**: received by `as_of` (in total and in the week); **investigated**: a case opened by
  `as_of`; **substantiated**: the case concluded by then as substantiated or partly so;
  **concluded**: the case concluded by then. A report is **overdue** when no case was opened by
  its day to open one (`report_overdue_q`, or a case opened only after `as_of`); a case when it
  was not concluded by its due day (`case_overdue_q`, or concluded only after `as_of`). Also per
  category. Nothing here reads a reporter's identity or a report's text: the values read are
  counts, categories and dates.
- **supervision**: the inspections held by `as_of` (weekly and joint, in total and in the week),
  their findings, and the rectification orders open, overdue and closed as of `as_of`.
- **major events**: those that occurred in the week (title, community, severity, when, when
  acknowledged and the hours it took), and the events not acknowledged as of `as_of`. A street's
  report has only the events of its communities.

Seven queries whatever the size of the district.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from communities.models import District, Street
from discipline.models import (
    Case,
    Inspection,
    InspectionFinding,
    MajorEvent,
    RectificationOrder,
    Report,
)
from discipline.selectors.overdue import case_overdue_q, deadline_overdue_q, report_overdue_q

# the week's major events listed in the report (their number is counted in full)
EVENTS_LIMIT = 50


@dataclass(frozen=True)
class DisciplineFigures:
    reports: dict[str, int] = field(default_factory=dict)
    categories: list[dict[str, Any]] = field(default_factory=list)
    inspections: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    events_counts: dict[str, int] = field(default_factory=dict)


def _end_of(day: date) -> datetime:
    """The first moment after `day`, in the project's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _in_scope(qs: QuerySet, district: District, street: Street | None, community: str) -> QuerySet:  # type: ignore[type-arg]
    qs = qs.filter(**{f"{community}street__district": district})
    if street is not None:
        qs = qs.filter(**{f"{community}street": street})
    return qs


def _report_figures(
    district: District, street: Street | None, *, week_start: date, as_of: date
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    end = _end_of(as_of)
    reports = _in_scope(
        Report.objects.filter(received_at__lt=end), district, street, "community__"
    ).order_by()
    opened = Q(case__opened_at__lt=end)
    concluded = Q(case__concluded_at__lt=end)
    substantiated = concluded & Q(
        case__outcome__in=[Case.Outcome.SUBSTANTIATED, Case.Outcome.PARTLY]
    )
    # overdue as of the report's day: still without a case now, or its case opened after then
    report_overdue = report_overdue_q(as_of) | Q(open_due_on__lt=as_of, case__opened_at__gte=end)
    case_overdue = opened & (
        case_overdue_q(as_of, prefix="case__")
        | Q(case__due_on__lt=as_of, case__concluded_at__gte=end)
    )
    this_week = Q(received_at__gte=_start_of(week_start))
    figures = reports.aggregate(
        received=Count("pk"),
        received_week=Count("pk", filter=this_week),
        online=Count("pk", filter=Q(channel=Report.Channel.ONLINE)),
        investigated=Count("pk", filter=opened),
        substantiated=Count("pk", filter=substantiated),
        concluded=Count("pk", filter=concluded),
        reports_overdue=Count("pk", filter=report_overdue),
        cases_overdue=Count("pk", filter=case_overdue),
    )
    labels = dict(Report.Category.choices)
    categories = [
        {
            "key": r["category"],
            "label": str(labels.get(r["category"], r["category"])),
            "received": r["received"],
            "investigated": r["investigated"],
            "substantiated": r["substantiated"],
            "concluded": r["concluded"],
        }
        for r in reports.values("category")
        .annotate(
            received=Count("pk"),
            investigated=Count("pk", filter=opened),
            substantiated=Count("pk", filter=substantiated),
            concluded=Count("pk", filter=concluded),
        )
        .order_by("-received", "category")
    ]
    return figures, categories


def _supervision_figures(
    district: District, street: Street | None, *, week_start: date, as_of: date
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    inspections = Inspection.objects.filter(district=district, held_on__lte=as_of)
    if street is not None:
        inspections = inspections.filter(communities__street=street)
    week = Q(held_on__gte=week_start)
    weekly = Q(kind=Inspection.Kind.WEEKLY)
    joint = Q(kind=Inspection.Kind.JOINT)
    # distinct: a street's inspection visits several of its communities
    ins = inspections.order_by().aggregate(
        total=Count("pk", distinct=True),
        week=Count("pk", filter=week, distinct=True),
        weekly=Count("pk", filter=weekly, distinct=True),
        weekly_week=Count("pk", filter=weekly & week, distinct=True),
        joint=Count("pk", filter=joint, distinct=True),
        joint_week=Count("pk", filter=joint & week, distinct=True),
    )
    findings = _in_scope(
        InspectionFinding.objects.filter(
            inspection__district=district, inspection__held_on__lte=as_of
        ),
        district,
        street,
        "community__",
    ).order_by()
    fin = findings.aggregate(
        total=Count("pk"), week=Count("pk", filter=Q(inspection__held_on__gte=week_start))
    )
    orders = RectificationOrder.objects.filter(finding__in=findings.values("pk")).filter(
        created_at__lt=_end_of(as_of)
    )
    closed = Q(closed_on__lte=as_of)
    overdue = deadline_overdue_q(as_of, done_field="closed_on") | Q(
        due_on__lt=as_of, closed_on__gt=as_of
    )
    ords = orders.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~closed),
        overdue=Count("pk", filter=overdue),
        closed=Count("pk", filter=closed),
        closed_week=Count("pk", filter=closed & Q(closed_on__gte=week_start)),
    )
    return ins, fin, ords


def _event_figures(
    district: District, street: Street | None, *, week_start: date, as_of: date
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    end = _end_of(as_of)
    events = MajorEvent.objects.filter(district=district, occurred_at__lt=end)
    if street is not None:
        events = events.filter(community__street=street)
    week = Q(occurred_at__gte=_start_of(week_start))
    unacknowledged = Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=end)
    counts = events.order_by().aggregate(
        week=Count("pk", filter=week),
        open=Count("pk", filter=unacknowledged),
        serious_week=Count(
            "pk",
            filter=week
            & Q(severity__in=[MajorEvent.Severity.SERIOUS, MajorEvent.Severity.CRITICAL]),
        ),
    )
    severities = dict(MajorEvent.Severity.choices)
    rows = []
    # the title, never the facts: the facts may name people
    for e in (
        events.filter(week)
        .order_by("occurred_at", "pk")
        .values(
            "pk",
            "title",
            "severity",
            "occurred_at",
            "acknowledged_at",
            "community__name",
            "community__street__name",
        )[:EVENTS_LIMIT]
    ):
        acknowledged = (
            e["acknowledged_at"] if e["acknowledged_at"] and e["acknowledged_at"] < end else None
        )
        hours = None
        if acknowledged is not None:
            hours = round(max((acknowledged - e["occurred_at"]).total_seconds(), 0) / 3600, 1)
        rows.append(
            {
                "title": e["title"],
                "street": e["community__street__name"] or "",
                "community": e["community__name"] or "",
                "severity": str(severities.get(e["severity"], e["severity"])),
                "severity_key": e["severity"],
                "occurred_at": timezone.localtime(e["occurred_at"]),
                "acknowledged_at": timezone.localtime(acknowledged) if acknowledged else None,
                "hours_to_acknowledge": hours,
            }
        )
    return rows, counts


def discipline_figures(
    district: District, street: Street | None, *, week_start: date, as_of: date
) -> DisciplineFigures:
    """The three sections' figures (see the module's docstring); seven queries."""
    reports, categories = _report_figures(district, street, week_start=week_start, as_of=as_of)
    inspections, findings, orders = _supervision_figures(
        district, street, week_start=week_start, as_of=as_of
    )
    events, events_counts = _event_figures(district, street, week_start=week_start, as_of=as_of)
    return DisciplineFigures(
        reports=reports,
        categories=categories,
        inspections=inspections,
        findings=findings,
        orders=orders,
        events=events,
        events_counts=events_counts,
    )
