"""Discipline and supervision in the demo data (`manage.py seed_demo`, in the `demo` app).

For the demo district: the publicity tally of every community and three discipline texts (small
generated PDFs) of the running campaign; reports at every state, received through the report
service (one from the public form, one overdue: received long ago with no case opened), their
cases handled by the demo account `discipline`, who is also the district's discipline lead (one
case concluded substantiated against a demo candidate, one past its due day); a weekly and a joint
inspection recorded by `supervisor`, with findings and rectification orders (one overdue, one
closed); a joint meeting of the member units with its decisions; a major event filed by `street1`
not yet acknowledged and one the office acknowledged.

Built once: each group is made only when the district has none, so a second run writes nothing.
Fictional data only; rows carry their author (`created_by`, the history's user).
"""

# ruff: noqa: RUF001 - the demo's Chinese text uses Chinese punctuation

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MemberUnit, User
from communities.models import Community, District
from communities.permissions import communities_for_user
from election.models import Campaign, Candidate

from .models import (
    Case,
    CaseEntry,
    DisciplineLead,
    Inspection,
    InspectionFinding,
    JointMeeting,
    MajorEvent,
    MeetingDecision,
    PublicityDocument,
    PublicityTally,
    RectificationOrder,
    Report,
)
from .services.reports import report_receive

SEED = 20261204
REASON = "demo data"

DOCUMENTS = [
    (PublicityDocument.Kind.NINE, "换届纪律“九严禁”", "九严禁"),
    (PublicityDocument.Kind.TEN, "换届选举“十不准”", "十不准"),
    (PublicityDocument.Kind.SIX, "“六个做到、六个严禁”", "六个做到六个严禁"),
]


def _pdf(title: str) -> bytes:
    """A one-page PDF whose text is `title` (ASCII), small and valid."""
    stream = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _save(obj: Model, by: User | None) -> Any:
    obj._history_user = by  # type: ignore[attr-defined]
    obj._change_reason = REASON  # type: ignore[attr-defined]
    obj.save()
    return obj


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def demo_seed(*, district: District, today: date, by: User) -> str:
    """Build what is missing (see the module's docstring); return the line that describes the
    district's discipline records. Runs in the caller's transaction."""
    users = {u.username: u for u in User.objects.filter(username__in=_ACCOUNTS)}
    discipline = users.get("discipline")
    supervisor = users.get("supervisor")
    office = users.get("office") or by
    street1 = users.get("street1") or by
    campaign = Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING).first()
    communities = list(
        Community.objects.filter(street__district=district)
        .select_related("street")
        .order_by("street__name", "name", "pk")
    )
    if not communities:
        return _("No communities: the demo discipline records are skipped.")
    if (
        discipline is not None
        and not DisciplineLead.objects.filter(district=district, user=discipline).exists()
    ):
        _save(DisciplineLead(district=district, user=discipline), by)
    if campaign is not None:
        _publicity(campaign, communities, by=office)
    if not Report.objects.filter(district=district).exists():
        _reports(district, campaign, communities, today=today, officer=discipline or by)
    if not Inspection.objects.filter(district=district).exists():
        _inspections(district, campaign, communities, today=today, by=supervisor or by)
    if not JointMeeting.objects.filter(district=district).exists():
        _meeting(district, campaign, today=today, by=office)
    if not MajorEvent.objects.filter(district=district).exists():
        own = communities_for_user(street1).filter(street__district=district).order_by("name")
        _events(district, own.first() or communities[0], today=today, by=street1, office=office)
    return _(
        "Discipline and supervision: %(reports)s reports, %(inspections)s inspections, "
        "%(events)s major events."
    ) % {
        "reports": Report.objects.filter(district=district).count(),
        "inspections": Inspection.objects.filter(district=district).count(),
        "events": MajorEvent.objects.filter(district=district).count(),
    }


_ACCOUNTS = ("discipline", "supervisor", "office", "street1")


