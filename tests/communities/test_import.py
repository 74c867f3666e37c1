"""The Excel import: template, upload and preview, confirmation, bad files, and who may use it."""

import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.models import SecurityEvent, User
from accounts.services import grant_assign
from communities.import_columns import COLUMNS, YES
from communities.models import Committee, Community, CommunityImport, District, Street
from tests.communities.import_helpers import (
    CJK,
    TEMPLATE,
    UPLOAD,
    XLSX,
    chinese,
    confirm,
    counts,
    row,
    titles,
    upload,
    workbook,
)
from tests.factories import CommunityFactory, DistrictFactory, UserFactory


@pytest.fixture
def office_client(office: User) -> Client:
    client = Client()
    client.force_login(office)
    return client


# --- the template ---------------------------------------------------------------------------------


def test_template_has_translated_titles_an_example_drop_downs_and_a_help_sheet(
    office_client: Client,
) -> None:
    response = office_client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet, help_sheet = book.worksheets
    header = [cell.value for cell in sheet[1]]
    assert header == titles("zh-hans")
    # the default language is Chinese: the titles are translated, not the English msgids
    assert all(CJK.search(title) for title in header)
    assert sheet.max_row == 2  # one example row
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    kinds = {c.key for c in COLUMNS if c.kind in {"choice", "yes_no"}}
    assert len(lists) == len(kinds)
    help_titles = [r[0].value for r in help_sheet.iter_rows(min_row=2, max_row=len(COLUMNS) + 1)]
    assert help_titles == header


def test_filled_in_template_imports(office_client: Client, district: District) -> None:
    book = load_workbook(BytesIO(b"".join(office_client.get(TEMPLATE).streaming_content)))
    sheet = book.worksheets[0]
    example = [cell.value for cell in sheet[2]]
    # a second row in the same Chinese labels, in a street of its own
    sheet.append(["Harbour Street", "Quayside", *example[2:]])
    out = BytesIO()
    book.save(out)

    response = upload(office_client, out.getvalue())

    assert response.status_code == 200
    assert response.context["can_confirm"], response.context["problems"]
    response = confirm(office_client, response.wsgi_request.path)
    assert response.status_code == 302
    created = Community.objects.filter(street__district=district).exclude(name="Riverside")
    assert sorted(created.values_list("name", flat=True)) == sorted([example[1], "Quayside"])
    quayside = Community.objects.get(name="Quayside")
    assert quayside.kind == Community.Kind.VILLAGE_CONVERTED
    assert quayside.is_difficult and quayside.difficult_reason
    assert quayside.committees.get(kind=Committee.Kind.PARTY).party_type == "general_branch"


# --- preview --------------------------------------------------------------------------------------


def test_upload_writes_nothing_and_previews_what_will_be_created(
    office_client: Client, street: Street
) -> None:
    before = counts()
    response = upload(office_client, workbook([row(), row(street.name, "Meadow")]))

    assert counts() == before
    record = CommunityImport.objects.get()
    assert record.status == CommunityImport.Status.PREVIEWED
    assert response.wsgi_request.path == record.get_absolute_url()
    check = response.context["check"]
    assert check.new_streets == ["New Street"]
    assert [r.name for r in check.rows] == ["Lakeside", "Meadow"]
    assert response.context["can_confirm"]
    assert chinese("Confirm the import").encode() in response.content


def test_the_upload_page_lists_the_users_own_recent_imports_to_open_again(
    office_client: Client, office: User, district: District, street: Street
) -> None:
    upload(office_client, workbook([row()]), name="mine.xlsx")
    colleague = UserFactory(role=User.Role.OFFICE)
    grant_assign(user=colleague, obj=district, level="manage", by=office)
    other = Client()
    other.force_login(colleague)
    upload(other, workbook([row(name="Theirs")]), name="theirs.xlsx")

    page = office_client.get(reverse("communities:import-upload"))

    mine = CommunityImport.objects.get(original_name="mine.xlsx")
    assert [i.pk for i in page.context["recent"]] == [mine.pk]
    assert mine.get_absolute_url().encode() in page.content
    assert b"theirs.xlsx" not in page.content


