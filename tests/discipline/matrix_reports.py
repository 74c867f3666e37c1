"""URL-matrix cases of the reports entered by staff, their cases and the discipline leads, and
the records their tests build (`reports_world`).

A report is read (its public part) by whoever sees its community; the matrix's `discipline`
officer is on the open report's case, and the district has no lead, so that officer also opens
and assigns cases. Everyone else gets a 404 for the case's actions and the attachment; the
office alone sets the leads. The records carry distinctive identity strings (IDENTITY) that the
confidentiality test looks for on every page.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.services import grant_assign
from discipline.models import Case, CaseEntry, DisciplineLead, Report
from discipline.services.cases import case_open
from discipline.services.reports import report_receive
from tests.url_matrix import (
    FOUND,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    World,
    everyone,
    in_scope_of_community,
    office_only,
)
from tests.url_matrix import (
    Case as MatrixCase,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200

# planted in the open report: none may appear anywhere but to its officers and the leads
NAME = "机密举报人甲乙丙"
PHONE = "13900001234"
ADDRESS = "保密地址丁戊"
TEXT = "举报正文庚辛壬"
ENTRY = "核查记录癸子丑"
ATTACHMENT = "附件寅卯辰.jpg"
IDENTITY = (NAME, PHONE, ADDRESS, TEXT, ENTRY, ATTACHMENT.removesuffix(".jpg"))


def discipline_officer(world: World, username: str) -> User:
    """Another discipline officer of the world's district (made once)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, role=User.Role.DISCIPLINE)
        grant_assign(user=user, obj=world.district, level="view", by=world.users["admin_user"])
    return user


def reports_world(world: World, *, officer: User | None = None) -> dict[str, Any]:
    """Two reports of `world.community`: "received" (no case yet, past its day to open one) and
    "open" (a case with `officer` on it, the matrix's discipline officer unless given, an
    attachment and an entry, identity planted); "second" is another discipline officer."""
    if "reports" not in world.extra:
        admin = world.users["admin_user"]
        officer = officer or world.users["discipline"]
        received = report_receive(
            community=world.community,
            channel=Report.Channel.LETTER,
            category=Report.Category.TREATS,
            text="请客送礼",
            anonymous=True,
            by=officer,
        ).report
        Report.objects.filter(pk=received.pk).update(open_due_on="2020-01-01")
        opened = report_receive(
            community=world.community,
            channel=Report.Channel.PHONE,
            category=Report.Category.VOTE_BUYING,
            text=TEXT,
            reporter_name=NAME,
            reporter_phone=PHONE,
            reporter_address=ADDRESS,
            attachments=[SimpleUploadedFile(ATTACHMENT, JPEG, content_type="image/jpeg")],
            by=officer,
        ).report
        case = case_open(report=opened, officers=[officer], by=admin)
        CaseEntry.objects.create(
            case=case, kind=CaseEntry.Kind.VERIFY, text=ENTRY, created_by=officer
        )
        world.extra["reports"] = {
            "received": received,
            "open": opened,
            "case": case,
            "attachment": opened.attachments.get(),
            "officer": officer,
            "second": discipline_officer(world, "discipline2"),
        }
    found: dict[str, Any] = world.extra["reports"]
    return found


def _saved(response: Any) -> bool:
    return response.status_code == FOUND and "/accounts/login/" not in response["Location"]


def _pk(key: str) -> Any:
    return lambda world: {"pk": reports_world(world)[key].pk}


def _case(world: World) -> Case:
    return Case.objects.get(pk=reports_world(world)["case"].pk)


def _after_case_opened(world: World, role: str, response: Any) -> None:
    report = Report.objects.get(pk=reports_world(world)["received"].pk)
    assert Case.objects.filter(report=report).exists() == _saved(response), role
    assert (report.state == Report.State.OPEN) == _saved(response), role


def _officers_data(world: World) -> dict[str, Any]:
    records = reports_world(world)
    return {
        "version": records["case"].version,
        "officers": [records["officer"].pk, records["second"].pk],
    }


def _after_officers(world: World, role: str, response: Any) -> None:
    assert (_case(world).officers.count() == 2) == _saved(response), role


def _after_entry(world: World, role: str, response: Any) -> None:
    added = CaseEntry.objects.filter(text="走访三户村民").exists()
    assert added == _saved(response), role


def _after_stage(world: World, role: str, response: Any) -> None:
    assert (_case(world).stage == Case.Stage.INVESTIGATING) == _saved(response), role


def _conclude_data(world: World) -> dict[str, Any]:
    return {
        "version": reports_world(world)["case"].version,
        "outcome": Case.Outcome.SUBSTANTIATED,
        "measures": "给予诫勉谈话",
        "reply": "经查属实 已处理",
    }