def _publicity(campaign: Campaign, communities: list[Community], *, by: User) -> None:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    have = set(campaign.publicity_tallies.values_list("community_id", flat=True))
    for community in communities:
        if community.pk in have:
            continue
        counts = {
            "handbooks": rng.randint(50, 400),
            "law_books": rng.randint(10, 80),
            "posters": rng.randint(5, 40),
            "brochures": rng.randint(100, 600),
            "meetings": rng.randint(1, 6),
            "screenings": rng.randint(0, 4),
            "commitments": rng.randint(5, 30),
        }
        _save(PublicityTally(campaign=campaign, community=community, created_by=by, **counts), by)
    if campaign.publicity_documents.exists():
        return
    for kind, title, name in DOCUMENTS:
        doc = PublicityDocument(
            campaign=campaign,
            kind=kind,
            title=title,
            summary=_("Issued by the district's re-election coordination office."),
            created_by=by,
            file_name=f"{name}.pdf",
            file_type="application/pdf",
        )
        doc.file.save("upload.pdf", ContentFile(_pdf(f"Demo discipline text: {kind}")), save=False)
        _save(doc, by)


def _report(community: Community, received: datetime, by: User | None, **kwargs: Any) -> Report:
    return report_receive(community=community, received_at=received, by=by, **kwargs).report


def _entry_times(opened: datetime, end: datetime, count: int) -> list[datetime]:
    """`count` times evenly apart over a case's life, between its opening and `end` (its
    conclusion, or now)."""
    return [opened + (end - opened) * i / (count + 1) for i in range(1, count + 1)]


def _case(
    report: Report,
    *,
    opened: datetime,
    days: int,
    officer: User,
    stage: str,
    outcome: str = "",
    concluded: datetime | None = None,
    entries: tuple[str, ...] = (),
    **text: str,
) -> Case:
    case: Case = _save(
        Case(
            report=report,
            opened_at=opened,
            due_on=timezone.localdate(opened) + timedelta(days=days),
            stage=stage,
            outcome=outcome,
            concluded_at=concluded,
            created_by=officer,
            **text,
        ),
        officer,
    )
    case.officers.add(officer)
    made = []
    for kind_text, at in zip(
        entries, _entry_times(opened, concluded or timezone.now(), len(entries)), strict=True
    ):
        kind, body = kind_text.split(":", 1)
        entry = CaseEntry.objects.create(case=case, kind=kind, text=body, created_by=officer)
        entry.created_at = entry.updated_at = at
        made.append(entry)
    # save() stamps `created_at` with the time of seeding; bulk_update writes the times as set
    # (a case entry keeps no history)
    CaseEntry.objects.bulk_update(made, ["created_at", "updated_at"])
    report.state = Report.State.CONCLUDED if concluded else Report.State.OPEN
    _save(report, officer)
    return case


