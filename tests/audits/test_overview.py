"""The audits overview: who reads which streets, the figures a user would check by hand, the
links behind them, the workbook, and a query count that does not grow with the district."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audits.selectors.overview import overview_scope, overview_take
from election.models import PlanStep
from election.services.plans import plan_refresh
from tests.audits.matrix_overview import POSTING_LEAD, audit_campaign, audit_records
from tests.factories import CommunityFactory, StreetFactory

URL = "/audits/overview/"


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def records(
    district: Any, community: Any, other_community: Any, admin_user: Any, today: date
) -> dict[str, Any]:
    audit_campaign(district, today=today, by=admin_user)
    mine = audit_records(community.plans.get(), today=today, by=admin_user)
    theirs = audit_records(other_community.plans.get(), today=today, by=admin_user)
    return {"mine": mine, "theirs": theirs}


def test_urls() -> None:
    assert reverse("audits:overview") == URL
    assert reverse("audits:overview-xlsx") == "/audits/overview.xlsx"


def test_office_sees_the_district_figures(
    as_user: Any, office: Any, records: Any, street: Any, other_street: Any
) -> None:
    overview = overview_take(overview_scope(office), today=timezone.localdate())
    assert overview.scope.is_district
    assert [r.name for r in overview.rows] == sorted([street.name, other_street.name])
    total = overview.total
    assert total.engagements == 4
    assert total.states["posted"] == 2
    assert total.states["fieldwork"] == 2
    assert total.states["engaged"] == 0
    assert total.rectifications_open == 2
    assert total.rectifications_overdue == 2
    assert overview.rectifications_closed == 2
    assert total.handovers_done == 2
    assert total.handovers_open == 0  # the two open ones are overdue
    assert total.handovers_overdue == 2
    assert total.postings_late == 2
    assert total.postings_missing == 2
    assert overview.findings == 4
    assert overview.findings_amount == Decimal("2241.00")
    assert [(c["name"], c["count"], c["amount"]) for c in overview.categories] == [
        ("财务管理不规范", 2, Decimal("241.00")),
        ("资产资源管理问题", 2, Decimal("2000.00")),
    ]
    assert overview.refusals_unacknowledged == 2

    response = as_user(office).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "审计" in body  # the page reads in Chinese
    assert street.name in body and other_street.name in body
    assert "vendor/echarts/echarts.min.js" in body
    assert "audits-overview-data" in body
    assert "2,241.00" in body
    # the numbers open the lists behind them
    assert f'href="/audits/engagements/?state=posted&amp;street={street.pk}"' in body
    assert f'href="/audits/handovers/?state=overdue&amp;street={street.pk}"' in body
    assert 'href="/audits/rectifications/?state=overdue"' in body
    assert 'href="/audits/handover-refusals/?state=unacknowledged"' in body


def test_street_official_sees_only_their_street(
    as_user: Any, street_official: Any, records: Any, street: Any, other_street: Any
) -> None:
    overview = overview_take(overview_scope(street_official), today=timezone.localdate())
    assert not overview.scope.is_district
    assert [r.name for r in overview.rows] == [street.name]
    assert overview.total.engagements == 2
    assert overview.findings == 2
    assert overview.refusals_unacknowledged == 1
    body = as_user(street_official).get(URL).content.decode()
    assert other_street.name not in body


def test_an_acknowledged_refusal_and_a_closed_item_leave_the_counts(
    office: Any, records: Any, today: date
) -> None:
    mine = records["mine"]
    mine["refusal"].acknowledged_at = timezone.now()
    mine["refusal"].acknowledged_by = office
    mine["refusal"].save()
    mine["overdue"].closed_on = today
    mine["overdue"].save()
    overview = overview_take(overview_scope(office), today=today)
    assert overview.refusals_unacknowledged == 1
    assert overview.total.rectifications_overdue == 1
    assert overview.rectifications_closed == 3


def test_an_item_due_today_is_not_yet_overdue(office: Any, records: Any, today: date) -> None:
    records["mine"]["overdue"].deadline = today
    records["mine"]["overdue"].save()
    overview = overview_take(overview_scope(office), today=today)
    assert overview.total.rectifications_open == 2
    assert overview.total.rectifications_overdue == 1


def test_a_posting_in_time_is_not_late(office: Any, records: Any, admin_user: Any) -> None:
    notice = records["mine"]["posting"].notice
    notice.posted_on = notice.step.plan.election_on - timedelta(days=POSTING_LEAD)
    notice.save()
    PlanStep.objects.filter(pk=notice.step_id).update(done_on=notice.posted_on)
    plan_refresh(plan=notice.step.plan, by=admin_user)
    overview = overview_take(overview_scope(office), today=timezone.localdate())
    assert overview.total.postings_late == 1


@pytest.mark.parametrize("role", ["leader", "member_unit_user"])
def test_without_a_street_the_page_is_a_404(as_user: Any, request: Any, role: str) -> None:
    user = request.getfixturevalue(role)
    assert as_user(user).get(URL).status_code == 404
    assert as_user(user).get("/audits/overview.xlsx").status_code == 404


def test_workbook(as_user: Any, office: Any, records: Any, street: Any) -> None:
    response = as_user(office).get("/audits/overview.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert "审计" in sheet["A1"].value
    assert sheet["A3"].value == "街道"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows[-1][0] == "合计"
    assert rows[-1][1:6] == (0, 2, 0, 0, 2)
    assert sheet.cell(row=5, column=2).number_format == "#,##0"
    categories = workbook.worksheets[1]
    assert categories["C4"].value == "元"
    last = list(categories.iter_rows(min_row=5, values_only=True))[-1]
    assert last == ("合计", 4, 2241.0)
    assert categories.cell(row=5, column=3).number_format == "#,##0.00"


def _grow(district: Any, admin_user: Any, today: date, communities: int) -> None:
    first = district.streets.count()
    for n in range(first, first + communities):
        street = StreetFactory(district=district, name=f"街道{n}")
        CommunityFactory(street=street, name=f"社区{n}")
    campaign = audit_campaign(district, today=today, by=admin_user)
    for plan in campaign.plans.select_related("community__street__district"):
        if not plan.audit_engagements.exists():
            audit_records(plan, today=today, by=admin_user)


def _count(office: Any, today: date) -> int:
    with CaptureQueriesContext(connection) as ctx:
        overview_take(overview_scope(office), today=today)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow(
    as_user: Any, office: Any, district: Any, admin_user: Any, today: date
) -> None:
    _grow(district, admin_user, today, 2)
    small = _count(office, today)
    _grow(district, admin_user, today, 8)
    assert _count(office, today) == small <= 9
    client = as_user(office)
    client.get(URL)  # the session's queries once
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    page_queries = len(ctx.captured_queries)
    _grow(district, admin_user, today, 3)
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL)
    assert len(ctx.captured_queries) == page_queries
