"""The weekly report's departure audits and handovers: figures from the audits' own records, for
the district and for a street, read in the report's one snapshot at a fixed number of queries,
and written to the HTML page and the workbook."""

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.exporters import report_write
from reports.selectors import report_context
from tests.audits.matrix_overview import audit_campaign, audit_records
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _context(district: Any, street: Any = None) -> dict[str, Any]:
    iso = timezone.localdate().isocalendar()
    return report_context(district=district, iso_year=iso.year, iso_week=iso.week, street=street)


@pytest.fixture
def audited(district: Any, community: Any, other_community: Any, admin_user: Any) -> Any:
    today = timezone.localdate()
    campaign = audit_campaign(district, today=today, by=admin_user)
    for plan in campaign.plans.select_related("community__street__district"):
        audit_records(plan, today=today, by=admin_user)
    return campaign


def _figures(ctx: dict[str, Any]) -> dict[str, Any]:
    return {f["key"]: f["value"] for f in ctx["audits"]["figures"]}


def test_district_figures(district: Any, audited: Any) -> None:
    ctx = _context(district)
    figures = _figures(ctx)
    assert figures["engagements"] == 4
    assert figures["postings_late"] == 2
    assert figures["postings_missing"] == 2
    assert figures["findings"] == 4
    assert str(figures["findings_amount"].quantize(1)) == "2241"
    assert figures["rectifications_open"] == 2
    assert figures["rectifications_overdue"] == 2
    assert figures["handovers_done"] == 2
    assert figures["handovers_overdue"] == 2
    assert figures["refusals"] == 2
    assert figures["refusals_unacknowledged"] == 2
    states = {s["key"]: s["value"] for s in ctx["audits"]["states"]}
    assert states == {"engaged": 0, "fieldwork": 2, "draft": 0, "reported": 0, "posted": 2}
    # the plans' audit and handover steps are still counted per step
    assert [r["step"] for r in ctx["audits"]["rows"]] == [
        "Firm engaged",
        "Results posted",
        "Handover",
    ]


def test_street_report_counts_its_street_only(district: Any, street: Any, audited: Any) -> None:
    figures = _figures(_context(district, street))
    assert figures["engagements"] == 2
    assert figures["refusals_unacknowledged"] == 1


def test_acknowledged_refusal_and_closed_item(district: Any, audited: Any, office: Any) -> None:
    from audits.models import HandoverRefusal, Rectification

    refusal = HandoverRefusal.objects.first()
    assert refusal is not None
    refusal.acknowledged_at = timezone.now()
    refusal.acknowledged_by = office
    refusal.save()
    Rectification.objects.filter(closed_on__isnull=True).update(closed_on=timezone.localdate())
    figures = _figures(_context(district))
    assert figures["refusals_unacknowledged"] == 1
    assert figures["rectifications_open"] == 0
    assert figures["rectifications_overdue"] == 0


def test_queries_do_not_grow(district: Any, audited: Any, admin_user: Any, street: Any) -> None:
    with CaptureQueriesContext(connection) as few:
        _context(district)
    for n in range(6):
        CommunityFactory(street=street, name=f"新社区{n}")
    today = timezone.localdate()
    campaign = audit_campaign(district, today=today, by=admin_user)
    for plan in campaign.plans.filter(audit_engagements__isnull=True).select_related(
        "community__street__district"
    ):
        audit_records(plan, today=today, by=admin_user)
    with CaptureQueriesContext(connection) as many:
        ctx = _context(district)
    assert _figures(ctx)["engagements"] == 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_html_and_workbook(district: Any, audited: Any, tmp_path: Path) -> None:
    ctx = _context(district)
    html = tmp_path / "report.html"
    report_write(kind="html", context=ctx, path=html)
    text = html.read_text()
    assert "audit-figures" in text
    assert "拒不移交" in text or "拒绝移交" in text
    xlsx = tmp_path / "report.xlsx"
    report_write(kind="xlsx", context=ctx, path=xlsx)
    book = openpyxl.load_workbook(xlsx)
    sheet = next(s for s in book.worksheets if "审计" in s.title and "数" in s.title)
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["审计发现问题"] == 4
