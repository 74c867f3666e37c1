"""The rectification list's street filter: the office (and any reader of several streets) narrows
the list, its counts and its state filters to one street."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.audits.matrix_findings import community_records, findings_campaign

URL = "/audits/rectifications/"


@pytest.fixture
def records(district: Any, community: Any, other_community: Any, admin_user: Any) -> Any:
    today = timezone.localdate()
    findings_campaign(district, election_on=today + timedelta(days=30), by=admin_user)
    mine = community_records(community, by=admin_user, today=today)
    mine["other"] = community_records(other_community, by=admin_user, today=today)
    return mine


def test_url() -> None:
    assert reverse("audits:rectification-list") == URL


def test_the_office_filters_by_street(
    records: Any, office: Any, as_user: Any, street: Any, other_street: Any
) -> None:
    client = as_user(office)
    everything = client.get(URL).content.decode()
    assert everything.count("补齐凭证") == 2
    assert 'id="filter-street"' in everything  # the office reads two streets

    mine = client.get(f"{URL}?street={street.pk}").content.decode()
    assert mine.count("补齐凭证") == 1
    assert f"{street.name} · " in mine and f"{other_street.name} · " not in mine
    # the counts are the street's: one overdue, one closed
    assert re.search(r"全部\s+\(2\)", mine) and re.search(r"逾期\s+\(1\)", mine)
    # the state filters keep the street
    assert f'href="?street={street.pk}&amp;state=overdue"' in mine

    overdue = client.get(f"{URL}?street={other_street.pk}&state=overdue").content.decode()
    assert overdue.count("补齐凭证") == 1 and "收回款项" not in overdue
    assert f"{other_street.name} · " in overdue and f"{street.name} · " not in overdue


def test_another_street_shows_nothing_to_a_street_official(
    records: Any, street_official: Any, as_user: Any, other_street: Any
) -> None:
    client = as_user(street_official)
    page = client.get(f"{URL}?street={other_street.pk}").content.decode()
    assert "补齐凭证" not in page and "收回款项" not in page
    assert 'id="filter-street"' not in page  # one street: no street filter


@pytest.mark.parametrize("value", ["x", "-1", "0", "99999999999999999999"])
def test_an_odd_street_is_ignored(records: Any, office: Any, as_user: Any, value: str) -> None:
    page = as_user(office).get(f"{URL}?street={value}")
    assert page.status_code == 200
    assert page.content.decode().count("补齐凭证") == 2
