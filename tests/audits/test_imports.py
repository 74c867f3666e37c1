"""Excel imports of audit engagements and findings: the template, the dry run's problems by row
and column, all or nothing, the import in the background, the importer's scope, and the state and
plan steps that follow the dates."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audits.models import AuditSubject, Engagement, Finding, Rectification
from audits.models_imports import AuditImport
from election.models import (
    Campaign,
    CommunityPlan,
    PlanStep,
    RuleSet,
    StageTemplate,
    StepTemplate,
)
from election.services.plans import campaign_start
from tests.audits.matrix_imports import (
    CATEGORY,
    FIRM,
    audit_setup,
    confirm,
    engagement_for,
    engagement_row,
    finding_row,
    latest,
    upload,
    workbook,
)
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

AMOUNT = "金额\uff08元\uff09"


@pytest.fixture
def world(district: Any, street: Any, community: Any, other_community: Any, admin_user: Any) -> Any:
    world = SimpleNamespace(
        district=district,
        street=street,
        community=community,
        other_community=other_community,
        users={"admin_user": admin_user},
    )
    audit_setup(world)
    return world


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


# --- the template -----------------------------------------------------------------------------


def test_the_template_has_the_chinese_columns_an_example_and_a_notes_sheet(
    world: Any, office: Any
) -> None:
    response = client_for(office).get(reverse("audits:import-template", args=["engagements"]))
    assert response.status_code == 200
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames[-1] == "说明"
    header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert list(header) == [
        "街道",
        "社区",
        "审计类型",
        "审计机构",
        "委托日期",
        "进场日期",
        "审计结束日期",
        "初稿日期",
        "报告日期",
        "被审计人",
        "职务",
    ]
    response = client_for(office).get(reverse("audits:import-template", args=["findings"]))
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    header = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
    assert list(header)[3:] == [
        "问题类别",
        AMOUNT,
        "问题描述",
        "责任人",
        "整改措施",
        "整改责任人",
        "整改期限",
    ]


# --- engagements ------------------------------------------------------------------------------


def test_the_office_imports_engagements_whose_state_follows_the_dates(
    world: Any, office: Any, community: Any, other_community: Any
) -> None:
    client = client_for(office)
    rows = [
        engagement_row(community.street.name, community.name),
        engagement_row(
            other_community.street.name,
            other_community.name,
            kind="财务收支",
            draft_received_on="2026-10-08",
            report_received_on="2026-10-20",
            subjects="",
            posts="",
        ),
    ]
    page = text(upload(client, "engagements", workbook("engagements", rows)))
    assert "确认导入" in page and FIRM in page
    assert not Engagement.objects.exists()  # a dry run writes nothing
    confirm(client, latest())
    record = latest()
    assert record.status == AuditImport.Status.APPLIED and record.created_count == 2
    first = Engagement.objects.get(plan__community=community)
    assert first.kind == Engagement.Kind.DEPARTURE and first.state == Engagement.State.FIELDWORK
    assert first.firm.name == FIRM and first.created_by == office
    assert [(s.name, s.post) for s in first.subjects.all()] == [
        ("王建国", "党委书记"),
        ("李秀兰", "居委会主任"),
    ]
    history = first.history.first()
    assert history.history_user == office and history.history_change_reason == "imported"
    second = Engagement.objects.get(plan__community=other_community)
    assert second.kind == Engagement.Kind.FINANCE and second.state == Engagement.State.REPORTED
    assert not record.file  # the upload is deleted once imported


def test_problems_are_listed_by_row_and_column_in_chinese_and_nothing_is_imported(
    world: Any, office: Any, community: Any, other_community: Any
) -> None:
    engagement_for(world, other_community)  # already audited
    client = client_for(office)
    rows = [
        engagement_row(community.street.name, community.name),  # fine on its own
        engagement_row(community.street.name, community.name, firm="不存在事务所", kind="财务收支"),
        engagement_row(
            community.street.name, "无名社区", kind="离任", fieldwork_started_on=""
        ),  # no such community; an end without a start
        engagement_row(other_community.street.name, other_community.name),
        engagement_row(
            community.street.name,
            community.name,
            kind="财务收支",
            fieldwork_started_on="2026-08-01",
        ),  # before the engagement
        engagement_row(
            community.street.name,
            community.name,
            kind="财务收支",
            engaged_on=(timezone.localdate() + timedelta(days=3)).isoformat(),
        ),
        engagement_row(community.street.name, community.name, kind="专项"),
        engagement_row(community.street.name, community.name, subjects="", posts=""),
    ]
    page = text(upload(client, "engagements", workbook("engagements", rows)))
    record = latest()
    assert record.status == AuditImport.Status.FAILED
    errors = {(e["row"], e["column"]): e["message"] for e in record.row_errors}
    assert "不存在事务所" in errors[(3, "审计机构")] and "审计机构" in errors[(3, "审计机构")]
    assert "无名社区" in errors[(4, "社区")]
    assert (4, "进场日期") in errors
    assert "已有" in errors[(5, "审计类型")] or "已经有" in errors[(5, "审计类型")]
    assert "2026-08-01" in errors[(6, "进场日期")]
    assert "还没有到" in errors[(7, "委托日期")] or "尚未" in errors[(7, "委托日期")]
    assert "专项" in errors[(8, "审计类型")]
    assert (9, "被审计人") in errors
    assert "第 3 行" in page or "第3行" in page
    assert not Engagement.objects.filter(plan__community=community).exists()
    # a second departure audit of the same community in one file
    rows = [engagement_row(community.street.name, community.name)] * 2
    upload(client, "engagements", workbook("engagements", rows))
    assert {(e["row"], e["column"]) for e in latest().row_errors} == {(3, "审计类型")}


def test_the_plan_steps_follow_the_imported_dates(
    district: Any, community: Any, office: Any, admin_user: Any
) -> None:
    rules = RuleSet.objects.create(code="audit-import", version=1, name="Audit import rules")
    stage = StageTemplate.objects.create(rule_set=rules, order=1, code="audit", title="Audit")
    for order, code in enumerate(["audit-engage", "audit-fieldwork", "audit-report"], start=1):
        StepTemplate.objects.create(
            stage=stage, order=order, code=code, title=code, anchor="start", offset_days=order
        )
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Audits",
        starts_on=today - timedelta(days=120),
        election_on=today + timedelta(days=60),
        party_election_on=today + timedelta(days=40),
    )
    campaign_start(campaign=campaign, by=admin_user)
    audit_setup(SimpleNamespace(district=district, users={"admin_user": admin_user}))
    client = client_for(office)
    row = engagement_row(community.street.name, community.name, fieldwork_ended_on="2026-09-25")
    upload(client, "engagements", workbook("engagements", [row]))
    confirm(client, latest())
    assert latest().status == AuditImport.Status.APPLIED, latest().error
    plan = CommunityPlan.objects.get(campaign=campaign, community=community)
    steps = {
        s.template.code: (s.status, s.done_on)
        for s in PlanStep.objects.filter(plan=plan).select_related("template")
    }
    assert steps["audit-engage"] == (PlanStep.Status.DONE, timezone.datetime(2026, 9, 1).date())
    assert steps["audit-fieldwork"] == (
        PlanStep.Status.DONE,
        timezone.datetime(2026, 9, 25).date(),
    )
    assert steps["audit-report"][0] != PlanStep.Status.DONE


# --- findings ---------------------------------------------------------------------------------


def test_findings_are_imported_with_their_rectification_items(
    world: Any, office: Any, community: Any
) -> None:
    engagement = engagement_for(world, community)
    client = client_for(office)
    rows = [
        finding_row(community.street.name, community.name),
        finding_row(
            community.street.name,
            community.name,
            amount="",
            action="",
            owner="",
            deadline="",
            description="固定资产台账不全",
        ),
    ]
    page = text(upload(client, "findings", workbook("findings", rows)))
    assert "确认导入" in page and "12800.50" in page
    confirm(client, latest())
    assert latest().status == AuditImport.Status.APPLIED, latest().error
    findings = list(Finding.objects.filter(engagement=engagement).order_by("pk"))
    assert [f.description for f in findings] == ["部分支出凭证缺少经办人签字", "固定资产台账不全"]
    assert findings[0].amount == Decimal("12800.50") and findings[0].category.name == CATEGORY
    assert findings[1].amount is None
    item = Rectification.objects.get()
    assert item.finding == findings[0] and item.owner == "李秀兰"
    assert item.deadline.isoformat() == "2026-12-31"
    assert Rectification.history.get().history_change_reason == "imported"


def test_a_finding_needs_its_audit_a_known_category_and_a_whole_rectification(
    world: Any, office: Any, community: Any, other_community: Any
) -> None:
    engagement_for(world, community)
    client = client_for(office)
    rows = [
        finding_row(community.street.name, community.name),
        finding_row(other_community.street.name, other_community.name),  # no audit yet
        finding_row(community.street.name, community.name, category="乱花钱"),
        finding_row(community.street.name, community.name, owner="", deadline=""),
        finding_row(community.street.name, community.name, action=""),
        finding_row(community.street.name, community.name, amount="十二万"),
    ]
    upload(client, "findings", workbook("findings", rows))
    record = latest()
    assert record.status == AuditImport.Status.FAILED
    errors = {(e["row"], e["column"]): e["message"] for e in record.row_errors}
    assert "先" in errors[(3, "审计类型")]
    assert CATEGORY in errors[(4, "问题类别")] and "乱花钱" in errors[(4, "问题类别")]
    assert (5, "整改责任人") in errors and (5, "整改期限") in errors
    assert (6, "整改措施") in errors
    assert "十二万" in errors[(7, AMOUNT)]
    assert not Finding.objects.exists()


# --- scope --------------------------------------------------------------------------------------


def test_a_street_official_imports_its_own_communities_only(
    world: Any, street_official: Any, community: Any, other_community: Any
) -> None:
    client = client_for(street_official)
    rows = [
        engagement_row(community.street.name, community.name),
        engagement_row(other_community.street.name, other_community.name),
    ]
    upload(client, "engagements", workbook("engagements", rows))
    record = latest()
    assert record.street == community.street
    assert [(e["row"], e["column"]) for e in record.row_errors] == [(3, "社区")]
    assert (
        "您的街道" in record.row_errors[0]["message"]
        or "本街道" in record.row_errors[0]["message"]
        or "你" in record.row_errors[0]["message"]
    )
    upload(client, "engagements", workbook("engagements", rows[:1]))
    confirm(client, latest())
    assert Engagement.objects.get().plan.community == community


def test_others_get_a_404_and_see_no_one_elses_import(
    world: Any, office: Any, outsider: Any, leader: Any, discipline: Any, community: Any
) -> None:
    for user in (leader, discipline):
        assert client_for(user).get(reverse("audits:import-hub")).status_code == 404
    upload(
        client_for(office),
        "engagements",
        workbook("engagements", [engagement_row(community.street.name, community.name)]),
    )
    record = latest()
    assert client_for(outsider).get(record.get_absolute_url()).status_code == 404
    assert client_for(outsider).post(record.get_absolute_url()).status_code == 404
    record.refresh_from_db()
    assert record.status == AuditImport.Status.PREVIEWED


# --- the file and the life of an import -------------------------------------------------------


def test_the_same_bad_files_are_refused(world: Any, office: Any) -> None:
    client = client_for(office)
    response = upload(client, "engagements", b"name,street\n", name="data.csv")
    assert response.status_code == 200 and "xlsx" in text(response)
    response = upload(client, "engagements", b"PK\x03\x04 not really", name="data.xlsx")
    assert response.status_code == 200 and not AuditImport.objects.exists()
    page = text(
        upload(client, "engagements", workbook("engagements", [], header=["街道", "社区", "甲"]))
    )
    errors = latest().row_errors
    assert any("甲" in e["message"] for e in errors) and "缺少" in page
    page = text(upload(client, "findings", workbook("findings", [])))
    assert latest().status == AuditImport.Status.FAILED and "没有数据" in latest().error


def test_a_second_confirmation_imports_nothing_more(
    world: Any, office: Any, community: Any
) -> None:
    client = client_for(office)
    upload(
        client,
        "engagements",
        workbook("engagements", [engagement_row(community.street.name, community.name)]),
    )
    record = latest()
    confirm(client, record)
    page = text(client.get(confirm(client, record)["Location"]))
    assert "已经导入" in page
    assert Engagement.objects.count() == 1 and AuditSubject.objects.count() == 2


def test_the_page_follows_a_running_import_with_its_progress(world: Any, office: Any) -> None:
    record = AuditImport.objects.create(
        district=world.district, kind="findings", created_by=office, progress=40
    )
    page = text(client_for(office).get(reverse("audits:import-status", args=[record.pk])))
    assert 'hx-get="' in page and "40%" in page and "正在检查" in page


def test_the_check_reads_the_district_in_queries_that_do_not_grow_with_the_rows(
    world: Any, office: Any, street: Any
) -> None:
    from audits.importing.checks import import_check
    from communities.importing import ProblemList
    from election.importing.reading import Rows

    communities = [CommunityFactory(street=street, name=f"社区{n}") for n in range(30)]
    campaign = Campaign.objects.get(district=world.district)
    for c in communities:
        CommunityPlan.objects.create(
            campaign=campaign,
            community=c,
            election_on=campaign.election_on,
            party_election_on=campaign.party_election_on,
        )
    record = AuditImport(district=world.district, kind="engagements", created_by=office)

    def rows(count: int) -> Rows:
        from audits.importing.columns import KINDS

        columns = KINDS["engagements"].sheets[0].columns
        found: Rows = []
        for n, c in enumerate(communities[:count]):
            values = engagement_row(street.name, c.name)
            cells = dict(zip([col.key for col in columns], values, strict=True))
            for key in ("engaged_on", "fieldwork_started_on", "fieldwork_ended_on"):
                cells[key] = timezone.datetime.fromisoformat(cells[key]).date()
            cells["draft_received_on"] = cells["report_received_on"] = None
            cells["kind"] = "departure"
            found.append((n + 2, cells))
        return found

    with CaptureQueriesContext(connection) as few:
        assert len(import_check(record, rows(2), ProblemList()).records) == 2
    with CaptureQueriesContext(connection) as many:
        assert len(import_check(record, rows(30), ProblemList()).records) == 30
    assert len(many) == len(few)


def test_the_housekeeping_sends_a_lost_check_again_and_deletes_old_uploads(
    world: Any, office: Any, community: Any
) -> None:
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.test import TestCase

    from audits.tasks import audit_imports_housekeeping_task

    assert any(
        entry["task"] == "audits.tasks.audit_imports_housekeeping_task"
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
    )
    content = workbook("engagements", [engagement_row(community.street.name, community.name)])
    record = AuditImport(district=world.district, kind="engagements", created_by=office)
    record.file.save("lost.xlsx", ContentFile(content), save=False)
    record.save()
    AuditImport.objects.filter(pk=record.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    with TestCase.captureOnCommitCallbacks(execute=True):
        audit_imports_housekeeping_task()
    record.refresh_from_db()
    assert record.status == AuditImport.Status.PREVIEWED and record.row_count == 1
    AuditImport.objects.filter(pk=record.pk).update(updated_at=timezone.now() - timedelta(days=2))
    audit_imports_housekeeping_task()
    record.refresh_from_db()
    assert not record.file


def test_the_audits_page_links_to_the_import_for_those_who_import(
    world: Any, office: Any, street_official: Any, leader: Any
) -> None:
    url = reverse("audits:engagement-list")
    for user, shown in ((office, True), (street_official, True), (leader, False)):
        page = text(client_for(user).get(url))
        assert (reverse("audits:import-hub") in page) is shown


def test_dates_follow_the_engagement_pages_rules(world: Any, office: Any, community: Any) -> None:
    row = engagement_row(
        community.street.name, community.name, fieldwork_ended_on="", draft_received_on="2026-10-08"
    )
    upload(client_for(office), "engagements", workbook("engagements", [row]))
    record = latest()
    assert record.status == AuditImport.Status.FAILED
    assert [e["row"] for e in record.row_errors] == [2]
    assert record.row_errors[0]["message"].startswith("第 2 行")
