"""The Excel export of the community list: scope, filters, safe text cells, constant queries."""

from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import SecurityEvent, User
from communities.exporters import CommunityListExporter
from communities.models import Community, Street
from tests.factories import CommunityFactory

EXPORT = reverse("communities:community-export")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export(client: Client, query: str = "") -> tuple[Any, list[list[Any]]]:
    response = client.get(EXPORT + query)
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def names(rows: list[list[Any]]) -> list[str]:
    return [r[2] for r in rows[1:]]


def test_office_exports_every_community_of_the_district_with_translated_headers(
    office: User, community: Community, other_community: Community
) -> None:
    response = client_for(office).get(EXPORT)

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # the file name carries the day of the export
    assert timezone.localdate().isoformat() in response["Content-Disposition"]
    _sheet, rows = export(client_for(office))
    with translation.override("zh-hans"):
        headers = CommunityListExporter([]).headers()
    assert rows[0] == headers
    assert names(rows) == ["Riverside", "Hillside"]  # ordered by street name, then name
    riverside = rows[1]
    assert riverside[:3] == ["Demo District", "First Street", "Riverside"]
    # population, households, voters, then the seats of the party and residents' committees
    assert riverside[7:10] == [8000, 3000, 5600]
    assert riverside[-2:] == [5, 7]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, user=office).exists()


def test_street_official_exports_only_their_street(
    street_official: User, community: Community, other_community: Community
) -> None:
    _sheet, rows = export(client_for(street_official))

    assert names(rows) == ["Riverside"]


def test_outsider_does_not_see_the_other_street(
    outsider: User, community: Community, other_community: Community
) -> None:
    _sheet, rows = export(client_for(outsider))

    assert names(rows) == ["Hillside"]


def test_member_unit_without_scope_gets_only_the_header(
    member_unit_user: User, community: Community
) -> None:
    _sheet, rows = export(client_for(member_unit_user))

    assert len(rows) == 1


def test_export_honours_the_list_filters(
    office: User, community: Community, other_community: Community, other_street: Street
) -> None:
    _sheet, by_street = export(client_for(office), f"?street={other_street.pk}")
    _sheet, by_search = export(client_for(office), "?q=River")
    Community.objects.filter(pk=other_community.pk).update(is_difficult=True, difficult_reason="x")
    _sheet, difficult = export(client_for(office), "?difficult=yes")

    assert names(by_street) == ["Hillside"]
    assert names(by_search) == ["Riverside"]
    assert names(difficult) == ["Hillside"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "  =1+1", "\t=1+1", "\r=1+1"])
def test_text_that_looks_like_a_formula_is_written_as_text(
    office: User, street: Street, text: str
) -> None:
    CommunityFactory(street=street, name=text, is_difficult=True, difficult_reason="=HYPERLINK(1)")

    sheet, _rows = export(client_for(office))

    name_cell = sheet.cell(row=2, column=3)
    reason_cell = sheet.cell(row=2, column=13)
    for cell in (name_cell, reason_cell):
        assert cell.data_type == "s"
        assert cell.quotePrefix
    # XML turns a carriage return into a line feed; the text is otherwise unchanged
    assert name_cell.value.strip() == text.strip()
    assert reason_cell.value == "=HYPERLINK(1)"


def test_plain_text_is_not_quoted(office: User, community: Community) -> None:
    sheet, _rows = export(client_for(office))

    assert not sheet.cell(row=2, column=3).quotePrefix


def test_export_query_count_does_not_grow_with_the_communities(
    office: User, street: Street, django_assert_num_queries: Any
) -> None:
    client = client_for(office)
    CommunityFactory.create_batch(2, street=street)
    export(client)  # the first request of a session also records its start
    with CaptureQueriesContext(connection) as small:
        export(client)
    CommunityFactory.create_batch(30, street=street)

    with django_assert_num_queries(len(small.captured_queries)):
        _sheet, rows = export(client)
    assert len(rows) == 33