def test_preview_lists_every_problem_by_row_and_column_in_chinese(office_client: Client) -> None:
    rows = [
        row(name="A"),
        row(name="B", kind="town"),
        row(name="C", households=-5),
        row(name="D", population="abc"),
        row(name="E", party_seats=120),
        row(name="F", is_difficult="maybe"),
        row(street="", name="G"),
        row(name="H", is_difficult="yes", difficult_reason=""),
        row(name="x" * 61),
    ]
    before = counts()
    response = upload(office_client, workbook(rows))

    assert counts() == before
    problems = response.context["problems"]
    found = {(p.row, p.column) for p in problems}
    with translation.override("zh-hans"):
        title = {c.key: str(c.title) for c in COLUMNS}
    assert found == {
        (3, title["kind"]),
        (4, title["households"]),
        (5, title["population"]),
        (6, title["party_seats"]),
        (7, title["is_difficult"]),
        (8, title["street"]),
        (9, title["difficult_reason"]),
        (10, title["name"]),
    }
    expected = chinese(
        "Row %(row)s, “%(column)s”: expected a whole number of 0 or more, got “%(value)s”.",
        row=5,
        column=chinese("Resident population"),
        value="abc",
    )
    assert CJK.search(expected)
    assert expected in response.content.decode()
    assert not response.context["can_confirm"]


def test_wrong_missing_and_duplicated_headers_are_named(office_client: Client) -> None:
    header = titles()
    header[0] = "Town"  # unknown, and so "Street" is missing
    header.append(header[2])  # "Kind" twice
    before = counts()
    response = upload(office_client, workbook([[*row(), "city"]], header=header))

    assert counts() == before
    messages = [p.message for p in response.context["problems"]]
    assert {p.row for p in response.context["problems"]} == {1}
    assert messages == [
        chinese("Row 1: “%(column)s” is not a column of the import template.", column="Town"),
        chinese(
            "Row 1: the column “%(column)s” appears twice, in columns %(first)s and %(second)s.",
            column="Kind",
            first="C",
            second="N",
        ),
        chinese("Row 1: these columns are missing: %(columns)s.", columns=chinese("Street")),
    ]


def test_duplicate_rows_name_both_row_numbers(office_client: Client) -> None:
    before = counts()
    response = upload(office_client, workbook([row(), row(name="Other"), row()]))

    assert counts() == before
    (problem,) = response.context["problems"]
    assert problem.row == 4
    assert problem.message == chinese(
        "Row %(row)s, “%(column)s”: “%(name)s” in “%(street)s” is already in row %(first)s of "
        "this file.",
        row=4,
        column=chinese("Community name"),
        name="Lakeside",
        street="New Street",
        first=2,
    )


def test_a_community_that_exists_is_an_error_not_an_update(
    office_client: Client, community: Community
) -> None:
    before = counts()
    response = upload(office_client, workbook([row(community.street.name, community.name)]))

    assert counts() == before
    (problem,) = response.context["problems"]
    assert problem.row == 2
    assert CJK.search(problem.message) and community.name in problem.message


def test_empty_sheet_is_refused(office_client: Client) -> None:
    out = BytesIO()
    Workbook().save(out)
    response = upload(office_client, out.getvalue())

    (problem,) = response.context["problems"]
    assert problem.message == chinese(
        "The first sheet is empty: row 1 must hold the column titles."
    )


@override_settings(IMPORT_MAX_ROWS=2)
def test_too_many_rows_are_refused(office_client: Client) -> None:
    before = counts()
    response = upload(office_client, workbook([row(name=n) for n in "ABC"]))

    assert counts() == before
    (problem,) = response.context["problems"]
    assert "2" in problem.message and CJK.search(problem.message)


def test_english_values_and_chinese_values_both_import(office_client: Client) -> None:
    with translation.override("zh-hans"):
        chinese_row = row(
            name="Orchard",
            kind=str(Community.Kind.CITY.label),
            is_reform_finished=str(YES),
            party_type=str(Committee.PartyType.BRANCH.label),
        )
    response = upload(office_client, workbook([row(), chinese_row], header=titles("zh-hans")))

    assert response.context["can_confirm"], response.context["problems"]
    assert [r.kind for r in response.context["check"].rows] == ["village_converted", "city"]


