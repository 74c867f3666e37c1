"""Reads of the reports and their cases, for the list, its workbook, a report's page and a
candidate's vetting. None of these reads the reporter's identity or the report's text unless
the caller has checked `can_see_identity` (only `report_secret` does, for one report).

Lists filter in SQL and keep a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, Prefetch, Q, QuerySet, Value, When
from django.db.models import Case as SqlCase

from accounts.models import User
from communities.models import Street
from communities.permissions import communities_for_user

from ..models import Case, CaseEntry, Report, ReportAttachment
from ..permissions import reports_for_user
from .overdue import case_overdue_q, report_overdue_q

# the columns everyone in scope may read: never an identity field
PUBLIC_FIELDS = (
    "pk",
    "number",
    "district_id",
    "district__name",
    "community_id",
    "community__name",
    "community__street__name",
    "category",
    "channel",
    "state",
    "received_at",
    "open_due_on",
)


@dataclass(frozen=True)
class ReportFilters:
    state: str = ""
    category: str = ""
    street: int | None = None
    # "1": no case opened in time or the case past its due day; "report": only the former;
    # "case": only the latter
    overdue: str = ""

    def query(self) -> str:
        parts = []
        if self.state:
            parts.append(f"state={self.state}")
        if self.category:
            parts.append(f"category={self.category}")
        if self.street:
            parts.append(f"street={self.street}")
        if self.overdue:
            parts.append(f"overdue={self.overdue}")
        return "&".join(parts)


OVERDUE_FILTERS = ("1", "report", "case")


def report_filters_parse(params: Any) -> ReportFilters:
    """The list's filters from a query string; unknown values are ignored."""
    state = params.get("state", "")
    category = params.get("category", "")
    street = params.get("street", "")
    overdue = params.get("overdue", "")
    return ReportFilters(
        state=state if state in Report.State.values else "",
        category=category if category in Report.Category.values else "",
        street=int(street) if street.isascii() and street.isdigit() and len(street) < 18 else None,
        overdue=overdue if overdue in OVERDUE_FILTERS else "",
    )


def overdue_q(today: date) -> Q:
    """A report with no case past its day to open one, or whose case is past its due day."""
    return report_overdue_q(today) | case_overdue_q(today, prefix="case__")


def reports_list(user: User, *, filters: ReportFilters, today: date) -> QuerySet[Report]:
    """The reports the user may see, filtered, newest first, each with `is_overdue` and its case
    (outcome, stage) joined: one query, and only the public columns loaded."""
    reports = (
        reports_for_user(user)
        .select_related("case")
        .only(
            *[f for f in PUBLIC_FIELDS if f != "pk"],
            "case__id",
            "case__stage",
            "case__outcome",
            "case__due_on",
            "case__concluded_at",
        )
        .annotate(
            is_overdue=SqlCase(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if filters.state:
        reports = reports.filter(state=filters.state)
    if filters.category:
        reports = reports.filter(category=filters.category)
    if filters.street:
        reports = reports.filter(community__street_id=filters.street)
    if filters.overdue == "report":
        reports = reports.filter(report_overdue_q(today))
    elif filters.overdue == "case":
        reports = reports.filter(case_overdue_q(today, prefix="case__"))
    elif filters.overdue:
        reports = reports.filter(overdue_q(today))
    return reports.order_by("-received_at", "-pk")


def report_streets(user: User) -> QuerySet[Street]:
    """The streets of the communities the user sees (the list's street filter)."""
    return Street.objects.filter(pk__in=communities_for_user(user).values("street_id")).order_by(
        "name", "pk"
    )


def report_public(user: User, pk: int) -> Report | None:
    """One report as everyone in scope may read it: the public columns and its case."""
    return (
        reports_for_user(user)
        .select_related("case")
        .only(
            *[f for f in PUBLIC_FIELDS if f != "pk"],
            "case__id",
            "case__stage",
            "case__outcome",
            "case__due_on",
            "case__opened_at",
            "case__concluded_at",
            "case__version",
        )
        .filter(pk=pk)
        .first()
    )


@dataclass
class ReportSecret:
    """What only the officers on the case and the district's leads read."""

    report: Report
    attachments: list[ReportAttachment]
    entries: list[CaseEntry]
    officers: list[User]


def report_secret(report: Report) -> ReportSecret:
    """The identity, text, attachments, case, officers and entries of one report (a fixed
    number of queries). Call only after `can_see_identity`."""
    full = (
        Report.objects.select_related("community__street", "candidate", "case")
        .prefetch_related(
            Prefetch("attachments", queryset=ReportAttachment.objects.order_by("pk")),
        )
        .get(pk=report.pk)
    )
    case = getattr(full, "case", None)
    entries: list[CaseEntry] = []
    officers: list[User] = []
    if case is not None:
        entries = list(case.entries.select_related("created_by").order_by("created_at", "pk"))
        officers = list(case.officers.order_by("display_name", "username"))
    return ReportSecret(
        report=full, attachments=list(full.attachments.all()), entries=entries, officers=officers
    )


# --- a candidate's vetting ------------------------------------------------------------------------

SUBSTANTIATED = (Case.Outcome.SUBSTANTIATED, Case.Outcome.PARTLY)


def candidate_cases(candidate_id: int) -> list[dict[str, Any]]:
    """The concluded cases that found a report against the candidate substantiated, even in
    part: number, category, outcome and day concluded (no identity, no text). One query."""
    rows = (
        Case.objects.filter(report__candidate_id=candidate_id, outcome__in=SUBSTANTIATED)
        .exclude(concluded_at__isnull=True)
        .order_by("concluded_at", "pk")
        .values("report__number", "report__category", "outcome", "concluded_at")
    )
    categories = dict(Report.Category.choices)
    outcomes = dict(Case.Outcome.choices)
    return [
        {
            "number": row["report__number"],
            "category": categories.get(row["report__category"], row["report__category"]),
            "outcome": outcomes.get(row["outcome"], row["outcome"]),
            "outcome_code": row["outcome"],
            "concluded_at": row["concluded_at"],
        }
        for row in rows
    ]


def candidate_cases_part(candidate: Any, user: User) -> Any:
    """The card of the candidate's page listing substantiated cases (None when there is none)."""
    from django.utils.translation import gettext as _

    from election.selectors.plan_parts import CandidatePagePart

    rows = candidate_cases(candidate.pk)
    if not rows:
        return None
    return CandidatePagePart(
        title=_("Substantiated discipline reports"),
        template="discipline/reports/_candidate_part.html",
        context={"cases": rows},
    )
