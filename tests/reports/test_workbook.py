"""The weekly report's workbook reads well when opened: frozen header rows, columns as wide as
their content, counts with a thousands separator, shares as percentages, dates as dates."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from election.models import Campaign, PlanStep, SurveyLedger
from reports.exporters import report_write
from reports.selectors import report_context

# the election fixtures (a small rule set and a running campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

LONG_NAME = "Riverside Garden and Old Market Quarter Residents Community"


@pytest.fixture
def workbook(
    district: Any,
    street: Any,
    running_campaign: Campaign,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> openpyxl.Workbook:
    today = timezone.localdate()
    steps = list(PlanStep.objects.filter(plan__campaign=running_campaign).order_by("pk"))
    PlanStep.objects.filter(pk__in=[s.pk for s in steps[:3]]).update(
        status=PlanStep.Status.DONE, done_on=today - timedelta(days=1)
    )
    CommunityFactory(street=street, name=LONG_NAME)
    plan = running_campaign.plans.first()
    assert plan is not None
    SurveyLedger.objects.update_or_create(plan=plan, defaults={"households_visited": 12345})
    iso = today.isocalendar()
    ctx = report_context(district=district, iso_year=iso.year, iso_week=iso.week)
    path = tmp_path / "report.xlsx"
    report_write(kind="xlsx", context=ctx, path=path)
    return openpyxl.load_workbook(path)


def _column(ws: Any, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(f"no column {header!r} in {[c.value for c in ws[1]]}")


def test_every_sheet_freezes_its_header_row(workbook: openpyxl.Workbook) -> None:
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(c.font.bold for c in ws[1] if c.value), ws.title


def test_columns_are_as_wide_as_their_content(workbook: openpyxl.Workbook) -> None:
    appendix = workbook.worksheets[-1]
    community = _column(appendix, _("Community"))
    overdue = _column(appendix, _("Overdue"))

    widths = {k: appendix.column_dimensions[k].width for k in (community, overdue)}
    # the long name fits; a column of small numbers stays narrow
    assert widths[community] >= len(LONG_NAME)
    assert widths[overdue] < 20
    for ws in workbook.worksheets:
        for i in range(1, ws.max_column + 1):
            letter = openpyxl.utils.get_column_letter(i)
            assert 6 <= ws.column_dimensions[letter].width <= 60, (ws.title, letter)


def test_counts_shares_and_dates_are_formatted(workbook: openpyxl.Workbook) -> None:
    survey = workbook[_("Survey")]
    visited = _column(survey, _("Households visited"))
    cells = [c for c in survey[visited][1:] if c.value == 12345]
    assert cells and all(c.number_format == "#,##0" for c in cells)

    stages = workbook[_("Stages")]
    share = _column(stages, _("Share done"))
    shares = [c for c in stages[share][1:] if c.value is not None]
    assert shares
    for c in shares:
        # 0.5 shown as "50%", never 50 shown as "50"
        assert c.number_format == "0%" and 0 <= c.value <= 1

    summary = workbook.worksheets[0]
    dates = [c for row in summary.iter_rows(min_row=2) for c in row if isinstance(c.value, date)]
    assert dates and all(c.number_format == "yyyy-mm-dd" for c in dates)
    counts = [c for c in summary["B"][1:] if isinstance(c.value, int)]
    assert counts and all(c.number_format == "#,##0" for c in counts)