# --- confirm --------------------------------------------------------------------------------------


def test_confirm_creates_streets_communities_and_committees_with_history(
    office_client: Client, office: User, street: Street
) -> None:
    upload(office_client, workbook([row(), row(street.name, "Meadow", is_difficult="no")]))
    record = CommunityImport.objects.get()

    response = confirm(office_client, record)

    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    new_street = Street.objects.get(name="New Street")
    lakeside = Community.objects.get(name="Lakeside")
    assert lakeside.street == new_street
    assert lakeside.population == 12000 and lakeside.is_demolition_underway
    assert {c.kind: c.seats for c in lakeside.committees.all()} == {"party": 7, "residents": 5}
    meadow = Community.objects.get(name="Meadow", street=street)
    assert meadow.difficult_reason == ""  # cleared: the community is not difficult
    for history in [
        new_street.history.get(),
        lakeside.history.get(),
        *Committee.history.filter(community_id=lakeside.pk),
    ]:
        assert history.history_change_reason == "imported"
        assert history.history_user == office
    record.refresh_from_db()
    assert record.status == CommunityImport.Status.APPLIED
    assert (record.streets_created, record.communities_created) == (1, 2)
    assert record.applied_at is not None
    assert record.confirmed_by == office
    # the upload is deleted once imported; the record of the import stays
    assert not record.file
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT, user=office).count() == 2


def test_confirming_twice_imports_once(office_client: Client) -> None:
    upload(office_client, workbook([row()]))
    record = CommunityImport.objects.get()
    confirm(office_client, record)
    after_first = counts()

    response = office_client.post(record.get_absolute_url(), follow=True)

    assert counts() == after_first
    assert chinese("This file has already been imported; nothing was done.") in [
        str(m) for m in response.context["messages"]
    ]


def test_confirm_checks_again_and_writes_nothing_when_the_district_changed(
    office_client: Client, street: Street
) -> None:
    upload(office_client, workbook([row(), row(street.name, "Meadow")]))
    record = CommunityImport.objects.get()
    CommunityFactory(street=street, name="Meadow")  # someone else was quicker
    before = counts()

    confirm(office_client, record)
    response = office_client.get(record.get_absolute_url())

    assert counts() == before
    assert not Street.objects.filter(name="New Street").exists()
    assert [p.row for p in response.context["problems"]] == [3]
    record.refresh_from_db()
    assert record.status == CommunityImport.Status.FAILED


def test_a_preview_with_problems_cannot_be_confirmed(office_client: Client) -> None:
    upload(office_client, workbook([row(population="abc")]))
    record = CommunityImport.objects.get()
    # refused by the check already
    assert record.status == CommunityImport.Status.FAILED
    before = counts()

    response = confirm(office_client, record)

    assert response.status_code == 302
    assert counts() == before
    record.refresh_from_db()
    assert record.status == CommunityImport.Status.FAILED


# --- bad files ------------------------------------------------------------------------------------


def _form_errors(response: Any) -> list[str]:
    return [str(e) for e in response.context["form"].errors["file"]]


def test_a_text_file_renamed_xlsx_is_refused(office_client: Client) -> None:
    before = counts()
    response = upload(office_client, b"street,name\nFirst Street,Lakeside\n")

    assert counts() == before
    assert not CommunityImport.objects.exists()
    assert _form_errors(response) == [
        chinese(
            "The file is not an Excel workbook (.xlsx). In Excel, choose “Save as” and the type "
            "“Excel Workbook (*.xlsx)”, then upload it again."
        )
    ]


def test_a_csv_file_is_refused(office_client: Client) -> None:
    response = upload(office_client, b"street,name\n", name="communities.csv")

    assert not CommunityImport.objects.exists()
    (error,) = _form_errors(response)
    assert CJK.search(error) and "communities.csv" in error


