"""URL-matrix cases of the supervision (inspections, findings, rectification orders) and the joint
meetings, and the records they point at (`supervision_world`).

- Inspections, findings and orders are written by the supervision team and the office (and the
  superuser); read as a whole by the office, the discipline officers and the supervision team; a
  street official and a leader read the inspections that visited their communities and the
  findings and orders of those; the outsider's street was not visited: 404; a member unit: 404.
- An order is closed by its writers and by the street official of its community.
- Joint meetings: written by the office; read by the office, discipline and supervision.

`SUPERVISION_ENTRIES` holds one case per URL (the POST where there is one, with `after`);
`SUPERVISION_GET_ENTRIES` the form pages' GET, run by tests/discipline/test_supervision_matrix.py.
"""

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import MemberUnit
from discipline.models import (
    Inspection,
    InspectionFinding,
    JointMeeting,
    MeetingDecision,
    RectificationOrder,
)
from tests.url_matrix import FOUND, NOT_FOUND, OK, Case, World, everyone, in_scope_of_community

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

WRITERS = ("admin_user", "office", "supervisor")
CLOSERS = ("admin_user", "office", "supervisor", "street_official")
OFFICE = ("admin_user", "office")
READERS = ("admin_user", "office", "discipline", "supervisor")


def only(roles: tuple[str, ...], status: int) -> dict[str, int]:
    """`status` for `roles`, 404 for every other signed-in role, the sign-in page for anonymous."""
    expect = everyone(NOT_FOUND)
    expect.update(dict.fromkeys(roles, status))
    return expect


def supervision_world(world: World) -> dict[str, Any]:
    """A joint inspection ten days ago that visited `community`, a weekly one that visited
    `other_community`, a finding in each, an overdue open order and a closed order (with a
    photo) on `community`'s finding, a joint meeting with signed minutes and an open decision.
    Made once per world."""
    if "supervision" in world.extra:
        return world.extra["supervision"]  # type: ignore[no-any-return]
    today = timezone.localdate()
    office = world.users["office"]
    units = [
        # by code, as the other parts' helpers do (they may have made the same unit)
        MemberUnit.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (
            ("discipline-unit", "纪委监委"),
            ("civil-affairs", "区民政局"),
            ("police", "公安局"),
        )
    ]
    inspection = Inspection.objects.create(
        district=world.district,
        kind=Inspection.Kind.JOINT,
        held_on=today - timedelta(days=10),
        team="联合督查组",
        summary="总体平稳",
        created_by=office,
    )
    inspection.units.set(units)
    inspection.communities.set([world.community])
    finding = InspectionFinding.objects.create(
        inspection=inspection, community=world.community, description="公示栏未更新"
    )
    other_inspection = Inspection.objects.create(
        district=world.district,
        kind=Inspection.Kind.WEEKLY,
        held_on=today - timedelta(days=9),
        team="第一督查组",
        created_by=office,
    )
    other_inspection.communities.set([world.other_community])
    other_finding = InspectionFinding.objects.create(
        inspection=other_inspection, community=world.other_community, description="台账不全"
    )
    open_order = RectificationOrder.objects.create(
        finding=finding, action="更新公示栏", owner="街道", due_on=today - timedelta(days=3)
    )
    closed = RectificationOrder(
        finding=finding,
        action="补齐台账",
        owner="社区",
        due_on=today,
        closed_on=today,
        close_out="已补齐",
        file_name="照片.jpg",
        file_type="image/jpeg",
    )
    closed.file.save("x", ContentFile(JPEG), save=False)
    closed.save()
    meeting = JointMeeting(
        district=world.district,
        held_on=today - timedelta(days=5),
        title="联席会议",
        minutes="研究督查问题",
        file_name="纪要.pdf",
        file_type="application/pdf",
        created_by=office,
    )
    meeting.file.save("m", ContentFile(PDF), save=False)
    meeting.save()
    meeting.units.set(units[:2])
    decision = MeetingDecision.objects.create(
        meeting=meeting, text="限期整改", owner="民政局", due_on=today + timedelta(days=7)
    )
    records = {
        "units": units,
        "inspection": inspection,
        "finding": finding,
        "other_inspection": other_inspection,
        "other_finding": other_finding,
        "open_order": open_order,
        "closed_order": closed,
        "meeting": meeting,
        "decision": decision,
    }
    world.extra["supervision"] = records
    return records


