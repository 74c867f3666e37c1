"""Importing the previous term's committee members from Excel: the members of the term this
campaign replaces (elected in no campaign), with history, and their problems by row and column."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from communities.models import Committee
from election.models import Campaign, CommitteeMember, ElectionImport
from tests.election.matrix_imports import confirm, latest, member, upload, workbook
from tests.election.matrix_objects import running_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(district: Any, community: Any, other_community: Any, admin_user: Any) -> Campaign:
    return running_campaign(SimpleNamespace(district=district, users={"admin_user": admin_user}))


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_imports_the_previous_term(
    campaign: Campaign, office: Any, community: Any, other_community: Any
) -> None:
    client = client_for(office)
    rows = [
        member(community.street.name, community.name),
        member(
            community.street.name,
            community.name,
            name="刘芳",
            body="居委会",
            post="主任",
            gender="女",
        ),
        member(
            other_community.street.name,
            other_community.name,
            name="陈明",
            body="村委会",  # read as the community's elected committee
            post="委员",
            started_on="",
        ),
    ]
    page = upload(client, campaign, "previous_term", workbook("previous_term", rows))
    assert "没有发现问题。确认后将导入 3 行。" in page.content.decode()
    assert CommitteeMember.objects.count() == 0
    confirm(client, latest())
    assert latest().status == ElectionImport.Status.APPLIED
    wang = CommitteeMember.objects.get(name="王建国")
    assert wang.committee == Committee.objects.get(community=community, kind="party")
    assert wang.post == "secretary" and wang.elected_in is None and wang.ended_on is None
    assert wang.ethnicity == "回族" and wang.education == 4 and wang.party_member
    assert str(wang.started_on) == "2021-11-28"
    liu = CommitteeMember.objects.get(name="刘芳")
    assert liu.committee.kind == "residents" and liu.post == "director"
    chen = CommitteeMember.objects.get(name="陈明")
    assert chen.started_on is None and chen.committee.kind == "residents"
    history = wang.history.get()
    assert history.history_user == office and history.history_change_reason == "imported"


def test_duplicates_and_wrong_posts_are_refused_and_nothing_is_written(
    campaign: Campaign, office: Any, community: Any
) -> None:
    CommitteeMember.objects.create(
        committee=Committee.objects.get(community=community, kind="party"),
        name="王建国",
        gender="m",
        birth_date="1968-07-01",
        education=4,
    )
    rows = [
        member(community.street.name, community.name, name="甲"),  # row 2
        member(community.street.name, community.name, name="甲"),  # row 3: same as row 2
        member(community.street.name, community.name),  # row 4: already a member
        member(community.street.name, community.name, name="乙", post="主任"),  # party: no 主任
        member(community.street.name, community.name, name="丙", education="幼儿园"),
    ]
    upload(client_for(office), campaign, "previous_term", workbook("previous_term", rows))
    record = latest()
    assert record.status == ElectionImport.Status.FAILED
    assert [(p["row"], p["column"]) for p in record.row_errors] == [
        (3, "姓名"),
        (4, "姓名"),
        (5, "职务"),
        (6, "学历"),
    ]
    assert "“主任”不是党组织的职务，请填写：书记、副书记、委员" in record.row_errors[2]["message"]  # noqa: RUF001
    assert CommitteeMember.objects.count() == 1


def test_a_street_official_cannot_import_the_previous_term(
    campaign: Campaign, street_official: Any
) -> None:
    client = client_for(street_official)
    response = upload(client, campaign, "previous_term", workbook("previous_term", [[]]))
    assert response.status_code == 404
    assert not ElectionImport.objects.exists()
