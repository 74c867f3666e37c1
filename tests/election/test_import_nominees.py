"""Importing nominees from Excel: the template, the dry run with problems by row and column in
Chinese, all or nothing, the street official's scope, and the query bound of the writes."""

import math
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from election.importing.services import election_import_apply
from election.models import Campaign, Candidate, ElectionImport
from tests.election.matrix_imports import (
    VALID_ID,
    confirm,
    id_with_check,
    latest,
    nominee,
    upload,
    upload_url,
    workbook,
)
from tests.election.matrix_objects import running_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(district: Any, community: Any, other_community: Any, admin_user: Any) -> Campaign:
    world = SimpleNamespace(district=district, users={"admin_user": admin_user})
    return running_campaign(world)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_template_has_chinese_titles_an_example_row_and_a_notes_sheet(
    campaign: Campaign, office: Any
) -> None:
    response = client_for(office).get(
        reverse("election:import-template", args=[campaign.pk, "nominees"])
    )
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["提名人选", "说明"]
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:4] == ["街道", "社区", "委员会", "姓名"]
    assert "身份证号" in header and "提名方式" in header
    assert book.worksheets[0]["D2"].value == "张晓梅"


def test_office_imports_nominees_after_a_clean_preview(
    campaign: Campaign, office: Any, community: Any, other_community: Any
) -> None:
    client = client_for(office)
    content = workbook(
        "nominees",
        [
            nominee(community.street.name, community.name, id_number=VALID_ID),
            nominee(
                other_community.street.name,
                other_community.name,
                name="李强",
                body="党组织",
                gender="男",
                post_sought="书记",
            ),
        ],
    )
    page = upload(client, campaign, "nominees", content).content.decode()
    assert "没有发现问题。确认后将导入 2 行。" in page and "确认导入" in page
    assert VALID_ID not in page and "*" * 14 + VALID_ID[-4:] in page
    assert Candidate.objects.count() == 0  # the preview writes nothing
    record = latest()
    assert record.status == ElectionImport.Status.PREVIEWED
    confirm(client, record)
    record.refresh_from_db()
    assert record.status == ElectionImport.Status.APPLIED and record.created_count == 2
    zhang = Candidate.objects.get(name="张晓梅")
    assert zhang.plan.community == community and zhang.body == "residents"
    assert zhang.status == Candidate.Status.NOMINEE and zhang.post_sought == "deputy_director"
    assert zhang.id_number == VALID_ID and zhang.party_member and zhang.created_by == office
    li = Candidate.objects.get(name="李强")
    assert li.body == "party" and li.post_sought == "secretary"
    history = zhang.history.get()
    assert history.history_user == office and history.history_change_reason == "imported"
    assert not record.file  # the upload is deleted once imported


def test_problems_are_listed_by_row_and_column_in_chinese_and_nothing_is_written(
    campaign: Campaign, office: Any, community: Any, admin_user: Any
) -> None:
    Candidate.objects.create(
        plan=campaign.plans.get(community=community),
        body="residents",
        name="赵六",
        gender="m",
        birth_date="1980-01-01",
        education=4,
    )
    bad_id = VALID_ID[:-1] + "1"
    rows = [
        nominee(community.street.name, community.name),  # row 2
        nominee(community.street.name, community.name, name="甲", gender="不详"),
        nominee(community.street.name, community.name, name="钱七", birth_date="1985/13/40"),
        nominee(community.street.name, community.name),  # row 5: same as row 2
        nominee(community.street.name, community.name, name="赵六", birth_date="1980-01-01"),
        nominee(community.street.name, "不存在社区", name="孙八"),  # row 7
        nominee(community.street.name, community.name, name="周九", id_number=bad_id),
        nominee(community.street.name, community.name, name="吴十", body="党组织"),  # 副主任
    ]
    page = upload(client_for(office), campaign, "nominees", workbook("nominees", rows))
    text = page.content.decode()
    errors = {(p["row"], p["column"]) for p in latest().row_errors}
    assert errors == {
        (3, "性别"),
        (4, "出生日期"),
        (5, "姓名"),
        (6, "姓名"),
        (7, "社区"),
        (8, "身份证号"),
        (9, "拟任职务"),
    }
    assert "已在本文件第 2 行" in text and "已登记在该委员会" in text
    assert "不是有效的 18 位身份证号码" in text and "本区“First Street”没有“不存在社区”" in text
    assert bad_id not in text  # never shown whole, even when wrong
    assert latest().status == ElectionImport.Status.FAILED
    assert Candidate.objects.count() == 1


def test_a_street_official_imports_only_its_own_communities(
    campaign: Campaign, street_official: Any, community: Any, other_community: Any
) -> None:
    client = client_for(street_official)
    rows = [
        nominee(community.street.name, community.name),
        nominee(other_community.street.name, other_community.name, name="李强"),
    ]
    upload(client, campaign, "nominees", workbook("nominees", rows))
    record = latest()
    assert record.status == ElectionImport.Status.FAILED
    assert [(p["row"], p["column"]) for p in record.row_errors] == [(3, "社区")]
    assert "不是您所在街道的社区" in record.row_errors[0]["message"]
    assert Candidate.objects.count() == 0
    # its own rows alone import
    upload(client, campaign, "nominees", workbook("nominees", rows[:1]))
    confirm(client, latest())
    assert Candidate.objects.filter(plan__community=community).count() == 1


def test_others_get_404_and_cannot_confirm_someone_elses_import(
    campaign: Campaign,
    street_official: Any,
    outsider: Any,
    leader: Any,
    discipline: Any,
    community: Any,
) -> None:
    for user in (leader, discipline):
        assert client_for(user).get(upload_url(campaign)).status_code == 404
    # a street official imports nominees only
    for kind in ("results", "previous_term"):
        assert client_for(street_official).get(upload_url(campaign, kind)).status_code == 404
    upload(
        client_for(street_official),
        campaign,
        "nominees",
        workbook("nominees", [nominee(community.street.name, community.name)]),
    )
    record = latest()
    assert record.status == ElectionImport.Status.PREVIEWED
    assert confirm(client_for(outsider), record).status_code == 404
    record.refresh_from_db()
    assert record.status == ElectionImport.Status.PREVIEWED
    assert Candidate.objects.count() == 0


def test_writing_takes_at_most_30_queries_per_500_rows(
    campaign: Campaign, office: Any, community: Any, other_community: Any
) -> None:
    rows = []
    for n in range(1200):
        place = community if n % 2 else other_community
        born = f"19{60 + n % 40}-0{1 + n % 9}-1{n % 10}"
        id_number = id_with_check("110105" + born.replace("-", "") + f"{n % 1000:03d}")
        rows.append(
            nominee(
                place.street.name, place.name, name=f"人{n}", birth_date=born, id_number=id_number
            )
        )
    client = client_for(office)
    upload(client, campaign, "nominees", workbook("nominees", rows))
    record = latest()
    assert record.status == ElectionImport.Status.PREVIEWED, record.row_errors[:3]
    ElectionImport.objects.filter(pk=record.pk).update(
        status=ElectionImport.Status.QUEUED, confirmed_by=office
    )
    with CaptureQueriesContext(connection) as queries:
        election_import_apply(import_id=str(record.pk))
    assert Candidate.objects.count() == 1200
    assert len(queries) <= 30 * math.ceil(1200 / 500), len(queries)