def _after_conclude(world: World, role: str, response: Any) -> None:
    case = _case(world)
    assert (case.stage == Case.Stage.CONCLUDED) == _saved(response), role
    report = Report.objects.get(pk=case.report_id)
    assert (report.state == Report.State.CONCLUDED) == _saved(response), role


def _report_data(world: World) -> dict[str, Any]:
    return {
        "community": world.community.pk,
        "channel": Report.Channel.VISIT,
        "category": Report.Category.THREATS,
        "reporter_name": "来访人",
        "reporter_phone": "13700000000",
        "text": "威胁选民投票",
    }


def _after_report_new(world: World, role: str, response: Any) -> None:
    created = Report.objects.filter(text="威胁选民投票").count()
    # the answer to the form shows the receipt code (200), it does not redirect
    assert created == (1 if role == "discipline" else 0), role


def _lead_data(world: World) -> dict[str, Any]:
    return {
        "district": world.district.pk,
        "user": reports_world(world)["second"].pk,
        "action": "add",
    }


def _after_lead(world: World, role: str, response: Any) -> None:
    named = DisciplineLead.objects.filter(user=reports_world(world)["second"]).exists()
    assert named == _saved(response), role


# the discipline officer on the case (and, the district having no lead, its assigner)
CASE_HANDLER = everyone(NOT_FOUND, discipline=FOUND)
SCOPE_READERS = everyone(OK, member_unit_user=NOT_FOUND)

REPORT_ENTRIES: dict[str, MatrixCase] = {
    "discipline:reports": MatrixCase(
        expect=SCOPE_READERS, query=lambda world: (reports_world(world), "?overdue=1")[1]
    ),
    "discipline:reports-xlsx": MatrixCase(
        expect=SCOPE_READERS, query=lambda world: (reports_world(world), "")[1]
    ),
    "discipline:report-new": MatrixCase(expect=everyone(NOT_FOUND, discipline=OK)),
    "discipline:report-detail": MatrixCase(expect=in_scope_of_community(OK), kwargs=_pk("open")),
    "discipline:report-attachment": MatrixCase(
        expect=everyone(NOT_FOUND, discipline=OK),
        kwargs=lambda world: {
            "pk": reports_world(world)["open"].pk,
            "attachment_pk": reports_world(world)["attachment"].pk,
        },
    ),
    "discipline:case-open": MatrixCase(
        expect=CASE_HANDLER,
        method="post",
        kwargs=_pk("received"),
        data=lambda world: {"officers": [reports_world(world)["officer"].pk]},
        after=_after_case_opened,
    ),
    "discipline:case-officers": MatrixCase(
        expect=CASE_HANDLER,
        method="post",
        kwargs=_pk("open"),
        data=_officers_data,
        after=_after_officers,
    ),
    "discipline:case-entry": MatrixCase(
        expect=CASE_HANDLER,
        method="post",
        kwargs=_pk("open"),
        data=lambda world: {"kind": CaseEntry.Kind.INVESTIGATE, "text": "走访三户村民"},
        after=_after_entry,
    ),
    "discipline:case-stage": MatrixCase(
        expect=CASE_HANDLER,
        method="post",
        kwargs=_pk("open"),
        data=lambda world: {"version": reports_world(world)["case"].version},
        after=_after_stage,
    ),
    "discipline:case-conclude": MatrixCase(
        expect=CASE_HANDLER,
        method="post",
        kwargs=_pk("open"),
        data=_conclude_data,
        after=_after_conclude,
    ),
    "discipline:lead-list": MatrixCase(expect=office_only(OK)),
}

# the other method of each URL, requested by tests/discipline/test_reports_matrix.py
REPORT_OTHER_ENTRIES: dict[str, MatrixCase] = {
    "discipline:report-new": MatrixCase(
        expect=everyone(NOT_FOUND, discipline=OK, anonymous=LOGIN),
        method="post",
        data=_report_data,
        after=_after_report_new,
    ),
    "discipline:lead-list": MatrixCase(
        expect=office_only(FOUND, anonymous=LOGIN),
        method="post",
        data=_lead_data,
        after=_after_lead,
    ),
    "discipline:reports": MatrixCase(
        expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), method="post"
    ),
    "discipline:report-detail": MatrixCase(
        expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), method="post", kwargs=_pk("open")
    ),
    "discipline:case-open": MatrixCase(
        expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), kwargs=_pk("received")
    ),
    "discipline:case-conclude": MatrixCase(
        expect=everyone(NOT_ALLOWED, anonymous=NOT_ALLOWED), kwargs=_pk("open")
    ),
}
