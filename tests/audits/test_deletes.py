"""Deleting a finding or a posting recorded by mistake: the editors confirm, the data goes (a
finding with its open items; a posting with its notice, the audit no longer posted), a finding
with a closed item is refused in Chinese, and the history records who deleted."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import Engagement, Finding, Posting, Rectification
from audits.services.findings import FindingError, finding_delete
from audits.services.postings import posting_add
from core.exceptions import ConflictError
from election.models import PlanStep, PublicNotice
from tests.audits.matrix_findings import community_records, findings_campaign


@pytest.fixture
def records(district: Any, community: Any, admin_user: Any) -> Any:
    today = timezone.localdate()
    findings_campaign(district, election_on=today + timedelta(days=30), by=admin_user)
    return community_records(community, by=admin_user, today=today)


@pytest.fixture
def loose(records: Any) -> Finding:
    """A finding with one open item and none closed."""
    finding = Finding.objects.create(
        engagement=records["engagement"], category=records["category"], description="误录问题"
    )
    Rectification.objects.create(
        finding=finding, action="误录事项", owner="会计", deadline=timezone.localdate()
    )
    return finding


def test_the_findings_page_offers_delete_to_editors_only(
    records: Any, loose: Finding, as_user: Any, street_official: Any, leader: Any
) -> None:
    url = reverse("audits:engagement-findings", args=[records["engagement"].pk])
    delete = reverse("audits:finding-delete", args=[loose.pk])
    assert delete in as_user(street_official).get(url).content.decode()
    assert delete not in as_user(leader).get(url).content.decode()


def test_an_editor_deletes_a_finding_with_its_open_items(
    records: Any, loose: Finding, as_user: Any, street_official: Any
) -> None:
    client = as_user(street_official)
    url = reverse("audits:finding-delete", args=[loose.pk])
    page = client.get(url).content.decode()
    assert "误录问题" in page and "删除该审计发现问题" in page
    assert "1 项未销号的整改事项将一并删除" in page
    response = client.post(url, {"version": loose.version}, follow=True)
    assert "已删除该问题" in response.content.decode()
    assert not Finding.objects.filter(pk=loose.pk).exists()
    assert not Rectification.objects.filter(action="误录事项").exists()
    assert Finding.objects.filter(pk=records["finding"].pk).exists()  # the others stay
    deleted = Finding.history.filter(id=loose.pk, history_type="-").get()
    assert deleted.history_user == street_official
    assert deleted.history_change_reason == "finding deleted"
    item = Rectification.history.filter(action="误录事项", history_type="-").get()
    assert item.history_user == street_official


def test_a_finding_with_a_closed_item_is_refused(
    records: Any, as_user: Any, street_official: Any
) -> None:
    finding = records["finding"]  # one item overdue, one closed
    client = as_user(street_official)
    url = reverse("audits:finding-delete", args=[finding.pk])
    page = client.get(url).content.decode()
    assert "有已销号整改事项的问题不能删除" in page
    assert 'class="btn btn-danger btn-touch" type="submit"' not in page  # nothing to confirm
    response = client.post(url, {"version": finding.version}, follow=True)
    assert "有已销号整改事项的问题不能删除" in response.content.decode()
    assert Finding.objects.filter(pk=finding.pk).exists()
    assert finding.rectifications.count() == 2


def test_a_stale_version_is_refused(loose: Finding, street_official: Any) -> None:
    with pytest.raises(ConflictError):
        finding_delete(finding=loose, version=loose.version + 1, by=street_official)
    assert Finding.objects.filter(pk=loose.pk).exists()


def test_the_service_refuses_a_closed_item(records: Any, street_official: Any) -> None:
    finding = records["finding"]
    with pytest.raises(FindingError):
        finding_delete(finding=finding, version=finding.version, by=street_official)


@pytest.mark.parametrize("role", ["leader", "outsider", "discipline"])
def test_readers_and_other_streets_cannot_delete(
    request: Any, loose: Finding, as_user: Any, role: str
) -> None:
    client = as_user(request.getfixturevalue(role))
    url = reverse("audits:finding-delete", args=[loose.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": loose.version}).status_code == 404
    assert Finding.objects.filter(pk=loose.pk).exists()


# --- postings -------------------------------------------------------------------------------------


@pytest.fixture
def posting(records: Any, admin_user: Any) -> Posting:
    return posting_add(
        engagement=records["engagement"],
        data={"posted_on": timezone.localdate(), "place": "居务公开栏"},
        photo=None,
        by=admin_user,
    )


def test_an_editor_deletes_a_posting_and_the_audit_is_no_longer_posted(
    records: Any, posting: Posting, as_user: Any, street_official: Any
) -> None:
    engagement = Engagement.objects.get(pk=records["engagement"].pk)
    assert engagement.state == Engagement.State.POSTED
    step = PlanStep.objects.get(plan=records["plan"], template__code="audit-posting")
    assert step.status == PlanStep.Status.DONE
    client = as_user(street_official)
    page_url = reverse("audits:engagement-posting", args=[engagement.pk])
    url = reverse("audits:posting-delete", args=[posting.pk])
    assert url in client.get(page_url).content.decode()
    assert "删除该公开记录" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "已删除该公开记录" in response.content.decode()
    assert not Posting.objects.filter(pk=posting.pk).exists()
    assert not PublicNotice.objects.filter(pk=posting.notice_id).exists()
    engagement.refresh_from_db()
    # the state follows the dates again (no report day in these records: engaged)
    assert engagement.state == Engagement.State.ENGAGED
    step.refresh_from_db()
    assert step.status == PlanStep.Status.IN_PROGRESS and step.done_on is None
    deleted = Posting.history.filter(id=posting.pk, history_type="-").get()
    assert deleted.history_user == street_official
    assert deleted.history_change_reason == "posting deleted"


def test_a_leader_cannot_delete_a_posting(posting: Posting, as_user: Any, leader: Any) -> None:
    url = reverse("audits:posting-delete", args=[posting.pk])
    assert as_user(leader).get(url).status_code == 404
    assert as_user(leader).post(url).status_code == 404
    assert Posting.objects.filter(pk=posting.pk).exists()
