"""A report's change history: who changed what and when, newest first, with the report's state,
the case opened, its officers, its stage, its conclusion and its entries; never the identity or
any text of the report; read only by the officers on the case and the district's leads; queries
do not grow with the changes."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from discipline.models import Case, CaseEntry, Report
from discipline.services.cases import (
    case_conclude,
    case_entry_add,
    case_officers_set,
    case_open,
    case_stage_advance,
    lead_add,
)
from discipline.services.reports import report_receive
from tests.discipline.matrix_history import HISTORY_OTHER_ENTRIES
from tests.discipline.matrix_reports import (
    ADDRESS,
    ENTRY,
    IDENTITY,
    NAME,
    PHONE,
    TEXT,
    discipline_officer,
    reports_world,
)
from tests.discipline.test_confidentiality import matrix_get_urls
from tests.matrix_pages import prepare_world
from tests.test_url_matrix import world  # noqa: F401  (the matrix's fixture, shared)
from tests.url_matrix import ROLES, World

MEASURES = "诫勉谈话措施甲"
REPLY = "答复举报人乙"
ENTRY_TEXT = "走访核实记录丙"
REASONS = {"办结", "转入调查", "添加办理记录", "调整承办人", "立案", "收到举报"}
# 16:30 UTC is half past midnight of the next day in Shanghai
CONCLUDED_AT = datetime(2030, 1, 2, 16, 30, tzinfo=UTC)


def _named(username: str, display_name: str, w: World) -> User:
    user = discipline_officer(w, username)
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def people(world: World) -> dict[str, User]:  # noqa: F811
    """A lead of the district, two officers put on the case, and a discipline officer of the
    district who is neither."""
    lead = _named("lead", "组长赵", world)
    lead_add(district=world.district, user=lead, by=world.users["office"])
    return {
        "lead": lead,
        "first": _named("first", "办案员钱", world),
        "second": _named("second", "办案员孙", world),
        "other": _named("other", "纪检员李", world),
    }


def _report(w: World, by: User) -> Report:
    return report_receive(
        community=w.community,
        channel=Report.Channel.PHONE,
        category=Report.Category.VOTE_BUYING,
        text=TEXT,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_address=ADDRESS,
        by=by,
    ).report


@pytest.fixture
def handled(world: World, people: dict[str, User], monkeypatch: Any) -> Report:  # noqa: F811
    """A report received by the first officer; the lead opens its case with the first officer
    and adds the second; the second records an entry and starts the investigation; the first
    concludes it (at CONCLUDED_AT)."""
    first, second, lead = people["first"], people["second"], people["lead"]
    report = _report(world, first)
    case = case_open(report=report, officers=[first], by=lead)
    case = case_officers_set(case=case, officers=[first, second], version=case.version, by=lead)
    case_entry_add(case=case, kind=CaseEntry.Kind.VERIFY, text=ENTRY_TEXT, by=second)
    case = case_stage_advance(case=case, version=case.version, by=second)
    monkeypatch.setattr(timezone, "now", lambda: CONCLUDED_AT)
    case_conclude(
        case=case,
        outcome=Case.Outcome.SUBSTANTIATED,
        measures=MEASURES,
        reply=REPLY,
        version=case.version,
        by=first,
    )
    monkeypatch.undo()
    return report


def _url(report: Report) -> str:
    return reverse("discipline:report-history", args=[report.pk])


def _page(user: User, report: Report) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(_url(report))
    assert response.status_code == 200
    return response.content.decode()


def test_history_shows_who_changed_what_and_when_newest_first(
    handled: Report, people: dict[str, User]
) -> None:
    body = _page(people["first"], handled)
    # newest first: concluded, investigation started, entry added, officers changed, case
    # opened (the case, then the report's state), report received
    shown = [s for s in re.findall(r"<span>([^<]*)</span>", body) if s in REASONS]
    assert shown == [
        "办结",
        "办结",
        "转入调查",
        "添加办理记录",
        "调整承办人",
        "立案",
        "立案",
        "收到举报",
    ]
    # when, in Shanghai time; who, by display name
    assert "2030-01-03 00:30" in body
    for name in ("组长赵", "办案员钱", "办案员孙"):
        assert name in body
    # what: the report's state and the case's stage, old → new, by their verbose names
    assert "办理中</del> → <strong>已办结" in body
    assert "初核中</del> → <strong>调查中" in body
    assert "状态" in body and "阶段" in body
    assert "办案员钱</del> → <strong>办案员孙、办案员钱" in body
    assert "处理结果" in body and "<strong>属实</strong>" in body


def test_history_rows_carry_the_user_and_the_reason(
    handled: Report, people: dict[str, User]
) -> None:
    from discipline.selectors.history import report_history

    rows = report_history(handled)
    summary = [(row.user.username if row.user else None, row.reason) for row in rows]
    assert [reason for _user, reason in summary] == [
        "办结",  # the case and the report's state, at the same moment
        "办结",
        "转入调查",
        "添加办理记录",
        "调整承办人",
        "立案",  # the report's state
        "立案",
        "收到举报",
    ], summary
    assert summary[0][0] == summary[1][0] == "first"
    assert summary[2][0] == summary[3][0] == "second"
    assert summary[4][0] == summary[5][0] == summary[6][0] == "lead"
    assert summary[7][0] == "first"
    officers = rows[4].changes
    # the officers changed: one row for the service call, old set → new set
    assert [(c.label, c.old, c.new) for c in officers] == [
        ("承办人", "办案员钱", "办案员孙、办案员钱")
    ]
    # the conclusion names the measures and the reply as changed, without their text
    concluded = next(row for row in rows if row.subject == "案件" and row.reason == "办结")
    hidden = {c.label for c in concluded.changes if c.hidden}
    assert hidden == {"处理措施", "向举报人反馈"}, hidden


def test_history_shows_no_identity_and_no_text(handled: Report, people: dict[str, User]) -> None:
    for user in (people["first"], people["lead"]):
        body = _page(user, handled)
        for secret in (NAME, PHONE, ADDRESS, TEXT, ENTRY_TEXT, MEASURES, REPLY):
            assert secret not in body, secret


def test_officer_on_the_case_and_lead_read_it_others_get_404(
    world: World,  # noqa: F811
    handled: Report,
    people: dict[str, User],
) -> None:
    url = _url(handled)
    allowed = [people["first"], people["second"], people["lead"]]
    refused = [
        people["other"],
        world.users["discipline"],
        world.users["office"],
        world.users["admin_user"],
        world.users["street_official"],
        world.users["outsider"],
        world.users["leader"],
        world.users["supervisor"],
        world.users["member_unit_user"],
    ]
    for user in allowed:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    for user in refused:
        client = Client()
        client.force_login(user)
        # as the report's attachment: another scope's report and a report whose identity the
        # user may not see are the same 404
        assert client.get(url).status_code == 404, user
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]


def test_report_page_links_to_the_history_only_for_those_who_may_read_it(
    world: World,  # noqa: F811
    handled: Report,
    people: dict[str, User],
) -> None:
    detail = reverse("discipline:report-detail", args=[handled.pk])
    link = _url(handled)
    for user, shown in (
        (people["first"], True),
        (people["lead"], True),
        (people["other"], False),
        (world.users["office"], False),
        (world.users["admin_user"], False),
        (world.users["street_official"], False),
    ):
        client = Client()
        client.force_login(user)
        response = client.get(detail)
        assert response.status_code == 200, user
        assert (link in response.content.decode()) == shown, user
        assert ("变更记录" in response.content.decode()) == shown, user


def test_a_report_without_case_shows_its_receipt(
    world: World,  # noqa: F811
    people: dict[str, User],
) -> None:
    report = _report(world, people["first"])
    body = _page(people["lead"], report)
    assert "收到举报" in body
    assert "办案员钱" in body
    assert TEXT not in body


def test_queries_do_not_grow_with_the_changes(
    world: World,  # noqa: F811
    people: dict[str, User],
    django_assert_max_num_queries: Any,
) -> None:
    first, second, lead = people["first"], people["second"], people["lead"]
    report = _report(world, first)
    case = case_open(report=report, officers=[first], by=lead)
    client = Client()
    client.force_login(lead)
    with django_assert_max_num_queries(30) as few:
        small = client.get(_url(report))
    assert small.status_code == 200
    # ten times as many changes: officers swapped back and forth, entries added
    for i in range(15):
        officers = [first, second] if i % 2 == 0 else [first]
        case = case_officers_set(case=case, officers=officers, version=case.version, by=lead)
        case_entry_add(case=case, kind=CaseEntry.Kind.NOTE, text=f"记录{i}", by=first)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(_url(report))
    assert large.status_code == 200
    assert large.content.decode().count("调整承办人") == 15


def test_history_is_a_matrix_page_the_confidentiality_scan_reads(world: World) -> None:  # noqa: F811
    # the confidentiality test scans every GET page of the matrix: this one is among them
    prepare_world(world)
    records = reports_world(world)
    urls, unbuilt = matrix_get_urls(world)
    assert not unbuilt
    assert _url(records["open"]) in urls
    # and the matrix's officer on the case reads it without the planted identity
    body = _page(world.users["discipline"], records["open"])
    assert "收到举报" in body
    for secret in IDENTITY:
        assert secret not in body, secret
    assert ENTRY not in body


@pytest.mark.parametrize("role", ROLES)
def test_history_refuses_post(role: str, world: World) -> None:  # noqa: F811
    case = HISTORY_OTHER_ENTRIES["discipline:report-history"]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = reverse("discipline:report-history", kwargs=case.kwargs(world) if case.kwargs else None)
    assert client.post(url).status_code == case.status_for(role), role
