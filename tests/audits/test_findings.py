"""Findings, rectification items and finding categories, as the street official and the office use
them (pages in the default language, Chinese)."""

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import DEFAULT_FINDING_CATEGORIES, Finding, FindingCategory, Rectification
from audits.services.findings import (
    FindingError,
    categories_ensure,
    category_add,
    finding_add,
    finding_update,
    rectification_close,
)
from communities.models import District
from core.exceptions import ConflictError
from tests.audits.matrix_findings import JPEG, community_records, findings_campaign


def today() -> date:
    """Today in the project's time zone, read when a test runs (not when it is collected), so a
    run that crosses midnight keeps its dates right."""
    return timezone.localdate()


@pytest.fixture
def records(district: Any, community: Any, other_community: Any, admin_user: Any) -> Any:
    findings_campaign(district, election_on=today() + timedelta(days=30), by=admin_user)
    mine = community_records(community, by=admin_user, today=today())
    mine["other"] = community_records(other_community, by=admin_user, today=today())
    return mine


def _findings_url(records: Any) -> str:
    return reverse("audits:engagement-findings", args=[records["engagement"].pk])


# --- findings -------------------------------------------------------------------------------------


def test_findings_page_shows_the_finding_and_the_overdue_item(
    records: Any, street_official: Any, as_user: Any
) -> None:
    page = as_user(street_official).get(_findings_url(records)).content.decode()
    assert "白条入账" in page
    assert "1200.50" in page
    assert "逾期 3 天" in page  # the open item three days past its deadline
    assert "已收回" in page  # the closed one's note, not overdue
    assert re.findall(r"逾期 \d+ 天", page) == ["逾期 3 天"]  # only that item flagged
    assert "王主任" in page  # the audited official offered as the person concerned
    for label in ("问题类别", "涉及金额（元）", "责任人", "整改事项", "登记问题"):  # noqa: RUF001
        assert label in page


def test_an_item_due_today_is_not_overdue(records: Any, street_official: Any, as_user: Any) -> None:
    item = records["overdue"]
    item.deadline = today()
    item.save()
    page = as_user(street_official).get(_findings_url(records)).content.decode()
    assert not re.findall(r"逾期 \d+ 天", page)


