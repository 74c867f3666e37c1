"""Discipline and supervision records of a district for the weekly report's, the home pages' and
the landing page's tests (`discipline_records`): reports at every state, inspections with findings
and orders, a joint meeting with decisions, major events."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from communities.models import Community
from discipline.models import (
    Case,
    Inspection,
    InspectionFinding,
    JointMeeting,
    MajorEvent,
    MeetingDecision,
    RectificationOrder,
    Report,
)
from discipline.services.reports import report_receive

SECRET_NAME = "举报人王秘密"
SECRET_TEXT = "秘密举报内容某某买票"


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class Records:
    reports: dict[str, Report] = field(default_factory=dict)
    inspections: dict[str, Inspection] = field(default_factory=dict)
    orders: dict[str, RectificationOrder] = field(default_factory=dict)
    decisions: dict[str, MeetingDecision] = field(default_factory=dict)
    events: dict[str, MajorEvent] = field(default_factory=dict)


def _report(community: Community, received: date, by: User, **kwargs: Any) -> Report:
    return report_receive(
        community=community,
        channel=kwargs.pop("channel", Report.Channel.PHONE),
        category=kwargs.pop("category", Report.Category.VOTE_BUYING),
        text=SECRET_TEXT,
        reporter_name=SECRET_NAME,
        reporter_phone="13900000000",
        received_at=at(received),
        by=by,
    ).report


def _case(report: Report, opened: date, due: date, by: User, **kwargs: Any) -> Case:
    case = Case.objects.create(
        report=report, opened_at=at(opened), due_on=due, created_by=by, **kwargs
    )
    state = Report.State.CONCLUDED if case.stage == Case.Stage.CONCLUDED else Report.State.OPEN
    Report.objects.filter(pk=report.pk).update(state=state)
    report.refresh_from_db()
    return case


def discipline_records(
    community: Community, other_community: Community, *, today: date, by: User
) -> Records:
    """In `community`: a report with no case 10 days after receipt (overdue), a report received
    today (not overdue), a report whose case concluded substantiated two days ago; in
    `other_community`: a report whose case is past its due day (overdue) and one concluded
    unfounded. A weekly inspection today of `community` and a joint one 20 days ago of both, a
    finding in each; orders: one overdue, one closed, one open and not yet due. A joint meeting
    with an overdue and a done decision. A major event in `community` today not acknowledged,
    one in `other_community` yesterday acknowledged three hours later."""
    r = Records()
    district = community.street.district
    r.reports["overdue"] = _report(community, today - timedelta(days=10), by)
    r.reports["new"] = _report(community, today, by, category=Report.Category.TREATS)
    r.reports["substantiated"] = _report(community, today - timedelta(days=20), by)
    _case(
        r.reports["substantiated"],
        today - timedelta(days=19),
        today + timedelta(days=11),
        by,
        stage=Case.Stage.CONCLUDED,
        outcome=Case.Outcome.SUBSTANTIATED,
        concluded_at=at(today - timedelta(days=2)),
    )
    r.reports["case_overdue"] = _report(
        other_community, today - timedelta(days=40), by, channel=Report.Channel.ONLINE
    )
    _case(
        r.reports["case_overdue"],
        today - timedelta(days=39),
        today - timedelta(days=1),
        by,
        stage=Case.Stage.INVESTIGATING,
    )
    r.reports["unfounded"] = _report(
        other_community, today - timedelta(days=30), by, category=Report.Category.RUMOURS
    )
    _case(
        r.reports["unfounded"],
        today - timedelta(days=29),
        today + timedelta(days=1),
        by,
        stage=Case.Stage.CONCLUDED,
        outcome=Case.Outcome.UNFOUNDED,
        concluded_at=at(today - timedelta(days=25)),
    )
    weekly = Inspection.objects.create(
        district=district, kind=Inspection.Kind.WEEKLY, held_on=today, team="督查组", created_by=by
    )
    weekly.communities.add(community)
    joint = Inspection.objects.create(
        district=district,
        kind=Inspection.Kind.JOINT,
        held_on=today - timedelta(days=20),
        team="纪检、民政、公安",
        created_by=by,
    )
    joint.communities.add(community, other_community)
    r.inspections = {"weekly": weekly, "joint": joint}
    f1 = InspectionFinding.objects.create(
        inspection=weekly, community=community, description="选民登记公示不全", created_by=by
    )
    f2 = InspectionFinding.objects.create(
        inspection=joint, community=other_community, description="未张贴纪律要求", created_by=by
    )
    r.orders["overdue"] = RectificationOrder.objects.create(
        finding=f2, action="张贴九严禁", owner="社区书记", due_on=today - timedelta(days=3)
    )
    r.orders["closed"] = RectificationOrder.objects.create(
        finding=f2,
        action="组织学习",
        owner="社区书记",
        due_on=today - timedelta(days=3),
        closed_on=today - timedelta(days=5),
        close_out="已学习",
    )
    r.orders["open"] = RectificationOrder.objects.create(
        finding=f1, action="补齐公示", owner="社区主任", due_on=today + timedelta(days=5)
    )
    meeting = JointMeeting.objects.create(
        district=district, held_on=today - timedelta(days=6), title="联席会议", created_by=by
    )
    r.decisions["overdue"] = MeetingDecision.objects.create(
        meeting=meeting, text="排查宗族势力", owner="公安", due_on=today - timedelta(days=1)
    )
    r.decisions["done"] = MeetingDecision.objects.create(
        meeting=meeting,
        text="印发手册",
        owner="民政",
        due_on=today - timedelta(days=2),
        done_on=today - timedelta(days=3),
    )
    r.events["open"] = MajorEvent.objects.create(
        district=district,
        community=community,
        severity=MajorEvent.Severity.SERIOUS,
        occurred_at=at(today, 8),
        title="候选人被威胁",
        facts="事实经过",
        created_by=by,
    )
    r.events["acknowledged"] = MajorEvent.objects.create(
        district=district,
        community=other_community,
        severity=MajorEvent.Severity.INFO,
        occurred_at=at(today - timedelta(days=1), 9),
        title="群众聚集",
        facts="事实经过",
        acknowledged_at=at(today - timedelta(days=1), 12),
        acknowledged_by=by,
        created_by=by,
    )
    return r