def _zip_of_zeros(size: int) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(office_client: Client) -> None:
    content = _zip_of_zeros(60 * 1024 * 1024)
    assert len(content) < 1024 * 1024  # small upload, huge unpacked
    before = counts()

    response = upload(office_client, content)

    assert counts() == before
    assert not CommunityImport.objects.exists()
    (error,) = _form_errors(response)
    assert CJK.search(error) and "50" in error


def test_a_tightly_packed_workbook_is_refused(office_client: Client) -> None:
    response = upload(office_client, _zip_of_zeros(8 * 1024 * 1024))

    assert not CommunityImport.objects.exists()
    (error,) = _form_errors(response)
    assert error == chinese(
        "The workbook is packed far more tightly than a normal workbook (over %(ratio)s to 1) "
        "and is refused as unsafe.",
        ratio=100,
    )


@override_settings(IMPORT_MAX_BYTES=1000)
def test_an_oversized_file_is_refused(office_client: Client) -> None:
    before = counts()
    response = upload(office_client, workbook([row()]))

    assert counts() == before
    assert not CommunityImport.objects.exists()
    (error,) = _form_errors(response)
    assert CJK.search(error)


# --- who may import -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["street_official", "outsider", "member_unit_user", "leader"])
def test_only_importers_reach_the_import_pages(
    role: str, request: pytest.FixtureRequest, office: User, district: District
) -> None:
    record = CommunityImport.objects.create(
        district=district, uploaded_by=office, file=ContentFile(workbook([row()]), name="a.xlsx")
    )
    client = Client()
    client.force_login(request.getfixturevalue(role))
    before = counts()

    assert client.get(UPLOAD).status_code == 404
    assert client.get(TEMPLATE).status_code == 404
    assert upload(client, workbook([row()])).status_code == 404
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.post(record.get_absolute_url()).status_code == 404
    assert counts() == before
    assert CommunityImport.objects.count() == 1


def test_another_office_user_cannot_open_someone_elses_import(
    office_client: Client, district: District, admin_user: User
) -> None:
    upload(office_client, workbook([row()]))
    record = CommunityImport.objects.get()
    colleague = UserFactory(username="office2", role=User.Role.OFFICE)
    grant_assign(user=colleague, obj=district, level="manage", by=admin_user)
    client = Client()
    client.force_login(colleague)

    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.post(record.get_absolute_url()).status_code == 404
    assert not Street.objects.filter(name="New Street").exists()
    admin = Client()
    admin.force_login(admin_user)
    assert admin.get(record.get_absolute_url()).status_code == 200


def test_an_importer_of_several_districts_picks_one(
    office: User, admin_user: User, district: District
) -> None:
    second = DistrictFactory(name="North District", code="north")
    grant_assign(user=office, obj=second, level="manage", by=admin_user)
    client = Client()
    client.force_login(office)

    assert "district" in client.get(UPLOAD).context["form"].fields
    response = upload(client, workbook([row()]), district=second.pk)
    confirm(client, response.wsgi_request.path)

    assert Street.objects.get(name="New Street").district == second


def test_import_button_shows_only_to_importers(
    office_client: Client, street_official: User
) -> None:
    street_client = Client()
    street_client.force_login(street_official)
    list_url = reverse("communities:community-list")

    assert office_client.get(list_url).context["can_import"]
    assert not street_client.get(list_url).context["can_import"]
    assert UPLOAD.encode() in office_client.get(list_url).content
    assert UPLOAD.encode() not in street_client.get(list_url).content


def test_imports_are_read_only_in_the_admin(office_client: Client, admin_user: User) -> None:
    upload(office_client, workbook([row()]))
    record = CommunityImport.objects.get()
    admin = Client()
    admin.force_login(admin_user)

    assert admin.get(reverse("admin:communities_communityimport_changelist")).status_code == 200
    change = reverse("admin:communities_communityimport_change", args=[record.pk])
    assert admin.get(change).status_code == 200
    assert admin.post(change, {"status": "applied"}).status_code == 403
    assert admin.get(reverse("admin:communities_communityimport_add")).status_code == 403
    record.refresh_from_db()
    assert record.status == CommunityImport.Status.PREVIEWED
