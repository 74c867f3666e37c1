"""The discipline and supervision landing page (`discipline:index`, /discipline/).

For the district's readers: the office, the discipline officers, the supervision team (and a
superuser). A card per part of the work — reports and cases, the public form, inspections,
rectification orders, joint meetings, publicity, major events, the discipline leads — each with
its counts and a link to its list. A card is shown only when its page exists and the role may
open it. Anyone else gets a 404. One query for the counts (discipline.selectors.dashboard).
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from core.http import AuthenticatedHttpRequest, OutOfScope

from ..selectors.dashboard import DisciplineCounts, discipline_counts

# the roles that read the district's discipline and supervision work as a whole
READER_ROLES = (User.Role.OFFICE, User.Role.DISCIPLINE, User.Role.SUPERVISOR)
# the roles that see the page of the discipline leads
LEAD_LIST_ROLES = (User.Role.OFFICE, User.Role.DISCIPLINE)


def url_or_empty(name: str) -> str:
    """The URL of `discipline:<name>`, or "" while that page does not exist."""
    try:
        return reverse(f"discipline:{name}")
    except NoReverseMatch:
        return ""


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


def index_cards(user: User, counts: DisciplineCounts) -> list[Card]:
    """The cards of the page for `user`, in the order of the work; only existing pages."""
    c = counts
    cards = [
        Card(
            "reports",
            _("Reports and cases"),
            _("Every report is investigated: received, verified, investigated, concluded."),
            url_or_empty("reports"),
            [
                Figure(_("Reports received"), c.reports),
                Figure(_("No case opened in time"), c.reports_overdue, alert=True),
                Figure(_("Cases open"), c.cases_open),
                Figure(_("Cases overdue"), c.cases_overdue, alert=True),
            ],
        ),
        Card(
            "public",
            _("Public report form"),
            _("The public reports here without signing in and gets a receipt code."),
            url_or_empty("public-report"),
            [],
        ),
        Card(
            "inspections",
            _("Inspections"),
            _("Weekly inspections of the supervision team and joint inspections."),
            url_or_empty("inspections"),
            [Figure(_("Inspections"), c.inspections)],
        ),
        Card(
            "orders",
            _("Rectification orders"),
            _("What the inspections found must be put right by its deadline."),
            url_or_empty("orders"),
            [
                Figure(_("Open"), c.orders_open),
                Figure(_("Overdue"), c.orders_overdue, alert=True),
            ],
        ),
        Card(
            "meetings",
            _("Joint meetings"),
            _("Meetings of the member units and their decisions, followed up."),
            url_or_empty("meetings"),
            [
                Figure(_("Meetings"), c.meetings),
                Figure(_("Decisions open"), c.decisions_open),
                Figure(_("Decisions overdue"), c.decisions_overdue, alert=True),
            ],
        ),
        Card(
            "publicity",
            _("Publicity of the discipline rules"),
            _("The discipline texts and each community's publicity figures."),
            url_or_empty("publicity"),
            [Figure(_("Discipline texts"), c.documents)],
        ),
        Card(
            "events",
            _("Major events"),
            _("Major events and important information, until the office acknowledges them."),
            url_or_empty("events"),
            [Figure(_("Not acknowledged"), c.events_open, alert=True)],
        ),
    ]
    if user.is_superuser or user.role in LEAD_LIST_ROLES:
        cards.append(
            Card(
                "leads",
                _("Discipline leads"),
                _("The discipline officers who lead the district's discipline work."),
                url_or_empty("lead-list"),
                [Figure(_("Leads"), c.leads)],
            )
        )
    return [card for card in cards if card.url]


@require_GET
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or user.role in READER_ROLES):
        raise OutOfScope
    counts = discipline_counts(user, today=timezone.localdate())
    if not counts.reads_district:
        raise OutOfScope
    return render(
        request,
        "discipline/index.html",
        {"counts": counts, "cards": index_cards(user, counts)},
    )
