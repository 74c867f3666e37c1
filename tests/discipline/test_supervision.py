"""Inspections, their findings and the rectification orders, as the supervision team, the office
and a street official use them (pages in the default language, Chinese)."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from core.exceptions import ConflictError, DomainError
from discipline.models import Inspection, InspectionFinding, RectificationOrder
from discipline.services.supervision import (
    SupervisionError,
    finding_add,
    inspection_create,
    inspection_update,
    order_add,
    order_close,
)
from tests.discipline.matrix_supervision import JPEG, supervision_world
from tests.factories import CommunityFactory, DistrictFactory, StreetFactory
from tests.url_matrix import World

OVERDUE = re.compile(r"逾期 \d+ 天")


def today() -> date:
    """Read when a test runs, not when it is collected (the suite may cross midnight)."""
    return timezone.localdate()


@pytest.fixture
def records(
    district: Any,
    street: Any,
    other_street: Any,
    community: Any,
    other_community: Any,
    office: Any,
    supervisor: Any,
) -> dict[str, Any]:
    world = World(district, street, other_street, community, other_community, {"office": office})
    return supervision_world(world)


def _photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


# --- inspections ----------------------------------------------------------------------------------


def test_a_joint_inspection_needs_two_member_units(
    records: Any, supervisor: Any, community: Any, as_user: Any
) -> None:
    units = records["units"]
    data = {
        "kind": "joint",
        "held_on": today().isoformat(),
        "team": "第二督查组",
        "communities": [community.pk],
        "units": [units[0].pk],
    }
    client = as_user(supervisor)
    response = client.post(reverse("discipline:inspection-new"), data)
    assert response.status_code == 200
    assert "请至少选择 2 个参加的成员单位" in response.content.decode()
    assert not Inspection.objects.filter(team="第二督查组").exists()

    data["units"] = [units[0].pk, units[1].pk]
    response = client.post(reverse("discipline:inspection-new"), data)
    inspection = Inspection.objects.get(team="第二督查组")
    assert response.status_code == 302
    assert response["Location"] == reverse("discipline:inspection-detail", args=[inspection.pk])
    assert inspection.kind == Inspection.Kind.JOINT
    assert inspection.created_by == supervisor
    assert inspection.history.first().history_change_reason == "inspection recorded"
    # a weekly inspection of the supervision team alone needs no unit
    data.update(kind="weekly", units=[], team="第三督查组")
    assert client.post(reverse("discipline:inspection-new"), data).status_code == 302


def test_an_inspection_is_not_recorded_for_a_day_to_come_nor_across_districts(
    records: Any, supervisor: Any, community: Any
) -> None:
    base = {"kind": "weekly", "team": "督查组", "communities": [community]}
    with pytest.raises(SupervisionError, match="今天以后"):
        inspection_create(data={**base, "held_on": today() + timedelta(days=1)}, by=supervisor)
    elsewhere = CommunityFactory(street=StreetFactory(district=DistrictFactory(code="x")))
    with pytest.raises(SupervisionError, match="同一个区"):
        inspection_create(
            data={**base, "held_on": today(), "communities": [community, elsewhere]},
            by=supervisor,
        )
    # the same inspection submitted twice is recorded once
    first = inspection_create(data={**base, "held_on": today()}, by=supervisor)
    assert inspection_create(data={**base, "held_on": today()}, by=supervisor) == first


def test_editing_an_inspection_checks_the_version_and_keeps_communities_with_findings(
    records: Any, supervisor: Any, community: Any, other_community: Any, as_user: Any
) -> None:
    inspection = records["inspection"]
    units = records["units"]
    data = {
        "version": inspection.version,
        "kind": "joint",
        "held_on": inspection.held_on.isoformat(),
        "team": "新督查组",
        "communities": [community.pk, other_community.pk],
        "units": [u.pk for u in units],
        "summary": "",
    }
    client = as_user(supervisor)
    url = reverse("discipline:inspection-edit", args=[inspection.pk])
    assert client.post(url, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.team == "新督查组" and inspection.version == 2

    # a second post of the same form (the version the user saw is now old) changes nothing
    response = client.post(url, {**data, "team": "旧督查组"}, follow=True)
    assert "其他人在您打开后已保存了此督查" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.team == "新督查组"

    # other_community has a finding of this inspection: it stays among those visited
    InspectionFinding.objects.create(
        inspection=inspection, community=other_community, description="台账不全"
    )
    with pytest.raises(SupervisionError, match="Hillside"):
        inspection_update(
            inspection=inspection,
            version=inspection.version,
            data={
                **data,
                "held_on": inspection.held_on,
                "communities": [community],
                "units": units,
            },
            by=supervisor,
        )
    assert inspection.communities.count() == 2


def test_a_finding_is_recorded_only_in_a_community_visited(
    records: Any, supervisor: Any, street: Any
) -> None:
    inspection = records["inspection"]
    unvisited = CommunityFactory(street=street, name="Lakeside")
    with pytest.raises(SupervisionError, match="督查到过的社区"):
        finding_add(inspection=inspection, community=unvisited, description="问题", by=supervisor)
    finding = finding_add(
        inspection=inspection,
        community=records["finding"].community,
        description="新问题",
        by=supervisor,
    )
    assert finding.created_by == supervisor
    assert InspectionFinding.objects.filter(inspection=inspection).count() == 2


def test_the_inspection_page_shows_a_street_official_only_their_communities(
    records: Any, street_official: Any, supervisor: Any, other_community: Any, as_user: Any
) -> None:
    inspection = records["inspection"]
    inspection.communities.add(other_community)
    InspectionFinding.objects.create(
        inspection=inspection, community=other_community, description="台账不全"
    )
    url = reverse("discipline:inspection-detail", args=[inspection.pk])
    page = as_user(street_official).get(url).content.decode()
    assert "公示栏未更新" in page  # the finding of their community
    assert "台账不全" not in page  # another street's finding
    assert "Hillside" not in page
    assert "总体平稳" not in page  # the summary speaks of every community
    assert "逾期 3 天" in page
    assert "登记问题" not in page  # no form: they do not record inspections
    whole = as_user(supervisor).get(url).content.decode()
    assert "台账不全" in whole and "总体平稳" in whole and "登记问题" in whole


def test_the_inspections_list_filters_by_kind_and_month(
    records: Any, supervisor: Any, community: Any, as_user: Any
) -> None:
    old = today().replace(day=1) - timedelta(days=40)
    Inspection.objects.create(
        district=community.street.district, kind="weekly", held_on=old, team="上月督查组"
    ).communities.set([community])
    client = as_user(supervisor)
    url = reverse("discipline:inspections")
    page = client.get(url).content.decode()
    assert "联合督查组" in page and "上月督查组" in page
    page = client.get(url, {"kind": "weekly"}).content.decode()
    assert "联合督查组" not in page and "上月督查组" in page
    page = client.get(url, {"month": old.strftime("%Y-%m")}).content.decode()
    assert "联合督查组" not in page and "上月督查组" in page
    # a month typed wrong is ignored, not an error
    assert client.get(url, {"month": "2026-13"}).status_code == 200


def test_the_inspections_list_queries_do_not_grow_with_the_rows(
    records: Any, supervisor: Any, community: Any, as_user: Any
) -> None:
    client = as_user(supervisor)
    url = reverse("discipline:inspections")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        inspection = Inspection.objects.create(
            district=community.street.district, kind="joint", held_on=today(), team=f"组{n}"
        )
        inspection.communities.set([community])
        inspection.units.set(records["units"])
        InspectionFinding.objects.create(
            inspection=inspection, community=community, description="x"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "组4" in response.content.decode()
    assert len(many) == len(few)


# --- rectification orders -------------------------------------------------------------------------


def test_an_order_is_opened_from_a_finding_with_a_deadline_not_before_the_inspection(
    records: Any, supervisor: Any, as_user: Any
) -> None:
    finding = records["finding"]
    url = reverse("discipline:order-add", args=[finding.pk])
    client = as_user(supervisor)
    early = (records["inspection"].held_on - timedelta(days=1)).isoformat()
    response = client.post(url, {"action": "整改", "owner": "街道", "due_on": early})
    assert "整改期限不能早于督查日期" in response.content.decode()
    assert not RectificationOrder.objects.filter(action="整改").exists()
    due = (today() + timedelta(days=5)).isoformat()
    response = client.post(url, {"action": "整改", "owner": "街道", "due_on": due})
    order = RectificationOrder.objects.get(action="整改")
    assert response["Location"] == reverse("discipline:order-detail", args=[order.pk])
    # submitted twice, one order
    order_add(
        finding=finding,
        data={"action": "整改", "owner": "街道", "due_on": order.due_on},
        by=supervisor,
    )
    assert RectificationOrder.objects.filter(action="整改").count() == 1


def test_closing_an_order_needs_a_past_day_a_note_and_a_photo_or_pdf(
    records: Any, street_official: Any
) -> None:
    order = records["open_order"]
    args = {"order": order, "version": order.version, "close_out": "已整改", "by": street_official}
    with pytest.raises(SupervisionError, match="不能晚于今天"):
        order_close(**args, closed_on=today() + timedelta(days=1), evidence=_photo())
    with pytest.raises(SupervisionError, match="佐证材料"):
        order_close(**args, closed_on=today(), evidence=None)
    with pytest.raises(DomainError):
        text = SimpleUploadedFile("note.pdf", b"not a pdf at all", content_type="application/pdf")
        order_close(**args, closed_on=today(), evidence=text)
    with pytest.raises(SupervisionError, match="早于下发整改通知"):
        order_close(**args, closed_on=today() - timedelta(days=1), evidence=_photo())
    order.refresh_from_db()
    assert order.closed_on is None and not order.file

    closed = order_close(**args, closed_on=today(), evidence=_photo())
    assert closed.closed_on == today() and closed.file_type == "image/jpeg"
    assert closed.history.first().history_change_reason == "order closed"
    assert closed.history.first().history_user == street_official
    # not twice: the old version is stale, the new one finds it closed
    with pytest.raises(ConflictError):
        order_close(**args, closed_on=today(), evidence=_photo())
    with pytest.raises(SupervisionError, match="已销号"):
        order_close(**{**args, "version": closed.version}, closed_on=today(), evidence=_photo())


def test_a_street_official_closes_an_order_of_their_community_and_the_evidence_downloads(
    records: Any, street_official: Any, leader: Any, outsider: Any, discipline: Any, as_user: Any
) -> None:
    order = records["open_order"]
    url = reverse("discipline:order-close", args=[order.pk])
    data = {
        "version": order.version,
        "closed_on": today().isoformat(),
        "close_out": "公示栏已更新",
    }
    # a leader reads the order but does not close it; the outsider does not see it
    for user in (leader, outsider, discipline):
        assert as_user(user).post(url, {**data, "evidence": _photo()}).status_code == 404
    client = as_user(street_official)
    response = client.post(url, {**data, "evidence": _photo("公示栏.jpg")})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.closed_on == today() and order.close_out == "公示栏已更新"
    detail = client.get(reverse("discipline:order-detail", args=[order.pk])).content.decode()
    assert "公示栏已更新" in detail and "公示栏.jpg" in detail
    evidence = reverse("discipline:order-evidence", args=[order.pk])
    download = as_user(leader).get(evidence)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\xff\xd8")
    assert as_user(outsider).get(evidence).status_code == 404


def test_the_orders_list_flags_the_overdue_and_filters(
    records: Any,
    street_official: Any,
    supervisor: Any,
    street: Any,
    other_street: Any,
    as_user: Any,
) -> None:
    RectificationOrder.objects.create(
        finding=records["other_finding"], action="补全台账", owner="社区", due_on=today()
    )
    url = reverse("discipline:orders")
    page = as_user(street_official).get(url).content.decode()
    assert "更新公示栏" in page and "补齐台账" in page
    assert "补全台账" not in page  # another street's order
    assert OVERDUE.findall(page) == ["逾期 3 天"]  # a deadline is met on its own day
    whole = as_user(supervisor)
    page = whole.get(url).content.decode()
    assert "补全台账" in page
    page = whole.get(url, {"state": "overdue"}).content.decode()
    assert "更新公示栏" in page and "补齐台账" not in page and "补全台账" not in page
    page = whole.get(url, {"state": "closed"}).content.decode()
    assert "补齐台账" in page and "更新公示栏" not in page
    page = whole.get(url, {"street": other_street.pk}).content.decode()
    assert "补全台账" in page and "更新公示栏" not in page
    # a street outside the user's scope is ignored, not a way to look
    page = as_user(street_official).get(url, {"street": other_street.pk}).content.decode()
    assert "补全台账" not in page and "更新公示栏" in page


def test_the_orders_list_queries_do_not_grow_with_the_rows(
    records: Any, supervisor: Any, as_user: Any
) -> None:
    client = as_user(supervisor)
    url = reverse("discipline:orders")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        RectificationOrder.objects.create(
            finding=records["finding"] if n % 2 else records["other_finding"],
            action=f"整改{n}",
            owner="街道",
            due_on=today() - timedelta(days=n),
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "整改5" in response.content.decode()
    assert len(many) == len(few)


def test_a_member_unit_sees_no_supervision(
    records: Any, member_unit_user: Any, as_user: Any
) -> None:
    client = as_user(member_unit_user)
    assert client.get(reverse("discipline:inspections")).status_code == 404
    assert client.get(reverse("discipline:orders")).status_code == 404
    assert Community.objects.count() == 2


def test_an_inspection_without_a_community_is_refused_in_words(
    records: Any, office: Any, as_user: Any
) -> None:
    data = {"kind": "weekly", "held_on": today().isoformat(), "team": "空督查组"}
    response = as_user(office).post(reverse("discipline:inspection-new"), data)
    assert "请至少选择一个督查社区" in response.content.decode()
    assert not Inspection.objects.filter(team="空督查组").exists()


def test_a_leader_reads_an_order_without_the_close_button(
    records: Any, leader: Any, street_official: Any, as_user: Any
) -> None:
    order = records["open_order"]
    url = reverse("discipline:order-detail", args=[order.pk])
    close = reverse("discipline:order-close", args=[order.pk])
    page = as_user(leader).get(url).content.decode()
    assert "更新公示栏" in page and "逾期 3 天" in page
    assert close not in page
    assert close in as_user(street_official).get(url).content.decode()


def test_the_admin_lists_orders_findings_and_decisions(
    records: Any, admin_user: Any, as_user: Any
) -> None:
    client = as_user(admin_user)
    for model in ("rectificationorder", "inspectionfinding", "meetingdecision"):
        response = client.get(reverse(f"admin:discipline_{model}_changelist"))
        assert response.status_code == 200, model
    page = client.get(reverse("admin:discipline_rectificationorder_changelist")).content.decode()
    assert "更新公示栏" in page
