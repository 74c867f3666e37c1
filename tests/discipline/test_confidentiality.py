"""The reporter's identity is a secret of the case (domain §5).

Distinctive strings are planted in a report (the reporter's name, phone, address, the report's
text, a case entry, the attachment's name) whose case has one specific discipline officer on it.
Then, as every other role of the URL matrix — the superuser, the office, a street official, a
leader, the supervision team, a discipline officer of the district who is neither on the case
nor a lead, an official of another street, a member unit, and anonymous — every GET page of the
matrix is fetched, with the reports workbook, the weekly report (HTML and Excel) and the admin's
pages of the report: none of the strings may appear. The officer on the case does see them (so
that this test can fail).
"""

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from discipline.models import Case, Report
from discipline.services.cases import case_conclude, case_open
from discipline.services.reports import report_receive
from tests.discipline.matrix_reports import (
    ADDRESS,
    IDENTITY,
    NAME,
    PHONE,
    TEXT,
    discipline_officer,
    reports_world,
)
from tests.election.matrix_candidates import make_candidate
from tests.matrix_pages import prepare_world
from tests.test_url_matrix import (
    COVERED_ELSEWHERE,
    MATRIX,
    world,  # noqa: F401  (the matrix's fixture, shared)
)
from tests.url_matrix import OK, ROLES, World

XLSX_TYPES = ("spreadsheetml", "ms-excel")


def _text_of(response: Any) -> str:
    """Whatever a user could read in the answer: the page, or a workbook's cells, or a file."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if any(t in response.get("Content-Type", "") for t in XLSX_TYPES):
        book = load_workbook(BytesIO(content), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join(cells)
    return content.decode("utf-8", errors="replace")


def matrix_get_urls(world: World) -> tuple[list[str], list[str]]:  # noqa: F811
    """The URL of every GET entry of the matrix that some role opens with 200 (as
    `tests.matrix_pages.pages_for`), and the names whose objects could not be made."""
    urls, unbuilt = set(), []
    for name in sorted(MATRIX):
        case = MATRIX[name]
        if name.startswith(COVERED_ELSEWHERE) or case.method != "get":
            continue
        if not any(case.status_for(role) == OK for role in ROLES):
            continue
        try:
            with transaction.atomic():
                kwargs = case.kwargs(world) if case.kwargs else None
                query = case.query(world) if callable(case.query) else case.query
        except Exception:
            unbuilt.append(name)
            continue
        urls.add(reverse(name, kwargs=kwargs or None) + query)
    return sorted(urls), unbuilt


def _leaks(text: str) -> list[str]:
    return [secret for secret in IDENTITY if secret in text]


@pytest.fixture
def planted(world: World) -> dict[str, Any]:  # noqa: F811
    """The matrix's world with its objects made, the planted report's case on `case_officer`,
    and a concluded, substantiated report about a candidate with the same identity."""
    prepare_world(world)
    officer = discipline_officer(world, "caseofficer")
    records = reports_world(world, officer=officer)
    from election.models import CommunityPlan

    plan = CommunityPlan.objects.filter(community=world.community).order_by("-pk").first()
    assert plan is not None
    candidate = make_candidate(plan, "候选人某某")
    report = report_receive(
        community=world.community,
        candidate=candidate,
        channel=Report.Channel.VISIT,
        category=Report.Category.VOTE_BUYING,
        text=TEXT,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_address=ADDRESS,
        by=officer,
    ).report
    case = case_open(report=report, officers=[officer], by=officer)
    case_conclude(
        case=case,
        outcome=Case.Outcome.SUBSTANTIATED,
        measures="诫勉谈话",
        reply="已处理",
        version=case.version,
        by=officer,
    )
    records["candidate"] = candidate
    records["concluded"] = report
    return records


def test_no_other_role_sees_the_identity_anywhere(
    world: World,  # noqa: F811
    planted: dict[str, Any],
    tmp_path: Path,
) -> None:
    # every GET page some role of the matrix opens, pointing at the matrix's objects
    urls, unbuilt = matrix_get_urls(world)
    # every page is there: a page whose objects cannot be made would go unscanned
    assert not unbuilt, f"matrix pages whose objects could not be made: {unbuilt}"
    extra = [
        reverse("discipline:reports-xlsx"),
        reverse("discipline:reports-xlsx") + "?state=open",
        reverse("discipline:report-detail", args=[planted["open"].pk]),
        reverse("discipline:report-detail", args=[planted["concluded"].pk]),
        reverse("election:candidate-detail", args=[planted["candidate"].pk]),
        reverse(
            "discipline:report-attachment",
            args=[planted["open"].pk, planted["attachment"].pk],
        ),
    ]
    urls = sorted(set(urls) | set(extra))
    assert reverse("discipline:report-detail", args=[planted["open"].pk]) in urls
    leaks: list[tuple[str, str, list[str]]] = []
    seen_ok = 0
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if world.users[role] is not None:
            client.force_login(world.users[role])
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                seen_ok += 1
            found = _leaks(_text_of(response))
            if found:
                leaks.append((role, url, found))
    assert not leaks, leaks
    assert seen_ok > len(urls)  # the pages were really read, not refused wholesale

    # the admin of the report, as the superuser
    admin = Client()
    admin.force_login(world.users["admin_user"])
    for report in (planted["open"], planted["concluded"]):
        for url in (
            reverse("admin:discipline_report_changelist"),
            reverse("admin:discipline_report_changelist") + "?q=JB",
            reverse("admin:discipline_report_change", args=[report.pk]),
            reverse("admin:discipline_report_history", args=[report.pk]),
        ):
            response = admin.get(url)
            assert response.status_code == 200, url
            assert not _leaks(response.content.decode()), url

    # the weekly report of the district, as a page and as a workbook
    for fmt in ("html", "xlsx"):
        out = tmp_path / f"weekly.{fmt}"
        call_command("weekly_report", district=world.district.name, format=fmt, out=out)
        if fmt == "xlsx":
            book = load_workbook(out, read_only=True)
            text = "\n".join(
                str(v)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for v in row
                if v is not None
            )
        else:
            text = out.read_text(encoding="utf-8")
        assert text, fmt
        assert not _leaks(text), fmt


def test_the_officer_on_the_case_does_see_the_identity(
    world: World,  # noqa: F811
    planted: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(planted["officer"])
    body = client.get(reverse("discipline:report-detail", args=[planted["open"].pk]))
    text = body.content.decode()
    for secret in IDENTITY:
        assert secret in text, secret
    # the matrix's discipline officer (not on the case, not a lead) does not
    other = Client()
    other.force_login(world.users["discipline"])
    page = other.get(reverse("discipline:report-detail", args=[planted["open"].pk]))
    assert not _leaks(page.content.decode())
