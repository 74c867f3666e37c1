"""The life of an election import around its check: the page that follows a running task, a
second confirmation, a lost task message, the hub's kinds per role, and the results template."""

from datetime import timedelta
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from election.importing.services import election_imports_requeue
from election.models import Campaign, Candidate, ElectionImport
from tests.election.matrix_imports import confirm, latest, nominee, upload, workbook
from tests.election.matrix_objects import running_campaign
from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(district: Any, community: Any, other_community: Any, admin_user: Any) -> Campaign:
    return running_campaign(SimpleNamespace(district=district, users={"admin_user": admin_user}))


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_follows_a_running_check_with_its_progress(
    campaign: Campaign, office: Any
) -> None:
    record = ElectionImport.objects.create(
        campaign=campaign, kind="nominees", created_by=office, progress=40
    )
    response = client_for(office).get(reverse("election:import-status", args=[record.pk]))
    text = response.content.decode()
    assert 'hx-get="' in text and "40%" in text and "正在检查" in text


def test_a_second_confirmation_imports_nothing_more(
    campaign: Campaign, office: Any, community: Any
) -> None:
    client = client_for(office)
    upload(
        client,
        campaign,
        "nominees",
        workbook("nominees", [nominee(community.street.name, community.name)]),
    )
    record = latest()
    confirm(client, record)
    page = client.get(confirm(client, record)["Location"]).content.decode()
    assert "已经导入" in page
    assert Candidate.objects.count() == 1


def test_an_import_whose_task_was_lost_is_checked_again(
    campaign: Campaign, office: Any, community: Any
) -> None:
    content = workbook("nominees", [nominee(community.street.name, community.name)])
    record = ElectionImport(campaign=campaign, kind="nominees", created_by=office)
    record.file.save("lost.xlsx", ContentFile(content), save=False)
    record.save()
    ElectionImport.objects.filter(pk=record.pk).update(
        updated_at=timezone.now() - timedelta(hours=1)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert election_imports_requeue() == 1
    record.refresh_from_db()
    assert record.status == ElectionImport.Status.PREVIEWED and record.row_count == 1


def test_the_hub_offers_each_role_its_kinds(
    campaign: Campaign, office: Any, street_official: Any, leader: Any
) -> None:
    office_page = client_for(office).get(reverse("election:import-hub")).content.decode()
    for kind in ("nominees", "results", "previous_term"):
        assert reverse("election:import-upload", args=[campaign.pk, kind]) in office_page
    street_page = client_for(street_official).get(reverse("election:import-hub")).content.decode()
    assert reverse("election:import-upload", args=[campaign.pk, "nominees"]) in street_page
    assert reverse("election:import-upload", args=[campaign.pk, "results"]) not in street_page
    assert client_for(leader).get(reverse("election:import-hub")).status_code == 404


def test_the_results_template_has_two_data_sheets_and_notes(
    campaign: Campaign, office: Any
) -> None:
    response = client_for(office).get(
        reverse("election:import-template", args=[campaign.pk, "results"])
    )
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["选举结果", "得票情况", "说明"]
    assert [c.value for c in book["得票情况"][1]][-1] == "得票数"
    # the file name is the Chinese one, percent-encoded in the header
    assert "filename*=utf-8''%E9%80%89%E4%B8%BE" in response["Content-Disposition"]


def test_the_admin_lists_imports_read_only(
    campaign: Campaign, admin_user: Any, office: Any
) -> None:
    record = ElectionImport.objects.create(
        campaign=campaign, kind="nominees", created_by=office, original_name="名单.xlsx"
    )
    client = client_for(admin_user)
    assert "名单.xlsx" in client.get("/admin/election/electionimport/").content.decode()
    assert client.get(f"/admin/election/electionimport/{record.pk}/change/").status_code == 200
    assert client.get("/admin/election/electionimport/add/").status_code == 403


def test_a_closed_campaign_takes_no_import(campaign: Campaign, office: Any, community: Any) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    content = workbook("nominees", [nominee(community.street.name, community.name)])
    upload(client_for(office), campaign, "nominees", content)
    assert latest().status == ElectionImport.Status.FAILED
    assert "本次换届已结束" in latest().error
    assert not Candidate.objects.exists()


def test_rows_are_checked_again_against_the_scope_when_imported(
    campaign: Campaign, street_official: Any, community: Any
) -> None:
    client = client_for(street_official)
    content = workbook("nominees", [nominee(community.street.name, community.name)])
    upload(client, campaign, "nominees", content)
    record = latest()
    assert record.status == ElectionImport.Status.PREVIEWED
    # the office moves the community to another street before the official confirms
    community.street = StreetFactory(district=community.street.district, name="Third Street")
    community.save()
    community.refresh_from_db()
    # the official still runs its street, so it may confirm; the import checks again and refuses
    confirm(client, record)
    record.refresh_from_db()
    assert record.status == ElectionImport.Status.FAILED
    assert not Candidate.objects.exists()
