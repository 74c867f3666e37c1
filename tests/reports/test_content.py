"""The weekly report's content: one context for every format, for the office and for a street,
at a fixed number of queries; the workbook and the HTML page written from it."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Community
from election.models import Campaign, CampaignSnapshot, PlanStep
from election.services.plans import campaign_start
from election.services.rollups import campaign_rollups_refresh
from reports.exporters import report_write
from reports.exporters.xlsx import sheet_titles
from reports.selectors import report_context

# the election fixtures (a small rule set and a campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _week() -> tuple[int, int]:
    iso = timezone.localdate().isocalendar()
    return iso.year, iso.week


def _context(district: Any, street: Any = None) -> dict[str, Any]:
    year, week = _week()
    return report_context(district=district, iso_year=year, iso_week=week, street=street)


@pytest.fixture
def started(
    running_campaign: Campaign,  # noqa: F811 - the fixture imported above
) -> Campaign:
    """The running campaign with one overdue and one red step in Riverside, counted."""
    today = timezone.localdate()
    steps = PlanStep.objects.filter(plan__community__name="Riverside").order_by("order")
    last, second = steps.last(), steps[1]
    assert last is not None
    PlanStep.objects.filter(pk=last.pk).update(due_on=today - timedelta(days=3))
    PlanStep.objects.filter(pk=second.pk).update(
        is_red=True, red_reason="Voter list posted 12 days before E"
    )
    campaign_rollups_refresh(campaign_id=running_campaign.pk)
    CampaignSnapshot.objects.update_or_create(
        campaign=running_campaign,
        on=today - timedelta(days=7),
        defaults={"steps_total": 10, "steps_done": 0, "steps_red": 0, "steps_overdue": 0},
    )
    return running_campaign


def test_context_without_a_running_campaign_says_so(district: Any) -> None:
    ctx = _context(district)

    assert ctx["campaign"] is None
    assert ctx["no_campaign_note"]
    assert "Demo District" in ctx["title"]


def test_context_of_the_office_covers_the_district(
    district: Any, started: Campaign, community: Any, other_community: Any
) -> None:
    ctx = _context(district)

    assert ctx["campaign"]["pk"] == started.pk
    assert ctx["headline"]["communities"] == 2
    assert ctx["headline"]["plans"] == 2
    assert [r["community"] for r in ctx["appendix"]] == ["Riverside", "Hillside"]
    open_late = PlanStep.objects.exclude(status="done").filter(due_on__lt=timezone.localdate())
    expected = {
        name: open_late.filter(plan__community__name=name).count()
        for name in ("Riverside", "Hillside")
    }
    assert {r["community"]: r["overdue"] for r in ctx["appendix"]} == expected
    # the most behind first (the fixture made one more of Riverside's steps overdue)
    assert ctx["behind"]["rows"][0]["community"] == "Riverside"
    assert ctx["behind"]["steps"] == sum(expected.values())
    assert [r["red_reason"] for r in ctx["red_flags"]["rows"]] == [
        "Voter list posted 12 days before E"
    ]
    assert {r["street"] for r in ctx["matrix"]["rows"]} == {"First Street", "Second Street"}
    # the handover stage of the small rules is the "audits and handovers" section
    assert [r["step"] for r in ctx["audits"]["rows"]] == ["Handover"]
    assert ctx["audits"]["rows"][0]["overdue"] == 1
    # vetting waits for candidates; discipline, supervision and events are the report's own
    assert {s["key"] for s in ctx["pending_sections"]} == {"vetting"}
    assert all(s["pending"] and s["note"] for s in ctx["pending_sections"])
    assert ctx["discipline"]["figures"][0]["value"] == 0
    assert ctx["events"]["rows"] == []
    # last week's snapshot: 0 done, 0 red
    change = {r["label"]: r for r in ctx["change"]["rows"]}
    assert ctx["change"]["has_previous"]
    assert len(change) == 3


def test_context_of_a_street_holds_only_its_communities(
    district: Any, street: Any, started: Campaign, community: Any, other_community: Any
) -> None:
    ctx = _context(district, street)

    assert ctx["street"]["name"] == "First Street"
    assert [r["community"] for r in ctx["appendix"]] == ["Riverside"]
    assert [r["street"] for r in ctx["matrix"]["rows"]] == ["First Street"]
    assert ctx["headline"]["communities"] == 1
    assert all(r["street"] == "First Street" for r in ctx["survey"]["per_street"])


def test_discipline_section_holds_counts_only(district: Any, started: Campaign) -> None:
    ctx = _context(district)
    discipline = ctx["discipline"]

    # counts, never a person: no field of the report can carry a reporter's identity
    assert set(discipline) == {"figures", "categories", "as_of"}
    assert all(set(f) == {"key", "label", "value"} for f in discipline["figures"])
    assert all(isinstance(f["value"], int) for f in discipline["figures"])


def test_context_costs_the_same_queries_at_two_sizes(
    district: Any,
    street: Any,
    other_street: Any,
    small_rules: Any,  # noqa: F811 - the fixture imported above
    admin_user: Any,
) -> None:
    CommunityFactory(street=street, name="Riverside")
    campaign_ = Campaign.objects.create(
        district=district,
        rule_set=small_rules,
        name="2026",
        starts_on=timezone.localdate() - timedelta(days=30),
        election_on=timezone.localdate() + timedelta(days=30),
        party_election_on=timezone.localdate() + timedelta(days=10),
    )
    campaign_start(campaign=campaign_, by=admin_user)
    campaign_rollups_refresh(campaign_id=campaign_.pk)
    counts = []
    for size in (1, 12):
        for i in range(Community.objects.count(), size):
            c = CommunityFactory(street=other_street if i % 2 else street)
            campaign_.plans.create(
                community=c,
                election_on=campaign_.election_on,
                party_election_on=campaign_.party_election_on,
            )
        for street_ in (None, street):
            with CaptureQueriesContext(connection) as ctx:
                _context(district, street_)
            counts.append((street_ is None, len(ctx.captured_queries)))
    assert counts[0] == counts[2]
    assert counts[1] == counts[3]


def test_workbook_has_the_sheets_headers_and_text_cells(
    district: Any, street: Any, started: Campaign, tmp_path: Path
) -> None:
    CommunityFactory(street=street, name="=1+1")
    ctx = _context(district)
    path = tmp_path / "report.xlsx"
    seen: list[int] = []

    report_write(kind="xlsx", context=ctx, path=path, progress=seen.append)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == sheet_titles(ctx)
    assert len(workbook.sheetnames) == 9
    appendix = workbook[workbook.sheetnames[-1]]
    header = [c.value for c in appendix[1]]
    assert header[:2] == [str(h) for h in header[:2]] and len(header) == 9
    names = {row[1].value: row[1] for row in appendix.iter_rows(min_row=2)}
    assert set(names) == {"=1+1", "Riverside", "Hillside"}
    # a user's "=1+1" is text, never a formula
    assert names["=1+1"].data_type == "s"
    assert seen[-1] == 100


def test_html_page_shows_the_headline_figures(
    district: Any, started: Campaign, tmp_path: Path
) -> None:
    ctx = _context(district)
    path = tmp_path / "report.html"

    report_write(kind="html", context=ctx, path=path)

    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert ctx["title"] in html
    headline = ctx["headline"]
    assert f"{headline['steps_done']} / {headline['steps_total']}" in html
    assert "Riverside" in html and "Hillside" in html
    for section in ctx["pending_sections"]:
        assert section["note"] in html


def test_unknown_kind_is_refused(district: Any, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown"):
        report_write(kind="doc", context=_context(district), path=tmp_path / "x")
