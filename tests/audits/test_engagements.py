# ruff: noqa: RUF001
"""Audit engagements: engaging one firm for many communities, the dates and the state they set,
the plan's audit steps following them, audited officials, the final report, the list's queries."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditFirm, AuditSubject, Engagement
from audits.services.engagements import engagements_create
from communities.models import Committee
from election.models import CommitteeMember, CommunityPlan, PlanStage, PlanStep
from tests.audits.matrix_engagements import PDF, audit_steps_campaign
from tests.factories import CommunityFactory


def today() -> date:
    """Today in the project's time zone, read when a test runs (not when it is collected), so a
    run that crosses midnight keeps its dates right."""
    return timezone.localdate()


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


@pytest.fixture
def campaign(district: Any, community: Any, other_community: Any, admin_user: Any) -> Any:
    return audit_steps_campaign(district, by=admin_user)


@pytest.fixture
def firm(district: Any) -> AuditFirm:
    return AuditFirm.objects.create(district=district, name="Sunrise CPA")


def plan_of(campaign: Any, community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=campaign, community=community)


def step(plan: CommunityPlan, code: str) -> PlanStep:
    return PlanStep.objects.get(plan=plan, template__code=code)


def engage(client: Any, campaign: Any, firm: AuditFirm, **data: Any) -> Any:
    body = {
        "campaign": campaign.pk,
        "firm": firm.pk,
        "kind": "departure",
        "engaged_on": days_ago(20),
        **data,
    }
    return client.post(reverse("audits:engage"), body, follow=True)


def dates(client: Any, engagement: Engagement, **data: Any) -> Any:
    engagement.refresh_from_db()
    body = {"version": engagement.version, "engaged_on": engagement.engaged_on.isoformat()}
    for name in [
        "fieldwork_started_on",
        "fieldwork_ended_on",
        "draft_received_on",
        "report_received_on",
    ]:
        value = getattr(engagement, name)
        body[name] = value.isoformat() if value else ""
    body.update(data)
    return client.post(reverse("audits:engagement-dates", args=[engagement.pk]), body)


# --- engaging many communities at once ----------------------------------------------------------


def test_office_engages_a_street_and_the_plans_step_is_done(
    as_user: Any, office: Any, campaign: Any, firm: AuditFirm, community: Any, street: Any
) -> None:
    second = CommunityFactory(street=street, name="Lakeside")
    campaign = audit_steps_campaign(campaign.district, by=office)
    # the new community has no plan in the running campaign: only plans are engaged
    response = engage(as_user(office), campaign, firm, streets=[street.pk])
    assert response.status_code == 200
    assert "已委托 1 项审计" in response.content.decode()
    engagement = Engagement.objects.get()
    assert engagement.plan.community == community and engagement.created_by == office
    assert engagement.history.first().history_change_reason == "engaged"
    plan = engagement.plan
    engaged = step(plan, "audit-engage")
    assert engaged.status == PlanStep.Status.DONE
    assert engaged.done_on == today() - timedelta(days=20)
    assert step(plan, "audit-fieldwork").status == PlanStep.Status.IN_PROGRESS
    assert engaged.history.first().history_user == office
    assert not CommunityPlan.objects.filter(community=second).exists()


def test_engaging_again_skips_communities_already_engaged(
    as_user: Any,
    office: Any,
    campaign: Any,
    firm: AuditFirm,
    community: Any,
    street: Any,
    other_street: Any,
) -> None:
    client = as_user(office)
    engage(client, campaign, firm, communities=[community.pk])
    response = engage(client, campaign, firm, streets=[street.pk, other_street.pk])
    assert "已委托 1 项审计；1 个社区已有同类审计" in response.content.decode()
    assert Engagement.objects.count() == 2
    # another kind is another engagement
    engage(client, campaign, firm, kind="finance", communities=[community.pk])
    assert Engagement.objects.filter(plan__community=community).count() == 2


def test_engaging_is_all_or_nothing(
    as_user: Any, office: Any, campaign: Any, firm: AuditFirm, other_community: Any
) -> None:
    # the audit stage of one plan is closed: its step cannot follow, so no plan is engaged
    PlanStage.objects.filter(plan=plan_of(campaign, other_community)).update(is_closed=True)
    response = engage(as_user(office), campaign, firm, streets=[s.pk for s in _streets(campaign)])
    assert "已结束，请先说明原因重新开启" in response.content.decode()
    assert not Engagement.objects.exists()


def _streets(campaign: Any) -> Any:
    return campaign.district.streets.all()


def test_engaging_refuses_a_future_day_and_no_choice(
    as_user: Any, office: Any, campaign: Any, firm: AuditFirm, street: Any
) -> None:
    client = as_user(office)
    page = engage(client, campaign, firm, engaged_on=(today() + timedelta(days=1)).isoformat())
    assert "请至少选择一个街道或社区" in page.content.decode()
    page = engage(
        client, campaign, firm, streets=[street.pk], engaged_on=(today() + timedelta(1)).isoformat()
    )
    assert "“委托日期”不能是将来的日期" in page.content.decode()
    assert not Engagement.objects.exists()


def test_an_inactive_firm_cannot_be_engaged(
    office: Any, campaign: Any, firm: AuditFirm, community: Any
) -> None:
    firm.is_active = False
    firm.save()
    from core.exceptions import DomainError

    with pytest.raises(DomainError):
        engagements_create(
            campaign=campaign,
            plans=CommunityPlan.objects.filter(community=community),
            firm=firm,
            kind="departure",
            engaged_on=today(),
            by=office,
        )


# --- dates, state, the plan's steps ---------------------------------------------------------------


@pytest.fixture
def engaged(campaign: Any, firm: AuditFirm, community: Any, office: Any) -> Engagement:
    created, _ = engagements_create(
        campaign=campaign,
        plans=CommunityPlan.objects.filter(community=community),
        firm=firm,
        kind="departure",
        engaged_on=today() - timedelta(days=30),
        by=office,
    )
    return created[0]


def test_state_and_steps_follow_the_dates(
    as_user: Any, street_official: Any, engaged: Engagement
) -> None:
    client = as_user(street_official)
    assert dates(client, engaged, fieldwork_started_on=days_ago(25)).status_code == 302
    engaged.refresh_from_db()
    assert engaged.state == Engagement.State.FIELDWORK
    dates(client, engaged, fieldwork_ended_on=days_ago(20))
    fieldwork = step(engaged.plan, "audit-fieldwork")
    assert fieldwork.status == PlanStep.Status.DONE
    assert fieldwork.done_on == today() - timedelta(days=20)
    assert fieldwork.history.first().history_change_reason == "follows the audit engagements"
    dates(client, engaged, draft_received_on=days_ago(15))
    engaged.refresh_from_db()
    assert engaged.state == Engagement.State.DRAFT
    dates(client, engaged, report_received_on=days_ago(10))
    engaged.refresh_from_db()
    assert engaged.state == Engagement.State.REPORTED
    assert step(engaged.plan, "audit-report").done_on == today() - timedelta(days=10)
    assert engaged.history.first().history_user == street_official
    # clearing the report day undoes the step
    dates(client, engaged, report_received_on="")
    assert step(engaged.plan, "audit-report").status == PlanStep.Status.IN_PROGRESS


def test_a_step_is_done_when_every_engagement_reached_it(
    as_user: Any, office: Any, engaged: Engagement, campaign: Any, firm: AuditFirm, community: Any
) -> None:
    client = as_user(office)
    dates(client, engaged, fieldwork_started_on=days_ago(25), fieldwork_ended_on=days_ago(22))
    engage(
        client, campaign, firm, kind="finance", engaged_on=days_ago(21), communities=[community.pk]
    )
    finance = Engagement.objects.get(kind="finance")
    plan = engaged.plan
    assert step(plan, "audit-engage").done_on == today() - timedelta(days=21)
    assert step(plan, "audit-fieldwork").status == PlanStep.Status.IN_PROGRESS
    dates(client, finance, fieldwork_started_on=days_ago(20), fieldwork_ended_on=days_ago(18))
    assert step(plan, "audit-fieldwork").status == PlanStep.Status.DONE
    assert step(plan, "audit-fieldwork").done_on == today() - timedelta(days=18)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fieldwork_ended_on": "d5"}, "填写“现场审计结束日期”前，请先填写“进场审计日期”"),
        (
            {"fieldwork_started_on": "d10", "fieldwork_ended_on": "d12"},
            "“现场审计结束日期”不能早于“进场审计日期”",
        ),
        ({"fieldwork_started_on": "d40"}, "“进场审计日期”不能早于“委托日期”"),
        ({"fieldwork_started_on": "f1"}, "“进场审计日期”不能是将来的日期"),
        (
            {"fieldwork_started_on": "d10", "report_received_on": "d5"},
            "请先填写“现场审计结束日期”",
        ),
    ],
)
def test_dates_out_of_order_are_refused_in_chinese(
    as_user: Any, office: Any, engaged: Engagement, data: dict[str, str], message: str
) -> None:
    def day(v: str) -> str:
        n = int(v[1:])
        return (today() + timedelta(days=n if v[0] == "f" else -n)).isoformat()

    response = dates(as_user(office), engaged, **{k: day(v) for k, v in data.items()})
    assert response.status_code == 400
    assert message in response.content.decode()
    engaged.refresh_from_db()
    assert engaged.fieldwork_started_on is None and engaged.version == 1


def test_a_stale_dates_form_is_refused(as_user: Any, office: Any, engaged: Engagement) -> None:
    response = dates(as_user(office), engaged, version=0, fieldwork_started_on=days_ago(5))
    assert response.status_code == 409
    engaged.refresh_from_db()
    assert engaged.fieldwork_started_on is None


def test_posted_results_keep_their_report_day(
    as_user: Any, office: Any, engaged: Engagement
) -> None:
    Engagement.objects.filter(pk=engaged.pk).update(
        fieldwork_started_on=today() - timedelta(days=9),
        fieldwork_ended_on=today() - timedelta(days=8),
        report_received_on=today() - timedelta(days=5),
        state=Engagement.State.POSTED,
    )
    response = dates(as_user(office), engaged, report_received_on="")
    assert "审计结果已公示" in response.content.decode()
    engaged.refresh_from_db()
    assert engaged.report_received_on is not None
    # other dates may still be corrected, and the state stays posted
    dates(as_user(office), engaged, fieldwork_ended_on=days_ago(7))
    engaged.refresh_from_db()
    assert engaged.state == Engagement.State.POSTED


def test_audit_steps_are_not_ticked_by_hand_once_engaged(
    as_user: Any, office: Any, engaged: Engagement, campaign: Any, other_community: Any
) -> None:
    client = as_user(office)
    report = step(engaged.plan, "audit-report")
    url = reverse("election:step-edit", args=[report.pk])
    body = {"version": report.version, "status": "done", "done_on": days_ago(1)}
    response = client.post(url, body)
    assert "此步骤跟随本计划的审计委托" in response.content.decode()
    assert step(engaged.plan, "audit-report").status != PlanStep.Status.DONE
    # a plan with no engagement keeps its hand-ticked steps
    free = step(plan_of(campaign, other_community), "audit-report")
    body["version"] = free.version
    client.post(reverse("election:step-edit", args=[free.pk]), body)
    assert step(plan_of(campaign, other_community), "audit-report").status == "done"


def test_the_plan_page_shows_the_communitys_audits(
    as_user: Any, leader: Any, engaged: Engagement
) -> None:
    page = as_user(leader).get(engaged.plan.get_absolute_url()).content.decode()
    assert "离任审计" in page
    assert reverse("audits:engagement-detail", args=[engaged.pk]) in page


# --- audited officials ----------------------------------------------------------------------------


def test_officials_suggested_from_the_committee_and_added(
    as_user: Any, street_official: Any, engaged: Engagement, community: Any
) -> None:
    residents = Committee.objects.get(community=community, kind="residents")
    CommitteeMember.objects.create(
        committee=residents,
        name="张主任",
        post="director",
        gender="m",
        birth_date="1970-01-01",
        education=4,
    )
    client = as_user(street_official)
    url = reverse("audits:engagement-detail", args=[engaged.pk])
    page = client.get(url).content.decode()
    assert "张主任 · 主任" in page
    add = reverse("audits:engagement-subject-add", args=[engaged.pk])
    assert client.post(add, {"name": "张主任", "post": "主任"}).status_code == 302
    subject = AuditSubject.objects.get(engagement=engaged)
    assert subject.history.first().history_user == street_official
    # listed: no longer suggested, and not listed twice
    assert 'value="张主任"' not in client.get(url).content.decode()
    again = client.post(add, {"name": "张主任", "post": "主任"})
    assert "张主任（主任）已在名单中" in again.content.decode()
    bad = client.post(
        add,
        {
            "name": "李四",
            "post": "委员",
            "term_started_on": days_ago(1),
            "term_ended_on": days_ago(9),
        },
    )
    assert "任期结束日期不能早于开始日期" in bad.content.decode()
    assert AuditSubject.objects.count() == 1
    client.post(reverse("audits:engagement-subject-delete", args=[subject.pk]))
    assert not AuditSubject.objects.exists()


# --- the final report ----------------------------------------------------------------------------


def test_report_upload_checks_content_and_download_is_safe(
    as_user: Any, street_official: Any, outsider: Any, engaged: Engagement
) -> None:
    client = as_user(street_official)
    url = reverse("audits:engagement-report", args=[engaged.pk])
    fake = SimpleUploadedFile("report.pdf", b"MZ not a pdf at all")
    page = client.post(url, {"file": fake}, follow=True).content.decode()
    assert "不是照片" in page or "PDF" in page
    engaged.refresh_from_db()
    assert not engaged.report_file
    client.post(url, {"file": SimpleUploadedFile("../报告<1>.exe", PDF)})
    engaged.refresh_from_db()
    assert engaged.report_type == "application/pdf"
    assert "报告" not in engaged.report_file.name  # stored under a generated name
    download = reverse("audits:engagement-report-download", args=[engaged.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        ".pdf" in response["Content-Disposition"] and ".exe" not in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == PDF
    assert as_user(outsider).get(download).status_code == 404


def test_an_oversized_report_is_refused(
    as_user: Any, office: Any, engaged: Engagement, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 50
    url = reverse("audits:engagement-report", args=[engaged.pk])
    page = as_user(office).post(url, {"file": SimpleUploadedFile("r.pdf", PDF)}, follow=True)
    assert "最多" in page.content.decode() or "超过" in page.content.decode()
    engaged.refresh_from_db()
    assert not engaged.report_file


# --- the list ------------------------------------------------------------------------------------


def test_list_filters_and_scope(
    as_user: Any,
    street_official: Any,
    office: Any,
    campaign: Any,
    firm: AuditFirm,
    community: Any,
    other_community: Any,
) -> None:
    engage(as_user(office), campaign, firm, communities=[community.pk, other_community.pk])
    url = reverse("audits:engagement-list")
    mine = as_user(street_official).get(url).content.decode()
    assert community.name in mine and other_community.name not in mine
    all_ = as_user(office).get(url).content.decode()
    assert community.name in all_ and other_community.name in all_
    by_street = as_user(office).get(url, {"street": other_community.street_id}).content.decode()
    assert community.name not in by_street and other_community.name in by_street
    none = as_user(office).get(url, {"state": "reported"}).content.decode()
    assert "尚无审计委托" in none
    assert "尚无审计委托" in as_user(office).get(url, {"kind": "finance"}).content.decode()


def test_list_queries_do_not_grow_with_the_rows(
    as_user: Any, office: Any, campaign: Any, firm: AuditFirm, street: Any, other_street: Any
) -> None:
    client = as_user(office)
    url = reverse("audits:engagement-list")
    engage(client, campaign, firm, streets=[street.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    engage(client, campaign, firm, streets=[street.pk, other_street.pk])
    engage(client, campaign, firm, kind="finance", streets=[street.pk, other_street.pk])
    assert Engagement.objects.count() == 4
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count('id="engagement-') == 4
    assert len(many) == len(one)


def test_detail_queries_do_not_grow_with_the_officials(
    as_user: Any, office: Any, engaged: Engagement
) -> None:
    client = as_user(office)
    url = reverse("audits:engagement-detail", args=[engaged.pk])
    AuditSubject.objects.create(engagement=engaged, name="A", post="主任")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(6):
        AuditSubject.objects.create(engagement=engaged, name=f"B{i}", post="委员")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_readers_see_the_dates_without_forms(
    as_user: Any, leader: Any, office: Any, engaged: Engagement
) -> None:
    dates(as_user(office), engaged, fieldwork_started_on=days_ago(3))
    page = as_user(leader).get(reverse("audits:engagement-detail", args=[engaged.pk]))
    html = page.content.decode()
    assert (today() - timedelta(days=3)).isoformat() in html
    assert reverse("audits:engagement-dates", args=[engaged.pk]) not in html
    assert reverse("audits:engagement-report", args=[engaged.pk]) not in html
    assert "现场审计" in html


def test_the_step_editor_says_why_an_audit_step_is_not_ticked_by_hand(
    as_user: Any, street_official: Any, engaged: Engagement
) -> None:
    fieldwork = step(engaged.plan, "audit-fieldwork")
    page = as_user(street_official).get(reverse("election:step-edit", args=[fieldwork.pk]))
    assert "请在审计委托中填写日期" in page.content.decode()
