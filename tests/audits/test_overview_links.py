"""Every number of the audits overview opens a list that shows exactly the rows it counts: follow
each link, as the office (the district) and as a street official (their street), and count."""

import re
from datetime import date
from typing import Any
from urllib.parse import unquote

import pytest
from django.utils import timezone

from audits.selectors.overview import STATES, overview_scope, overview_take
from tests.audits.matrix_overview import audit_campaign, audit_records

URL = "/audits/overview/"

# the rows of each list, by the id of their element
ROW = {
    "/audits/engagements/": r'id="engagement-\d+"',
    "/audits/rectifications/": r'href="/audits/engagements/\d+/findings/#finding-\d+"',
    "/audits/handovers/": r'id="handover-\d+"',
    "/audits/handover-refusals/": r'id="refusal-\d+"',
    "/audits/findings/": r'class="finding-row"',
}


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def records(
    district: Any, community: Any, other_community: Any, admin_user: Any, today: date
) -> None:
    audit_campaign(district, today=today, by=admin_user)
    audit_records(community.plans.get(), today=today, by=admin_user)
    audit_records(other_community.plans.get(), today=today, by=admin_user)


def _links(body: str) -> dict[str, str]:
    """The overview's linked numbers: url -> the number shown."""
    found: dict[str, str] = {}
    for href, text in re.findall(r'<a (?:class="[^"]*" )?href="(/audits/[^"]+)">(\d+)</a>', body):
        found[unquote(href.replace("&amp;", "&"))] = text
    return found


def _rows(client: Any, url: str) -> int:
    body = client.get(url).content.decode()
    path = url.split("?")[0]
    return len(re.findall(ROW[path], body))


@pytest.mark.parametrize("role", ["office", "street_official"])
def test_every_number_opens_exactly_its_rows(
    request: Any, as_user: Any, records: None, today: date, role: str
) -> None:
    user = request.getfixturevalue(role)
    client = as_user(user)
    body = client.get(URL).content.decode()
    links = _links(body)
    overview = overview_take(overview_scope(user), today=today)
    # each figure (not zero) of the overview is on the page as a link, and its list shows as
    # many rows as it counts
    figures: list[tuple[str, int]] = []
    for row in [*overview.rows, overview.total]:
        street = f"&street={row.street_id}" if row.street_id else ""
        only = f"?street={row.street_id}" if row.street_id else ""
        figures += [(f"/audits/engagements/?state={s}{street}", row.states[s]) for s in STATES]
        figures += [
            (f"/audits/engagements/{only}", row.engagements),
            (f"/audits/engagements/?posting=late{street}", row.postings_late),
            (f"/audits/engagements/?posting=missing{street}", row.postings_missing),
            (f"/audits/rectifications/?state=open{street}", row.rectifications_open),
            (f"/audits/rectifications/?state=overdue{street}", row.rectifications_overdue),
            (f"/audits/handovers/?state=done{street}", row.handovers_done),
            (f"/audits/handovers/?state=due{street}", row.handovers_open),
            (f"/audits/handovers/?state=overdue{street}", row.handovers_overdue),
        ]
    figures += [
        (f"/audits/findings/?category={c['category_id']}", c["count"]) for c in overview.categories
    ]
    figures += [
        ("/audits/findings/", overview.findings),
        ("/audits/handover-refusals/?state=unacknowledged", overview.refusals_unacknowledged),
    ]
    checked = 0
    for url, figure in figures:
        if not figure:
            continue
        assert links.get(url) == str(figure), (url, figure, sorted(links))
        assert _rows(client, url) == figure, url
        checked += 1
    # the world has something in every kind of figure
    assert overview.total.postings_late and overview.total.postings_missing
    assert overview.categories and overview.findings
    assert checked >= 12
    # and nothing on the page is a number without its list, bar the amounts
    assert set(links) <= {url for url, figure in figures if figure}


def test_the_categories_chart_opens_the_findings_list(
    as_user: Any, office: Any, records: None
) -> None:
    body = as_user(office).get(URL).content.decode()
    assert '"url": "/audits/findings/?category=' in body
    assert '"url": "/audits/engagements/?posting=' not in body  # postings are in the table only