def test_findings_page_queries_do_not_grow_with_the_findings(
    records: Any, street_official: Any, as_user: Any
) -> None:
    client = as_user(street_official)
    client.get(_findings_url(records))
    with CaptureQueriesContext(connection) as few:
        client.get(_findings_url(records))
    for n in range(5):
        finding = Finding.objects.create(
            engagement=records["engagement"], category=records["category"], description=f"问题{n}"
        )
        Rectification.objects.create(
            finding=finding, action="整改", owner="会计", deadline=today() - timedelta(days=n)
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(_findings_url(records))
    assert "问题4" in response.content.decode()
    assert len(many) == len(few)


def test_a_street_official_records_a_finding(
    records: Any, street_official: Any, as_user: Any
) -> None:
    response = as_user(street_official).post(
        _findings_url(records),
        {
            "category": records["category"].pk,
            "description": "工程未招标",
            "amount": "50000",
            "person": "李会计",
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(description="工程未招标")
    assert finding.amount == Decimal("50000")
    assert finding.person == "李会计"
    assert finding.created_by == street_official
    assert finding.history.first().history_change_reason == "finding added"


def test_a_negative_amount_is_refused_in_chinese(
    records: Any, street_official: Any, as_user: Any
) -> None:
    response = as_user(street_official).post(
        _findings_url(records),
        {"category": records["category"].pk, "description": "问题", "amount": "-1"},
    )
    assert response.status_code == 200
    assert "涉及金额不能为负数" in response.content.decode()
    assert not Finding.objects.filter(description="问题").exists()


def test_a_category_of_another_district_is_refused(records: Any, street_official: Any) -> None:
    elsewhere = District.objects.create(name="外区")
    categories_ensure(elsewhere)
    foreign = FindingCategory.objects.filter(district=elsewhere).first()
    with pytest.raises(FindingError):
        finding_add(
            engagement=records["engagement"],
            data={"category": foreign, "description": "x"},
            by=street_official,
        )


def test_editing_a_finding_checks_the_version(records: Any, street_official: Any) -> None:
    finding = records["finding"]
    data = {"category": finding.category, "description": "改过", "amount": None, "person": ""}
    saved = finding_update(finding=finding, version=finding.version, data=data, by=street_official)
    assert saved.version == finding.version + 1
    with pytest.raises(ConflictError):
        finding_update(
            finding=finding,
            version=finding.version,
            data={**data, "description": "再改"},
            by=street_official,
        )
    assert Finding.objects.get(pk=finding.pk).description == "改过"


def test_a_stale_edit_page_tells_the_user_in_chinese(
    records: Any, street_official: Any, as_user: Any
) -> None:
    finding = records["finding"]
    client = as_user(street_official)
    url = reverse("audits:finding-edit", args=[finding.pk])
    body = {
        "category": finding.category_id,
        "description": "第一次",
        "amount": "1",
        "person": "",
        "version": finding.version,
    }
    assert client.post(url, body).status_code == 302
    response = client.post(url, {**body, "description": "第二次"}, follow=True)
    assert "其他人" in response.content.decode() or "已被" in response.content.decode()
    assert Finding.objects.get(pk=finding.pk).description == "第一次"


def test_another_streets_finding_is_a_404(records: Any, street_official: Any, as_user: Any) -> None:
    other = records["other"]["finding"]
    client = as_user(street_official)
    assert client.get(reverse("audits:finding-edit", args=[other.pk])).status_code == 404
    assert (
        client.get(reverse("audits:engagement-findings", args=[other.engagement_id])).status_code
        == 404
    )


# --- rectification items --------------------------------------------------------------------------


def test_closing_an_item_with_a_photo(records: Any, street_official: Any, as_user: Any) -> None:
    item = records["overdue"]
    client = as_user(street_official)
    response = client.post(
        reverse("audits:rectification-close", args=[item.pk]),
        {
            "version": item.version,
            "closed_on": today().isoformat(),
            "note": "凭证已补齐",
            "evidence": SimpleUploadedFile("证明.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.closed_on == today()
    assert item.evidence_type == "image/jpeg"
    assert "证明" not in item.evidence.name  # stored under a generated name
    download = client.get(reverse("audits:rectification-evidence", args=[item.pk]))
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"].startswith("attachment")
    page = client.get(_findings_url(records)).content.decode()
    assert not re.findall(r"逾期 \d+ 天", page)


def test_a_file_that_is_not_a_photo_is_refused(
    records: Any, street_official: Any, as_user: Any
) -> None:
    item = records["overdue"]
    response = as_user(street_official).post(
        reverse("audits:rectification-close", args=[item.pk]),
        {
            "version": item.version,
            "closed_on": today().isoformat(),
            "note": "已整改",
            "evidence": SimpleUploadedFile("a.jpg", b"MZ not a photo", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "不是照片" in response.content.decode()
    item.refresh_from_db()
    assert item.closed_on is None


def test_an_item_cannot_close_in_the_future_or_twice(records: Any, street_official: Any) -> None:
    item = records["overdue"]
    with pytest.raises(FindingError):
        rectification_close(
            item=item,
            version=item.version,
            closed_on=today() + timedelta(days=1),
            note="x",
            evidence=None,
            by=street_official,
        )
    closed = records["closed"]
    with pytest.raises(FindingError):
        rectification_close(
            item=closed,
            version=closed.version,
            closed_on=today(),
            note="x",
            evidence=None,
            by=street_official,
        )


def test_opening_an_item(records: Any, street_official: Any, as_user: Any) -> None:
    finding = records["finding"]
    response = as_user(street_official).post(
        reverse("audits:rectification-add", args=[finding.pk]),
        {
            "action": "建立台账",
            "owner": "会计",
            "deadline": (today() + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert finding.rectifications.filter(action="建立台账", closed_on=None).exists()


def test_the_rectification_list_filters_open_and_overdue(
    records: Any, street_official: Any, office: Any, as_user: Any
) -> None:
    url = reverse("audits:rectification-list")
    Rectification.objects.create(
        finding=records["finding"],
        action="未到期事项",
        owner="会计",
        deadline=today() + timedelta(days=5),
    )
    Rectification.objects.create(
        finding=records["finding"], action="今天到期事项", owner="会计", deadline=today()
    )
    client = as_user(street_official)
    overdue = client.get(url + "?state=overdue").content.decode()
    assert "今天到期事项" not in overdue  # due today is not yet overdue
    assert "补齐凭证" in overdue and "逾期 3 天" in overdue
    assert "未到期事项" not in overdue and "收回款项" not in overdue
    open_ = client.get(url + "?state=open").content.decode()
    assert "未到期事项" in open_ and "补齐凭证" in open_ and "收回款项" not in open_
    # the street official sees one community's items; the office both communities'
    assert client.get(url).content.decode().count("补齐凭证") == 1
    assert as_user(office).get(url).content.decode().count("补齐凭证") == 2


def test_the_rectification_list_queries_do_not_grow(
    records: Any, office: Any, as_user: Any
) -> None:
    client = as_user(office)
    url = reverse("audits:rectification-list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        Rectification.objects.create(
            finding=records["other"]["finding"], action=f"事项{n}", owner="x", deadline=today()
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- categories -----------------------------------------------------------------------------------


def test_a_district_gets_the_default_categories_on_first_visit(
    district: Any, office: Any, as_user: Any
) -> None:
    assert not FindingCategory.objects.filter(district=district).exists()
    page = as_user(office).get(reverse("audits:category-list")).content.decode()
    names = list(
        FindingCategory.objects.filter(district=district)
        .order_by("order")
        .values_list("name", flat=True)
    )
    assert names == DEFAULT_FINDING_CATEGORIES
    assert all(name in page for name in names)
    as_user(office).get(reverse("audits:category-list"))
    assert FindingCategory.objects.filter(district=district).count() == len(names)


def test_office_adds_renames_reorders_and_retires(district: Any, office: Any, as_user: Any) -> None:
    client = as_user(office)
    url = reverse("audits:category-list")
    client.get(url)
    assert client.post(url, {"district": district.pk, "name": "村级债务"}).status_code == 302
    added = FindingCategory.objects.get(district=district, name="村级债务")
    assert added.order == len(DEFAULT_FINDING_CATEGORIES) + 1
    duplicate = client.post(url, {"district": district.pk, "name": "村级债务"})
    assert "已有名为" in duplicate.content.decode()
    client.post(reverse("audits:category-edit", args=[added.pk]), {"name": "债务问题"})
    client.post(reverse("audits:category-move", args=[added.pk]), {"direction": "up"})
    added.refresh_from_db()
    assert added.name == "债务问题"
    assert added.order == len(DEFAULT_FINDING_CATEGORIES)
    first = FindingCategory.objects.get(district=district, order=1)
    client.post(reverse("audits:category-move", args=[first.pk]), {"direction": "up"})
    first.refresh_from_db()
    assert first.order == 1  # the first one stays first
    client.post(reverse("audits:category-retire", args=[added.pk]), {"active": "0"})
    added.refresh_from_db()
    assert not added.is_active


def test_a_retired_category_is_not_offered_for_a_new_finding(
    records: Any, street_official: Any, as_user: Any
) -> None:
    retired = FindingCategory.objects.filter(district=records["category"].district).last()
    retired.is_active = False
    retired.save()
    page = as_user(street_official).get(_findings_url(records)).content.decode()
    assert f'value="{retired.pk}"' not in page
    with pytest.raises(FindingError):
        finding_add(
            engagement=records["engagement"],
            data={"category": retired, "description": "x"},
            by=street_official,
        )


def test_a_category_name_must_be_new_in_the_district(district: Any, office: Any) -> None:
    categories_ensure(district)
    with pytest.raises(FindingError):
        category_add(district=district, name=DEFAULT_FINDING_CATEGORIES[0], by=office)
