"""The discipline and supervision landing page (`discipline:index`, /discipline/).

For whoever sees a community or reads a district: a card per part of the work — reports and
cases, the public form, inspections, rectification orders, joint meetings, publicity, major
events, the discipline leads — with a link to its list, shown only when the page exists and the
user may open it (the same checks as the pages). The district's readers (the office, the
discipline officers, the supervision team, a superuser) see every part's counts; a street
official or a leader the major events not acknowledged. Anyone else gets a 404. One query for
the counts (discipline.selectors.dashboard) and four for the reach.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from communities.permissions import communities_for_user
from core.http import AuthenticatedHttpRequest, OutOfScope

from ..permissions import lead_list_districts, reading_districts
from ..selectors.dashboard import DisciplineCounts, discipline_counts
from ..selectors.events import event_reach


def url_of(name: str) -> str:
    return reverse(f"discipline:{name}")


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    alert: bool = False


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    text: str
    url: str
    figures: list[Figure]


@dataclass(frozen=True)
class Reach:
    """Which parts' pages the user may open (the same checks as those pages)."""

    communities: bool  # reports, inspections, orders, publicity
    districts: bool  # joint meetings
    events: bool
    leads: bool


def reach_of(user: User) -> Reach:
    return Reach(
        communities=communities_for_user(user).exists(),
        districts=reading_districts(user).exists(),
        events=event_reach(user),
        leads=lead_list_districts(user).exists(),
    )


def index_cards(reach: Reach, counts: DisciplineCounts) -> list[Card]:
    """The cards of the page, in the order of the work: only the pages that the
    user may open. A district's reader sees every count; anyone else the major events only."""
    c = counts
    full = counts.reads_district

    def figures(*rows: Figure) -> list[Figure]:
        return list(rows) if full else []

    cards = [
        (
            reach.communities,
            Card(
                "reports",
                _("Reports and cases"),
                _("Every report is investigated: received, verified, investigated, concluded."),
                url_of("reports"),
                figures(
                    Figure(_("Reports received"), c.reports),
                    Figure(_("No case opened in time"), c.reports_overdue, alert=True),
                    Figure(_("Cases open"), c.cases_open),
                    Figure(_("Cases overdue"), c.cases_overdue, alert=True),
                ),
            ),
        ),
        (
            True,
            Card(
                "public",
                _("Public report form"),
                _("The public reports here without signing in and gets a receipt code."),
                url_of("public-report"),
                [],
            ),
        ),
        (
            reach.communities,
            Card(
                "inspections",
                _("Inspections"),
                _("Weekly inspections of the supervision team and joint inspections."),
                url_of("inspections"),
                figures(Figure(_("Inspections"), c.inspections)),
            ),
        ),
        (
            reach.communities,
            Card(
                "orders",
                _("Rectification orders"),
                _("What the inspections found must be put right by its deadline."),
                url_of("orders"),
                figures(
                    Figure(_("Open"), c.orders_open),
                    Figure(_("Overdue"), c.orders_overdue, alert=True),
                ),
            ),
        ),
        (
            reach.districts,
            Card(
                "meetings",
                _("Joint meetings"),
                _("Meetings of the member units and their decisions, followed up."),
                url_of("meetings"),
                figures(
                    Figure(_("Meetings"), c.meetings),
                    Figure(_("Decisions open"), c.decisions_open),
                    Figure(_("Decisions overdue"), c.decisions_overdue, alert=True),
                ),
            ),
        ),
        (
            reach.communities,
            Card(
                "publicity",
                _("Publicity of the discipline rules"),
                _("The discipline texts and each community's publicity figures."),
                url_of("publicity"),
                figures(Figure(_("Discipline texts"), c.documents)),
            ),
        ),
        (
            reach.events,
            Card(
                "events",
                _("Major events"),
                _("Major events and important information, until the office acknowledges them."),
                url_of("events"),
                [Figure(_("Not acknowledged"), c.events_open, alert=True)],
            ),
        ),
        (
            reach.leads,
            Card(
                "leads",
                _("Discipline leads"),
                _("The discipline officers who lead the district's discipline work."),
                url_of("lead-list"),
                figures(Figure(_("Leads"), c.leads)),
            ),
        ),
    ]
    return [card for shown, card in cards if shown]


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    reach = reach_of(user)
    if not (reach.communities or reach.districts):
        raise OutOfScope
    counts = discipline_counts(user, today=timezone.localdate())
    return render(
        request,
        "discipline/index.html",
        {"counts": counts, "cards": index_cards(reach, counts)},
    )