def _pk(key: str) -> Any:
    return lambda w: {"pk": supervision_world(w)[key].pk}


def _written(roles: tuple[str, ...], check: Any) -> Any:
    """An `after` that asserts `check(world)` is true for `roles` and false for everyone else."""

    def after(world: World, role: str, response: Any) -> None:
        assert bool(check(world)) == (role in roles), (role, response.status_code)

    return after


def _inspection_data(world: World) -> dict[str, Any]:
    records = supervision_world(world)
    return {
        "kind": Inspection.Kind.WEEKLY,
        "held_on": timezone.localdate().isoformat(),
        "team": "矩阵督查组",
        "communities": [world.community.pk],
        "summary": "",
        "units": [records["units"][0].pk],
    }


def _inspection_edit_data(world: World) -> dict[str, Any]:
    records = supervision_world(world)
    inspection = records["inspection"]
    return {
        "version": inspection.version,
        "kind": Inspection.Kind.JOINT,
        "held_on": inspection.held_on.isoformat(),
        "team": "改过的督查组",
        "communities": [world.community.pk, world.other_community.pk],
        "units": [u.pk for u in records["units"]],
        "summary": inspection.summary,
    }


def _close_data(world: World) -> dict[str, Any]:
    order = supervision_world(world)["open_order"]
    return {
        "version": order.version,
        "closed_on": timezone.localdate().isoformat(),
        "close_out": "已更新公示栏",
        "evidence": SimpleUploadedFile("photo.jpg", JPEG, content_type="image/jpeg"),
    }


def _meeting_data(world: World) -> dict[str, Any]:
    supervision_world(world)
    return {
        "district": world.district.pk,
        "held_on": timezone.localdate().isoformat(),
        "title": "矩阵联席会议",
        "units": [u.pk for u in supervision_world(world)["units"]],
        "minutes": "",
    }


def _meeting_edit_data(world: World) -> dict[str, Any]:
    meeting = supervision_world(world)["meeting"]
    return {
        "version": meeting.version,
        "held_on": meeting.held_on.isoformat(),
        "title": "改过的联席会议",
        "units": [u.pk for u in supervision_world(world)["units"]],
        "minutes": meeting.minutes,
    }


