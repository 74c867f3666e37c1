"""The weekly report's discipline, supervision and major-events sections: counts as of the report's
day for the district or a street, never a reporter's identity, at a fixed number of queries."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from election.models import Campaign
from reports.exporters import report_write
from reports.exporters.xlsx import sheet_titles
from reports.selectors import report_context

# the election fixtures (a small rule set and a campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.reports.discipline_records import SECRET_NAME, SECRET_TEXT, discipline_records

pytestmark = pytest.mark.django_db


def _context(district: Any, street: Any = None, weeks_back: int = 0) -> dict[str, Any]:
    iso = (timezone.localdate() - timedelta(weeks=weeks_back)).isocalendar()
    return report_context(district=district, iso_year=iso.year, iso_week=iso.week, street=street)


def _figures(section: dict[str, Any]) -> dict[str, int]:
    return {f["key"]: f["value"] for f in section["figures"]}


@pytest.fixture
def records(
    running_campaign: Campaign,  # noqa: F811 - the fixture imported above
    community: Any,
    other_community: Any,
    admin_user: Any,
) -> Any:
    return discipline_records(community, other_community, today=timezone.localdate(), by=admin_user)


def test_district_report_counts_reports_cases_inspections_and_events(
    district: Any, records: Any
) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    ctx = _context(district)

    assert ctx["pending_sections"] == [] or [s["key"] for s in ctx["pending_sections"]] == [
        "vetting"
    ]
    assert _figures(ctx["discipline"]) == {
        "received": 5,
        "received_week": 1,
        "online": 1,
        "investigated": 3,
        "substantiated": 1,
        "concluded": 2,
        "reports_overdue": 1,
        "cases_overdue": 1,
    }
    by_category = {c["key"]: c for c in ctx["discipline"]["categories"]}
    assert by_category["vote_buying"]["received"] == 3
    assert by_category["vote_buying"]["substantiated"] == 1
    assert by_category["rumours"]["concluded"] == 1
    assert _figures(ctx["supervision"]) == {
        "inspections": 2,
        "inspections_week": 1,
        "weekly": 1,
        "joint": 1,
        "findings": 2,
        "findings_week": 1,
        "orders": 3,
        "orders_open": 2,
        "orders_overdue": 1,
        "orders_closed": 1,
        "orders_closed_week": int(today - timedelta(days=5) >= monday),
    }
    events = ctx["events"]
    yesterday_in_week = today - timedelta(days=1) >= monday
    assert events["open"] == 1
    assert events["count"] == 1 + yesterday_in_week
    rows = {r["title"]: r for r in events["rows"]}
    assert rows["候选人被威胁"]["acknowledged_at"] is None
    if yesterday_in_week:
        assert rows["群众聚集"]["hours_to_acknowledge"] == 3.0


def test_street_report_counts_only_its_communities(
    district: Any, street: Any, records: Any
) -> None:
    ctx = _context(district, street)

    d = _figures(ctx["discipline"])
    assert (d["received"], d["investigated"], d["substantiated"], d["concluded"]) == (3, 1, 1, 1)
    assert (d["reports_overdue"], d["cases_overdue"], d["online"]) == (1, 0, 0)
    s = _figures(ctx["supervision"])
    assert (s["inspections"], s["findings"], s["orders"], s["orders_overdue"]) == (2, 1, 1, 0)
    assert [r["title"] for r in ctx["events"]["rows"]] == ["候选人被威胁"]


def test_a_week_before_the_records_counts_nothing(district: Any, records: Any) -> None:
    ctx = _context(district, weeks_back=10)

    assert set(_figures(ctx["discipline"]).values()) == {0}
    assert set(_figures(ctx["supervision"]).values()) == {0}
    assert ctx["events"]["rows"] == [] and ctx["events"]["open"] == 0


def test_a_case_concluded_after_the_reports_day_was_open_then(district: Any, records: Any) -> None:
    """The substantiated case concluded two days ago: a report as of three days earlier counts
    it investigated but not concluded."""
    report = records.reports["substantiated"]
    report.case.concluded_at = timezone.now() + timedelta(days=30)
    report.case.save()
    ctx = _context(district)

    d = _figures(ctx["discipline"])
    assert (d["investigated"], d["substantiated"], d["concluded"]) == (3, 0, 1)


def test_no_format_holds_a_reporters_identity(district: Any, records: Any, tmp_path: Path) -> None:
    with CaptureQueriesContext(connection) as queries:
        ctx = _context(district)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reporter_" not in sql
    assert '"discipline_report"."text"' not in sql
    assert '"discipline_majorevent"."facts"' not in sql
    html = tmp_path / "report.html"
    report_write(kind="html", context=ctx, path=html)
    text = html.read_text(encoding="utf-8")
    assert ctx["headings"]["discipline"] in text and ctx["headings"]["events"] in text
    assert "候选人被威胁" in text
    xlsx = tmp_path / "report.xlsx"
    report_write(kind="xlsx", context=ctx, path=xlsx, progress=lambda _n: None)
    workbook = openpyxl.load_workbook(xlsx)
    assert workbook.sheetnames == sheet_titles(ctx)
    cells = [
        str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value
    ]
    assert "候选人被威胁" in cells
    for output in (text, " ".join(cells)):
        assert SECRET_NAME not in output
        assert SECRET_TEXT not in output
        assert "13900000000" not in output
        assert "事实经过" not in output


def test_sections_are_numbered_in_order(district: Any, records: Any) -> None:
    with translation.override("en"):
        headings = _context(district)["headings"]
    numbers = [
        int(headings[key].split(".")[0])
        for key in ("audits", "discipline", "supervision", "events", "change")
    ]
    assert numbers == list(range(numbers[0], numbers[0] + 5))


def test_the_sections_cost_the_same_queries_with_more_records(
    district: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    records: Any,
) -> None:
    with CaptureQueriesContext(connection) as small:
        _context(district)
    discipline_records(community, other_community, today=timezone.localdate(), by=admin_user)
    with CaptureQueriesContext(connection) as large:
        ctx = _context(district)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert _figures(ctx["discipline"])["received"] == 10
