"""The home pages' departure audits and handovers: what calls for action in the user's scope
(audits not yet posted, rectification items and handovers overdue, refusals the office has not
acknowledged), each opening its list; the overview in the menu of those who may read it; the
home page's queries do not grow with the records."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.selectors import audit_home
from tests.audits.matrix_overview import audit_campaign, audit_records
from tests.factories import CommunityFactory


@pytest.fixture
def records(district: Any, community: Any, other_community: Any, admin_user: Any) -> Any:
    today = timezone.localdate()
    campaign = audit_campaign(district, today=today, by=admin_user)
    for plan in campaign.plans.select_related("community__street__district"):
        audit_records(plan, today=today, by=admin_user)
    return campaign


def test_office_home_shows_the_districts_audit_figures(
    as_user: Any, office: Any, records: Any
) -> None:
    figures = audit_home(office, today=timezone.localdate())
    assert (figures.audits, figures.audits_open) == (4, 2)
    assert figures.rectifications_overdue == 2
    assert figures.handovers_overdue == 2
    assert figures.refusals_unacknowledged == 2
    body = as_user(office).get("/").content.decode()
    assert 'id="home-audits"' in body
    assert 'href="/audits/handover-refusals/?state=unacknowledged"' in body
    assert 'href="/audits/handovers/?state=overdue"' in body
    assert 'href="/audits/rectifications/?state=overdue"' in body
    assert 'href="/audits/overview/"' in body
    assert "拒不移交" in body


def test_street_and_leader_see_their_own(
    as_user: Any, street_official: Any, leader: Any, records: Any
) -> None:
    today = timezone.localdate()
    assert audit_home(street_official, today=today).refusals_unacknowledged == 1
    assert audit_home(leader, today=today).handovers_overdue == 1
    body = as_user(leader).get("/").content.decode()
    assert 'id="home-audits"' in body
    # a leader reads one community: no overview for them, in the menu or on the page
    assert 'href="/audits/overview/"' not in body
    assert 'href="/audits/overview/"' in as_user(street_official).get("/").content.decode()


def test_an_acknowledged_refusal_leaves_the_office_home(office: Any, records: Any) -> None:
    from audits.models import HandoverRefusal

    HandoverRefusal.objects.update(acknowledged_at=timezone.now(), acknowledged_by=office)
    assert audit_home(office, today=timezone.localdate()).refusals_unacknowledged == 0


def test_member_unit_home_has_no_audits(as_user: Any, member_unit_user: Any, records: Any) -> None:
    body = as_user(member_unit_user).get("/").content.decode()
    assert 'id="home-audits"' not in body


def test_no_audits_no_section(as_user: Any, office: Any) -> None:
    assert 'id="home-audits"' not in as_user(office).get("/").content.decode()


def test_queries_do_not_grow(
    district: Any, street: Any, office: Any, records: Any, admin_user: Any
) -> None:
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as few:
        audit_home(office, today=today)
    for n in range(4):
        CommunityFactory(street=street, name=f"新社区{n}")
    campaign = audit_campaign(district, today=today, by=admin_user)
    for plan in campaign.plans.filter(audit_engagements__isnull=True).select_related(
        "community__street__district"
    ):
        audit_records(plan, today=today, by=admin_user)
    with CaptureQueriesContext(connection) as many:
        assert audit_home(office, today=today).audits == 12
    assert len(many.captured_queries) == len(few.captured_queries) == 1
