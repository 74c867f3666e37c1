"""Joint meetings of the member units, their decisions and the follow-up, as the office records them
and discipline and supervision read them (pages in the default language, Chinese)."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.exceptions import ConflictError
from discipline.models import JointMeeting, MeetingDecision
from discipline.services.meetings import MeetingError, decision_add, decision_follow_up
from discipline.services.supervision import SupervisionError
from tests.discipline.matrix_supervision import PDF, supervision_world
from tests.url_matrix import World

OVERDUE = re.compile(r"逾期 \d+ 天")


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def records(
    district: Any, street: Any, other_street: Any, community: Any, other_community: Any, office: Any
) -> dict[str, Any]:
    world = World(district, street, other_street, community, other_community, {"office": office})
    return supervision_world(world)


def test_the_office_records_a_meeting_with_signed_minutes_that_readers_download(
    records: Any, office: Any, discipline: Any, supervisor: Any, leader: Any, as_user: Any
) -> None:
    units = records["units"]
    data = {
        "district": records["meeting"].district_id,
        "held_on": today().isoformat(),
        "title": "第三次联席会议",
        "units": [u.pk for u in units],
        "minutes": "通报督查情况",
        "signed_minutes": SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf"),
    }
    response = as_user(office).post(reverse("discipline:meeting-new"), data)
    meeting = JointMeeting.objects.get(title="第三次联席会议")
    assert response["Location"] == reverse("discipline:meeting-detail", args=[meeting.pk])
    assert meeting.file_type == "application/pdf" and meeting.file_name == "纪要.pdf"
    assert set(meeting.units.all()) == set(units)
    assert meeting.history.first().history_change_reason == "meeting recorded"
    minutes = reverse("discipline:meeting-minutes", args=[meeting.pk])
    for reader in (discipline, supervisor):
        download = as_user(reader).get(minutes)
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert as_user(leader).get(minutes).status_code == 404
    page = as_user(discipline).get(reverse("discipline:meeting-detail", args=[meeting.pk]))
    text = page.content.decode()
    assert "通报督查情况" in text and "纪委监委" in text
    # discipline reads, the office records
    assert reverse("discipline:decision-add", args=[meeting.pk]) not in text


def test_a_meeting_needs_a_past_day_and_the_units_present(
    records: Any, office: Any, as_user: Any
) -> None:
    data = {
        "district": records["meeting"].district_id,
        "held_on": (today() + timedelta(days=1)).isoformat(),
        "title": "未来的会议",
        "units": [records["units"][0].pk],
    }
    client = as_user(office)
    response = client.post(reverse("discipline:meeting-new"), data)
    assert "不能登记今天以后召开的会议" in response.content.decode()
    response = client.post(
        reverse("discipline:meeting-new"), {**data, "held_on": today().isoformat(), "units": []}
    )
    assert "请选择参会成员单位" in response.content.decode()
    assert not JointMeeting.objects.filter(title="未来的会议").exists()


def test_editing_a_meeting_checks_the_version(records: Any, office: Any, as_user: Any) -> None:
    meeting = records["meeting"]
    url = reverse("discipline:meeting-edit", args=[meeting.pk])
    data = {
        "version": meeting.version,
        "held_on": meeting.held_on.isoformat(),
        "title": "联席会议（修订）",  # noqa: RUF001
        "units": [u.pk for u in records["units"]],
        "minutes": meeting.minutes,
    }
    client = as_user(office)
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": "旧标题"}, follow=True)
    assert "其他人在您打开后已保存了此联席会议" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "联席会议（修订）" and meeting.version == 2  # noqa: RUF001
    assert meeting.file_name == "纪要.pdf"  # no new file: the signed minutes stay


def test_a_decision_is_followed_up_until_done(records: Any, office: Any, as_user: Any) -> None:
    meeting = records["meeting"]
    with pytest.raises(MeetingError, match="不能早于会议日期"):
        decision_add(
            meeting=meeting,
            data={"text": "x", "owner": "y", "due_on": meeting.held_on - timedelta(days=1)},
            by=office,
        )
    decision = decision_add(
        meeting=meeting,
        data={"text": "落实整改", "owner": "民政局", "due_on": today() - timedelta(days=2)},
        by=office,
    )
    page = as_user(office).get(reverse("discipline:meeting-detail", args=[meeting.pk]))
    assert OVERDUE.findall(page.content.decode()) == ["逾期 2 天"]

    with pytest.raises(SupervisionError, match="不能晚于今天"):
        decision_follow_up(
            decision=decision,
            version=decision.version,
            follow_up="",
            done_on=today() + timedelta(days=1),
            by=office,
        )
    url = reverse("discipline:decision-update", args=[decision.pk])
    response = as_user(office).post(
        url, {"version": decision.version, "follow_up": "已完成", "done_on": today().isoformat()}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.done_on == today() and decision.follow_up == "已完成"
    assert decision.history.first().history_change_reason == "decision done"
    page = as_user(office).get(reverse("discipline:meeting-detail", args=[meeting.pk]))
    assert not OVERDUE.findall(page.content.decode())
    # a decision done stays done; an old version is refused
    with pytest.raises(MeetingError, match="已完成"):
        decision_follow_up(
            decision=decision, version=decision.version, follow_up="x", done_on=None, by=office
        )
    with pytest.raises(ConflictError):
        decision_follow_up(decision=decision, version=1, follow_up="x", done_on=today(), by=office)


def test_the_meetings_list_counts_decisions_in_fixed_queries(
    records: Any, supervisor: Any, as_user: Any
) -> None:
    client = as_user(supervisor)
    url = reverse("discipline:meetings")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        meeting = JointMeeting.objects.create(
            district=records["meeting"].district, held_on=today(), title=f"会议{n}"
        )
        meeting.units.set(records["units"])
        MeetingDecision.objects.create(
            meeting=meeting, text="d", owner="o", due_on=today() - timedelta(days=1)
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert "会议4" in response.content.decode()
    assert len(many) == len(few)
    assert "登记联席会议" not in response.content.decode()


def test_only_the_office_and_the_readers_see_meetings(
    records: Any, street_official: Any, leader: Any, member_unit_user: Any, as_user: Any
) -> None:
    for user in (street_official, leader, member_unit_user):
        assert as_user(user).get(reverse("discipline:meetings")).status_code == 404
        detail = reverse("discipline:meeting-detail", args=[records["meeting"].pk])
        assert as_user(user).get(detail).status_code == 404