def _decision_data(world: World) -> dict[str, Any]:
    supervision_world(world)
    return {
        "text": "矩阵决定",
        "owner": "公安分局",
        "due_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }


def _follow_up_data(world: World) -> dict[str, Any]:
    decision = supervision_world(world)["decision"]
    return {
        "version": decision.version,
        "follow_up": "已落实",
        "done_on": timezone.localdate().isoformat(),
    }


def _listed(world: World) -> dict[str, Any]:
    supervision_world(world)
    return {}


SUPERVISION_ENTRIES: dict[str, Case] = {
    "discipline:inspections": Case(
        expect=everyone(OK, member_unit_user=NOT_FOUND),
        kwargs=_listed,
    ),
    "discipline:inspection-new": Case(
        expect=only(WRITERS, FOUND),
        method="post",
        data=_inspection_data,
        after=_written(WRITERS, lambda w: Inspection.objects.filter(team="矩阵督查组").exists()),
    ),
    "discipline:inspection-detail": Case(
        expect=in_scope_of_community(OK),
        kwargs=_pk("inspection"),
    ),
    "discipline:inspection-edit": Case(
        expect=only(WRITERS, FOUND),
        method="post",
        kwargs=_pk("inspection"),
        data=_inspection_edit_data,
        after=_written(WRITERS, lambda w: Inspection.objects.filter(team="改过的督查组").exists()),
    ),
    "discipline:inspection-finding-add": Case(
        expect=only(WRITERS, FOUND),
        method="post",
        kwargs=_pk("inspection"),
        data=lambda w: {"community": w.community.pk, "description": "矩阵问题"},
        after=_written(
            WRITERS, lambda w: InspectionFinding.objects.filter(description="矩阵问题").exists()
        ),
    ),
    "discipline:order-add": Case(
        expect=only(WRITERS, FOUND),
        method="post",
        kwargs=_pk("finding"),
        data=lambda w: {
            "action": "矩阵整改",
            "owner": "街道",
            "due_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
        after=_written(
            WRITERS, lambda w: RectificationOrder.objects.filter(action="矩阵整改").exists()
        ),
    ),
    "discipline:orders": Case(
        expect=everyone(OK, member_unit_user=NOT_FOUND),
        kwargs=_listed,
        query="?state=overdue",
    ),
    "discipline:order-detail": Case(
        expect=in_scope_of_community(OK),
        kwargs=_pk("open_order"),
    ),
    "discipline:order-close": Case(
        expect=only(CLOSERS, FOUND),
        method="post",
        kwargs=_pk("open_order"),
        data=_close_data,
        after=_written(
            CLOSERS,
            lambda w: (
                RectificationOrder.objects.get(pk=supervision_world(w)["open_order"].pk).closed_on
            ),
        ),
    ),
    "discipline:order-evidence": Case(
        expect=in_scope_of_community(OK),
        kwargs=_pk("closed_order"),
    ),
    "discipline:meetings": Case(expect=only(READERS, OK), kwargs=_listed),
    "discipline:meeting-new": Case(
        expect=only(OFFICE, FOUND),
        method="post",
        data=_meeting_data,
        after=_written(
            OFFICE, lambda w: JointMeeting.objects.filter(title="矩阵联席会议").exists()
        ),
    ),
    "discipline:meeting-detail": Case(expect=only(READERS, OK), kwargs=_pk("meeting")),
    "discipline:meeting-edit": Case(
        expect=only(OFFICE, FOUND),
        method="post",
        kwargs=_pk("meeting"),
        data=_meeting_edit_data,
        after=_written(
            OFFICE, lambda w: JointMeeting.objects.filter(title="改过的联席会议").exists()
        ),
    ),
    "discipline:decision-add": Case(
        expect=only(OFFICE, FOUND),
        method="post",
        kwargs=_pk("meeting"),
        data=_decision_data,
        after=_written(OFFICE, lambda w: MeetingDecision.objects.filter(text="矩阵决定").exists()),
    ),
    "discipline:decision-update": Case(
        expect=only(OFFICE, FOUND),
        method="post",
        kwargs=_pk("decision"),
        data=_follow_up_data,
        after=_written(
            OFFICE,
            lambda w: MeetingDecision.objects.get(pk=supervision_world(w)["decision"].pk).done_on,
        ),
    ),
    "discipline:meeting-minutes": Case(expect=only(READERS, OK), kwargs=_pk("meeting")),
}

# the form pages (GET) of the URLs whose matrix case above is the POST
SUPERVISION_GET_ENTRIES: dict[str, Case] = {
    "discipline:inspection-new": Case(expect=only(WRITERS, OK)),
    "discipline:inspection-edit": Case(expect=only(WRITERS, OK), kwargs=_pk("inspection")),
    "discipline:inspection-finding-add": Case(expect=only(WRITERS, OK), kwargs=_pk("inspection")),
    "discipline:order-add": Case(expect=only(WRITERS, OK), kwargs=_pk("finding")),
    "discipline:order-close": Case(expect=only(CLOSERS, OK), kwargs=_pk("open_order")),
    "discipline:meeting-new": Case(expect=only(OFFICE, OK)),
    "discipline:meeting-edit": Case(expect=only(OFFICE, OK), kwargs=_pk("meeting")),
    "discipline:decision-add": Case(expect=only(OFFICE, OK), kwargs=_pk("meeting")),
    "discipline:decision-update": Case(expect=only(OFFICE, OK), kwargs=_pk("decision")),
}
