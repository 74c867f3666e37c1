"""The findings list across communities: who sees which findings, its street and category
filters, and a query count that does not grow with its rows."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Finding, FindingCategory
from tests.audits.matrix_findings import community_records, findings_campaign

URL = "/audits/findings/"


@pytest.fixture
def records(district: Any, community: Any, other_community: Any, admin_user: Any) -> Any:
    today = timezone.localdate()
    findings_campaign(district, election_on=today + timedelta(days=30), by=admin_user)
    mine = community_records(community, by=admin_user, today=today)
    mine["other"] = community_records(other_community, by=admin_user, today=today)
    return mine


def _rows(page: Any) -> int:
    body: str = page.content.decode()
    return body.count('class="finding-row"')


def test_url() -> None:
    assert reverse("audits:findings-list") == URL


def test_each_reader_sees_the_findings_of_their_scope(
    records: Any, as_user: Any, office: Any, street_official: Any, leader: Any
) -> None:
    page = as_user(office).get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert _rows(page) == 2
    assert "白条入账" in body and "1200.50" in body
    assert "审计发现" in body  # reads in Chinese
    assert _rows(as_user(street_official).get(URL)) == 1
    assert _rows(as_user(leader).get(URL)) == 1


def test_another_street_sees_its_own_and_a_member_unit_gets_a_404(
    records: Any, as_user: Any, outsider: Any, member_unit_user: Any
) -> None:
    page = as_user(outsider).get(URL)
    assert _rows(page) == 1
    assert f"#finding-{records['finding'].pk}" not in page.content.decode()
    assert as_user(member_unit_user).get(URL).status_code == 404


def test_filters_by_street_and_category(
    records: Any, as_user: Any, office: Any, street: Any, other_street: Any
) -> None:
    client = as_user(office)
    category = records["category"]
    other = FindingCategory.objects.filter(district=category.district).exclude(pk=category.pk)[0]
    Finding.objects.create(
        engagement=records["engagement"], category=other, description="资产未入账"
    )
    assert _rows(client.get(URL)) == 3
    assert _rows(client.get(f"{URL}?category={category.pk}")) == 2
    by_other = client.get(f"{URL}?category={other.pk}").content.decode()
    assert "资产未入账" in by_other and "白条入账" not in by_other
    assert _rows(client.get(f"{URL}?street={street.pk}")) == 2
    assert _rows(client.get(f"{URL}?street={other_street.pk}&category={other.pk}")) == 0
    assert _rows(client.get(f"{URL}?street=x&category=99999999999999999999")) == 3


def test_open_and_overdue_items_are_counted(
    records: Any, as_user: Any, street_official: Any
) -> None:
    body = as_user(street_official).get(URL).content.decode()
    # one item open and overdue, one closed
    assert '<td class="text-end text-nowrap">1 <span class="badge text-bg-danger">' in body


def test_query_count_does_not_grow(records: Any, as_user: Any, office: Any) -> None:
    client = as_user(office)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(6):
        Finding.objects.create(
            engagement=records["other"]["engagement"],
            category=records["category"],
            description=f"问题{n}",
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL)
    assert _rows(page) == 8
    assert len(many) == len(few)
