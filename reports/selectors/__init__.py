"""Reads for the weekly report: everything a report shows, gathered once for all formats.

This module assembles the report (`report_context`); `sections.py` computes each section.

`report_context` runs a fixed number of queries whatever the size of the district, all of them in
`snapshot.snapshot_take` (one read transaction, a few aggregates over the steps, never the steps
row by row); the sections are then built from that one snapshot, so they agree with each other.
Long lists (behind schedule, red flags, seat warnings) are capped, with their full count. The
report never holds a reporter's identity: the discipline section carries counts only
(discipline.py reads no identity field nor a report's text), and the major events their titles.
"""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from communities.models import District, Street
from election.models import Campaign

from . import sections, snapshot

# the sections that say "not yet recorded" until their records exist, in report order (vetting
# until the campaign has candidates)
PENDING_SECTIONS = ("vetting",)
# the sections shown only when they have something: the elections held, the statistics table
OPTIONAL_SECTIONS = ("results", "statistics")


def week_range(iso_year: int, iso_week: int) -> tuple[date, date]:
    """Monday and Sunday of an ISO week (ValueError for a week that does not exist)."""
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    return monday, monday + timedelta(days=6)


def report_title(district: District, street: Street | None) -> str:
    if street is None:
        return _("%(district)s community committees re-election: weekly report") % {
            "district": district.name
        }
    return _("%(district)s %(street)s community committees re-election: weekly report") % {
        "district": district.name,
        "street": street.name,
    }


def _headings(shown: frozenset[str] = frozenset()) -> dict[str, str]:
    """Each section's numbered heading, in report order ("1. Headline figures"). The optional
    sections (OPTIONAL_SECTIONS) are numbered only when `shown`, so the numbers never skip."""
    titles = {
        "headline": _("Headline figures"),
        "progress": _("Progress by stage and street"),
        "behind": _("Communities behind schedule and time limits broken"),
        "survey": _("Survey"),
        "seats": _("Seat sizing"),
        "vetting": _("Candidate vetting"),
        "results": _("Election results"),
        "statistics": _("Statistics of the committees"),
        "audits": _("Departure audits and handovers"),
        "discipline": _("Discipline"),
        "supervision": _("Supervision findings and rectifications"),
        "events": _("Major events of the week"),
        "change": _("Change against last week"),
    }
    numerals = [
        pgettext("section number", "1"),
        pgettext("section number", "2"),
        pgettext("section number", "3"),
        pgettext("section number", "4"),
        pgettext("section number", "5"),
        pgettext("section number", "6"),
        pgettext("section number", "7"),
        pgettext("section number", "8"),
        pgettext("section number", "9"),
        pgettext("section number", "10"),
        pgettext("section number", "11"),
        pgettext("section number", "12"),
        pgettext("section number", "13"),
    ]
    keys = [k for k in titles if k not in OPTIONAL_SECTIONS or k in shown]
    headings = {
        key: _("%(number)s. %(title)s") % {"number": number, "title": titles[key]}
        for number, key in zip(numerals, keys, strict=False)
    }
    headings["appendix"] = _("Appendix: every community")
    return headings


def _pending_sections(recorded: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """The sections whose records do not exist yet: each a title and the "not yet recorded"
    line. A section whose records exist (`recorded`: vetting once the campaign has candidates)
    is its own, not listed here.
    """
    titles = {
        "vetting": _("Candidate vetting"),
    }
    figures: dict[str, list[str]] = {}
    note = _("Not yet recorded in the system.")
    return [
        {
            "key": key,
            "title": titles[key],
            "pending": True,
            "note": note,
            "figures": [{"label": label, "value": None} for label in figures.get(key, [])],
            "rows": [],
        }
        for key in PENDING_SECTIONS
        if key not in recorded
    ]


def report_context(
    *, district: District, iso_year: int, iso_week: int, street: Street | None = None
) -> dict[str, Any]:
    """The content of one weekly report (district, or one street of it), for every format.

    Figures are as of the end of the week, or today for the current week (`as_of`). A street
    report restricts every figure and list to the street. Without a running campaign in the
    district, the context says so (`campaign` None) and carries no figures. Read-only; a fixed
    number of queries whatever the size of the district (thirteen, and those of the candidates'
    figures: candidates.py, and of discipline: discipline.py), every figure from one snapshot
    (snapshot.py). The vetting section is the report's own once the campaign has candidates;
    the results and the statistics table come (and are numbered) once an election is recorded;
    discipline, supervision and the major events are always shown. Raises ValueError for a
    week that does not exist.
    """
    week_start, week_end = week_range(iso_year, iso_week)
    today = timezone.localdate()
    as_of = min(today, week_end)
    pending = _pending_sections()
    context: dict[str, Any] = {
        "title": report_title(district, street),
        "district": {"pk": district.pk, "name": district.name},
        "street": {"pk": street.pk, "name": street.name} if street else None,
        "iso_year": iso_year,
        "iso_week": iso_week,
        "week_label": _("Week %(week)s of %(year)s") % {"week": iso_week, "year": iso_year},
        "week_start": week_start,
        "week_end": week_end,
        "as_of": as_of,
        "generated_on": today,
        "headings": _headings(),
        "pending_sections": pending,
        "pending": {section["key"]: section for section in pending},
    }
    campaign = (
        Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING)
        .select_related("rule_set")
        .first()
    )
    if campaign is None:
        context["campaign"] = None
        context["no_campaign_note"] = _("The district has no running re-election campaign.")
        return context
    context["campaign"] = {
        "pk": campaign.pk,
        "name": campaign.name,
        "rule_set": str(campaign.rule_set),
        "starts_on": campaign.starts_on,
        "election_on": campaign.election_on,
        "party_election_on": campaign.party_election_on,
    }
    snap = snapshot.snapshot_take(
        campaign=campaign,
        district=district,
        street=street,
        week_start=week_start,
        week_end=week_end,
        as_of=as_of,
    )
    # from here on, no query: every section is built from the one snapshot
    appendix = sections.appendix(snap)
    headline = sections.headline(snap, appendix)
    vetting = sections.vetting(snap)
    results = sections.results(snap)
    statistics = sections.statistics(snap)
    if vetting is not None:
        pending = _pending_sections(frozenset({"vetting"}))
        context["pending_sections"] = pending
        context["pending"] = {section["key"]: section for section in pending}
    shown = {"results": results is not None, "statistics": statistics is not None}
    context["headings"] = _headings(frozenset(k for k, v in shown.items() if v))
    context.update(
        vetting=vetting,
        results=results,
        statistics=statistics,
        headline=headline,
        stages=snap.stages,
        matrix=sections.streets_by_stages(snap),
        behind=sections.behind_schedule(appendix),
        red_flags=sections.red_flags(snap, headline),
        survey=sections.survey(snap),
        seats=sections.seat_warnings(snap, appendix),
        audits=sections.audits_handovers(snap),
        discipline=sections.discipline(snap),
        supervision=sections.supervision(snap),
        events=sections.events(snap),
        change=sections.change(snap, headline),
        appendix=appendix,
    )
    return context