def _reports(
    district: District,
    campaign: Campaign | None,
    communities: list[Community],
    *,
    today: date,
    officer: User,
) -> None:
    days = campaign.rule_set.case_days if campaign is not None else 30
    # seven communities spread over the district
    pick = [communities[i * len(communities) // 7] for i in range(7)]
    candidate = (
        Candidate.objects.filter(plan__campaign=campaign).select_related("plan__community").first()
        if campaign is not None
        else None
    )
    # received yesterday by phone: no case yet, still in time
    _report(
        pick[0],
        _at(today - timedelta(days=1), 15),
        officer,
        channel=Report.Channel.PHONE,
        category=Report.Category.TREATS,
        text="反映有人以聚餐名义为候选人拉票。",
        reporter_name="张某",
        reporter_phone="13800000001",
    )
    # received long ago and never turned into a case: overdue (有报必查)
    _report(
        pick[1],
        _at(today - timedelta(days=12), 10),
        officer,
        channel=Report.Channel.LETTER,
        category=Report.Category.RUMOURS,
        text="来信反映有人散布不实言论。",
        anonymous=True,
    )
    # from the public form, being verified
    online = _report(
        pick[2],
        _at(today - timedelta(days=3), 21),
        None,
        channel=Report.Channel.ONLINE,
        category=Report.Category.VOTE_BUYING,
        text="网上举报：有人上门发放购物卡拉票。",
        reporter_name="李某",
        reporter_phone="13800000002",
    )
    _case(
        online,
        opened=_at(today - timedelta(days=2), 9),
        days=days,
        officer=officer,
        stage=Case.Stage.VERIFYING,
        entries=("verify:已电话联系举报人，正在核实。",),
    )
    # under investigation, past its due day
    late = _report(
        pick[3],
        _at(today - timedelta(days=45), 11),
        officer,
        channel=Report.Channel.VISIT,
        category=Report.Category.CLAN,
        text="来访反映宗族势力干预选举。",
        reporter_name="王某",
    )
    _case(
        late,
        opened=_at(today - timedelta(days=44), 9),
        days=days,
        officer=officer,
        stage=Case.Stage.INVESTIGATING,
        entries=("verify:初核属实，转入调查。", "investigate:已约谈相关人员。"),
    )
    # concluded: substantiated, against a demo candidate when the campaign has one
    target = candidate.plan.community if candidate is not None else pick[4]
    bought = _report(
        target,
        _at(today - timedelta(days=25), 10),
        officer,
        channel=Report.Channel.PHONE,
        category=Report.Category.VOTE_BUYING,
        text="反映候选人以发红包方式拉票。",
        reporter_name="赵某",
        reporter_phone="13800000003",
        candidate=candidate,
    )
    _case(
        bought,
        opened=_at(today - timedelta(days=24), 9),
        days=days,
        officer=officer,
        stage=Case.Stage.CONCLUDED,
        outcome=Case.Outcome.SUBSTANTIATED,
        concluded=_at(today - timedelta(days=6), 16),
        entries=("verify:初核属实。", "investigate:调取转账记录，当事人承认。"),
        reply="经调查，反映问题属实，已依规处理。",
        measures="取消其候选人资格，给予党内警告处分。",
    )
    # concluded: partly substantiated, and unfounded
    partly = _report(
        pick[5],
        _at(today - timedelta(days=30), 10),
        officer,
        channel=Report.Channel.REFERRED,
        category=Report.Category.ASSETS,
        text="上级转办：换届前突击发放集体资金。",
    )
    _case(
        partly,
        opened=_at(today - timedelta(days=29), 9),
        days=days,
        officer=officer,
        stage=Case.Stage.CONCLUDED,
        outcome=Case.Outcome.PARTLY,
        concluded=_at(today - timedelta(days=9), 15),
        reply="经调查，反映问题部分属实，已责令整改。",
        measures="责令追回违规发放资金，对社区主任诫勉谈话。",
    )
    unfounded = _report(
        pick[6],
        _at(today - timedelta(days=20), 14),
        officer,
        channel=Report.Channel.PHONE,
        category=Report.Category.THREATS,
        text="反映有人威胁其不得参选。",
        reporter_name="孙某",
    )
    _case(
        unfounded,
        opened=_at(today - timedelta(days=19), 9),
        days=days,
        officer=officer,
        stage=Case.Stage.CONCLUDED,
        outcome=Case.Outcome.UNFOUNDED,
        concluded=_at(today - timedelta(days=11), 11),
        reply="经调查，反映问题不属实。",
    )


# the inspections: kind, held (days before today), team, summary, the communities visited (a
# slice of the district's) and how many member units joined
INSPECTIONS = [
    (Inspection.Kind.WEEKLY, 3, "区换届风气督查组", "抽查选民登记和纪律宣传情况。", slice(0, 3), 0),
    (
        Inspection.Kind.JOINT,
        12,
        "区纪委、民政局、公安分局联合督查组",
        "半月联合督查：候选人资格审查和选举秩序。",
        slice(2, 6),
        3,
    ),
]
# the findings: the inspection (its index above), the community (index, or the district's last),
# what was found, and its rectification order: action, owner, due (days from today), closed (days
# from today, or None while open) and the close-out. One open, one closed, one overdue.
FINDINGS = [
    (0, 0, "选民登记公示未标明异议期限。", ("补充公示异议期限", "社区党组织书记", 4, None, "")),
    (
        0,
        1,
        "换届纪律“九严禁”未张贴。",
        ("张贴“九严禁”并组织学习", "社区居委会主任", -5, -6, "已张贴并组织学习，附照片。"),
    ),
    (1, 3, "候选人资格审查记录不全。", ("补齐资格审查记录", "街道组织委员", -2, None, "")),
]


def _inspections(
    district: District,
    campaign: Campaign | None,
    communities: list[Community],
    *,
    today: date,
    by: User,
) -> None:
    inspections = []
    for kind, days_ago, team, summary, visited, units in INSPECTIONS:
        inspection = _save(
            Inspection(
                district=district,
                campaign=campaign,
                kind=kind,
                held_on=today - timedelta(days=days_ago),
                team=team,
                summary=summary,
                created_by=by,
            ),
            by,
        )
        inspection.communities.add(*communities[visited])
        if units:
            inspection.units.add(*MemberUnit.objects.all()[:units])
        inspections.append(inspection)
    for index, place, description, order in FINDINGS:
        finding = _save(
            InspectionFinding(
                inspection=inspections[index],
                community=communities[min(place, len(communities) - 1)],
                description=description,
                created_by=by,
            ),
            by,
        )
        action, owner, due, closed, close_out = order
        _save(
            RectificationOrder(
                finding=finding,
                action=action,
                owner=owner,
                due_on=today + timedelta(days=due),
                closed_on=None if closed is None else today + timedelta(days=closed),
                close_out=close_out,
                created_by=by,
            ),
            by,
        )


def _meeting(district: District, campaign: Campaign | None, *, today: date, by: User) -> None:
    meeting = _save(
        JointMeeting(
            district=district,
            campaign=campaign,
            held_on=today - timedelta(days=8),
            title="换届风气监督联席会议（第二次）",
            minutes="通报举报受理和督查情况，研究部署下一阶段工作。",
            created_by=by,
        ),
        by,
    )
    meeting.units.add(*MemberUnit.objects.all())
    decisions = [
        ("公安分局排查宗族势力干预选举线索", "区公安分局", 7, None),
        ("民政局印发换届纪律提示卡", "区民政局", -3, today - timedelta(days=4)),
        ("各街道完成纪律承诺书签订", "各街道", -1, None),
    ]
    for text, owner, due, done_on in decisions:
        _save(
            MeetingDecision(
                meeting=meeting,
                text=text,
                owner=owner,
                due_on=today + timedelta(days=due),
                done_on=done_on,
                follow_up="已完成" if done_on else "",
                created_by=by,
            ),
            by,
        )


def _events(
    district: District, community: Community, *, today: date, by: User, office: User
) -> None:
    now = timezone.now()
    _save(
        MajorEvent(
            district=district,
            community=community,
            severity=MajorEvent.Severity.SERIOUS,
            occurred_at=now - timedelta(hours=3),
            title="候选人反映受到威胁",
            facts="一名候选人反映昨晚接到匿名电话，要求其退出选举。已报派出所。",
            created_by=by,
        ),
        by,
    )
    occurred = _at(today - timedelta(days=4), 9)
    _save(
        MajorEvent(
            district=district,
            community=community,
            severity=MajorEvent.Severity.INFO,
            occurred_at=occurred,
            title="部分居民聚集询问选民登记",
            facts="约二十名居民到社区询问选民登记事宜，经解释后散去。",
            acknowledged_at=occurred + timedelta(hours=2),
            acknowledged_by=office,
            handling="已要求社区做好解释工作，加强选民登记公示。",
            created_by=by,
        ),
        by,
    )
