"""The candidate register: adding and editing nominees (Chinese errors, the optimistic check),
the ID number masked everywhere, the plan's and the campaign's lists (filters, scope, constant
query counts) and the vetting counts for the dashboard and the weekly report."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.exceptions import ConflictError
from election.models import Campaign, Candidate, CommunityPlan, UnitReview
from election.selectors.candidates import pending_by_unit, vetting_summary
from election.services.candidates import (
    CandidateError,
    candidate_create,
    candidate_update,
    candidate_validate,
)
from election.services.review import candidates_send_to_review
from tests.election.matrix_candidates import make_candidate, units, vetting_campaign

ID = "110101198001011234"
Status = Candidate.Status


@pytest.fixture
def vetting(district: Any, community: Any, other_community: Any, admin_user: User) -> Campaign:
    units()
    return vetting_campaign(district, admin_user)


@pytest.fixture
def plan(vetting: Campaign, community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=vetting, community=community)


@pytest.fixture
def other_plan(vetting: Campaign, other_community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=vetting, community=other_community)


def form_data(**extra: Any) -> dict[str, Any]:
    data = {
        "name": "张三",
        "gender": "m",
        "birth_date": "1980-01-01",
        "education": "4",
        "ethnicity": "汉族",
        "id_number": ID,
        "body": "residents",
        "post_sought": "director",
        "is_incumbent": "on",
    }
    data.update(extra)
    return data


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- validation -----------------------------------------------------------------------------------


def test_validate_reports_each_field_in_chinese(plan: CommunityPlan) -> None:
    too_young = timezone.localdate() - timedelta(days=365 * 10)
    errors = candidate_validate(
        plan,
        {
            "name": "",
            "gender": "x",
            "birth_date": too_young,
            "education": 9,
            "id_number": "12345",
            "body": "villagers",  # a city community elects a residents' committee
            "post_sought": "secretary",
        },
    )
    assert set(errors) == {"name", "gender", "birth_date", "education", "id_number", "body"}
    assert errors["birth_date"] == "提名人在选举日须年满18周岁。"
    assert errors["id_number"].startswith("身份证号码为18位")
    ok = candidate_validate(
        plan,
        {
            "name": "李四",
            "gender": "f",
            "birth_date": timezone.localdate().replace(year=1975),
            "education": 3,
            "body": "party",
            "post_sought": "secretary",
        },
    )
    assert ok == {}
    wrong_post = candidate_validate(
        plan,
        {
            "name": "李四",
            "gender": "f",
            "birth_date": timezone.localdate().replace(year=1975),
            "education": 3,
            "body": "party",
            "post_sought": "director",
        },
    )
    assert wrong_post == {"post_sought": "党组织职务只能是书记、副书记或委员。"}


def test_same_person_twice_is_refused(plan: CommunityPlan, office: User) -> None:
    fields = {"name": "张三", "gender": "m", "birth_date": timezone.localdate().replace(year=1980)}
    candidate_create(plan=plan, by=office, education=4, body="residents", **fields)
    with pytest.raises(CandidateError, match="已登记"):
        candidate_create(plan=plan, by=office, education=4, body="residents", **fields)
    # the same person may stand for the Party committee too
    candidate_create(plan=plan, by=office, education=4, body="party", **fields)
    assert Candidate.objects.count() == 2


# --- pages ----------------------------------------------------------------------------------------


def test_add_page_registers_a_nominee_and_shows_errors_in_chinese(
    plan: CommunityPlan, street_official: User
) -> None:
    client = logged_in(street_official)
    url = reverse("election:candidate-add", args=[plan.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, form_data(name="", id_number="123"))
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "请填写提名人姓名。" in text
    assert not Candidate.objects.exists()
    ok = client.post(url, form_data())
    candidate = Candidate.objects.get()
    assert ok.status_code == 302
    assert ok["Location"] == reverse("election:candidate-detail", args=[candidate.pk])
    assert candidate.created_by == street_official
    assert candidate.is_incumbent and candidate.post_sought == "director"
    assert candidate.history.first().history_user == street_official


def test_id_number_is_masked_in_pages_and_absent_from_history(
    plan: CommunityPlan, office: User, street_official: User
) -> None:
    candidate = make_candidate(plan, "张三", id_number=ID)
    client = logged_in(street_official)
    pages = [
        reverse("election:plan-candidates", args=[plan.pk]),
        reverse("election:candidate-detail", args=[candidate.pk]),
        reverse("election:candidate-edit", args=[candidate.pk]),
        reverse("election:campaign-candidates", args=[plan.campaign_id]),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert ID not in text, url
        assert ID[:6] not in text, url
    detail = client.get(pages[1]).content.decode()
    assert "**************1234" in detail
    # the history table has no column for it at all
    history_fields = {f.name for f in Candidate.history.model._meta.get_fields()}
    assert "id_number" not in history_fields


def test_edit_keeps_the_id_number_when_left_empty_and_checks_the_version(
    plan: CommunityPlan, street_official: User, office: User
) -> None:
    candidate = candidate_create(
        plan=plan,
        by=office,
        name="张三",
        gender="m",
        birth_date=timezone.localdate().replace(year=1980),
        education=4,
        body="residents",
        id_number=ID,
    )
    client = logged_in(street_official)
    url = reverse("election:candidate-edit", args=[candidate.pk])
    response = client.post(url, form_data(name="张三丰", id_number="", version=candidate.version))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.name == "张三丰" and candidate.id_number == ID
    assert candidate.history.first().history_change_reason == "提名人信息已修改"
    # a stale form: refused, nothing saved, said in Chinese
    stale = client.post(url, form_data(name="张四", version=1), follow=True)
    assert "其他人" in stale.content.decode() or "已被" in stale.content.decode()
    candidate.refresh_from_db()
    assert candidate.name == "张三丰"
    with pytest.raises(ConflictError):
        candidate_update(candidate=candidate, by=office, version=1, name="王五")


def test_committee_cannot_change_after_sending(plan: CommunityPlan, office: User) -> None:
    candidate = make_candidate(plan, "张三")
    candidates_send_to_review(plan=plan, body="residents", by=office)
    candidate.refresh_from_db()
    with pytest.raises(CandidateError, match="委员会"):
        candidate_update(candidate=candidate, by=office, version=candidate.version, body="party")


def test_plan_register_groups_by_committee(
    plan: CommunityPlan, street_official: User, leader: User
) -> None:
    make_candidate(plan, "书记人选", body="party", post_sought="secretary", party_member=True)
    make_candidate(plan, "主任人选", post_sought="director", is_incumbent=True)
    text = logged_in(leader).get(reverse("election:plan-candidates", args=[plan.pk])).content
    page = text.decode()
    assert page.index("书记人选") < page.index("主任人选")
    assert "连任参选" in page and "首次参选" in page
    # a reader has no buttons
    assert "登记提名人" not in page
    editor_page = logged_in(street_official).get(
        reverse("election:plan-candidates", args=[plan.pk])
    )
    assert "登记提名人" in editor_page.content.decode()


# --- constant query counts ------------------------------------------------------------------------


def _fill(plan: CommunityPlan, other_plan: CommunityPlan, n: int) -> None:
    police, discipline = units()
    for i in range(n):
        target = plan if i % 2 else other_plan
        c = make_candidate(target, f"人{i:03d}", status=Status.UNDER_REVIEW)
        UnitReview.objects.create(
            candidate=c,
            unit=police if i % 3 else discipline,
            sent_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=i % 7 - 3),
        )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["plan", "campaign", "queue"])
def test_list_pages_run_the_same_queries_for_10_and_40_candidates(
    page: str,
    plan: CommunityPlan,
    other_plan: CommunityPlan,
    office: User,
    member_unit_user: User,
) -> None:
    if page == "plan":
        url, user = reverse("election:plan-candidates", args=[plan.pk]), office
    elif page == "campaign":
        url, user = reverse("election:campaign-candidates", args=[plan.campaign_id]), office
    else:
        url, user = reverse("election:review-queue"), member_unit_user
    client = logged_in(user)
    client.get(url)  # the first request of a session also reads and saves the session
    _fill(plan, other_plan, 10)
    few = _count(client, url)
    _fill(plan, other_plan, 30)
    many = _count(client, url)
    assert few == many


# --- the campaign's list --------------------------------------------------------------------------


def test_campaign_list_filters_and_scope(
    plan: CommunityPlan, other_plan: CommunityPlan, street_official: User, office: User
) -> None:
    make_candidate(plan, "张三", status=Status.UNDER_REVIEW)
    make_candidate(plan, "李四", status=Status.FORMAL)
    make_candidate(other_plan, "王五", status=Status.FORMAL)
    url = reverse("election:campaign-candidates", args=[plan.campaign_id])
    office_page = logged_in(office).get(url).content.decode()
    assert all(name in office_page for name in ("张三", "李四", "王五"))
    formal = logged_in(office).get(url, {"status": "formal"}).content.decode()
    assert "李四" in formal and "王五" in formal and "张三" not in formal
    by_street = logged_in(office).get(url, {"street": plan.community.street_id}).content.decode()
    assert "王五" not in by_street and "张三" in by_street
    by_name = logged_in(office).get(url, {"q": "李"}).content.decode()
    assert "李四" in by_name and "张三" not in by_name
    # a street official sees only the street's candidates, whatever the filter says
    street_page = logged_in(street_official).get(url, {"street": other_plan.community.street_id})
    assert "王五" not in street_page.content.decode()
    # junk filters are ignored, not an error
    assert logged_in(office).get(url, {"street": "x", "status": "??"}).status_code == 200


# --- counts for the dashboard and the report ------------------------------------------------------


def test_vetting_summary_and_pending_by_unit(
    plan: CommunityPlan, other_plan: CommunityPlan
) -> None:
    police, discipline = units()
    today = timezone.localdate()
    a = make_candidate(plan, "甲", status=Status.UNDER_REVIEW)
    make_candidate(plan, "乙", status=Status.FORMAL)
    make_candidate(other_plan, "丙", status=Status.DISQUALIFIED)
    make_candidate(other_plan, "丁", status=Status.WITHDRAWN)
    UnitReview.objects.create(
        candidate=a, unit=police, sent_on=today, due_on=today - timedelta(days=1)
    )
    UnitReview.objects.create(candidate=a, unit=discipline, sent_on=today, due_on=today)
    summary = vetting_summary(campaign=plan.campaign)
    assert summary == {
        "nominees": 4,
        "under_review": 1,
        "formal": 1,
        "disqualified": 1,
        "withdrawn": 1,
        "elected": 0,
        "reviews_pending": 2,
        "reviews_overdue": 1,
    }
    street = vetting_summary(campaign=plan.campaign, street=other_plan.community.street)
    assert street["nominees"] == 2 and street["reviews_pending"] == 0
    assert pending_by_unit(campaign=plan.campaign) == [("公安局", 1, 1), ("纪委监委", 1, 0)]


# --- outside the scope ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("election:candidate-detail", "get"),
        ("election:candidate-edit", "get"),
        ("election:candidate-edit", "post"),
        ("election:candidate-formal", "post"),
        ("election:candidate-approve", "post"),
        ("election:candidate-withdraw", "post"),
        ("election:candidate-decide", "get"),
        ("election:candidate-decide", "post"),
    ],
)
def test_another_streets_candidate_does_not_exist_for_a_street_official(
    name: str, method: str, other_plan: CommunityPlan, street_official: User
) -> None:
    other = make_candidate(other_plan, "王五", body="party", status=Status.UNDER_REVIEW)
    data = {
        **form_data(name="改名"),
        "version": other.version,
        "reason": "本人申请",
        "approved_on": timezone.localdate().isoformat(),
        "decision": "disqualified",
    }
    client = logged_in(street_official)
    url = reverse(name, args=[other.pk])
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 404
    after = Candidate.objects.get(pk=other.pk)
    assert (after.name, after.status, after.street_approved_on, after.version) == (
        "王五",
        Status.UNDER_REVIEW,
        None,
        other.version,
    )


@pytest.mark.parametrize(
    "name",
    ["election:plan-candidates", "election:candidate-add", "election:candidates-review-send"],
)
def test_another_streets_plan_does_not_exist_for_a_street_official(
    name: str, other_plan: CommunityPlan, street_official: User
) -> None:
    make_candidate(other_plan, "王五")
    client = logged_in(street_official)
    url = reverse(name, args=[other_plan.pk])
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {**form_data(), "body": "residents"}).status_code in (404, 405)
    assert Candidate.objects.get().status == Status.NOMINEE
    assert not UnitReview.objects.exists()


def test_readers_see_the_candidate_without_actions(
    plan: CommunityPlan, leader: User, supervisor: User, street_official: User
) -> None:
    candidate = make_candidate(plan, "张三", status=Status.UNDER_REVIEW)
    url = reverse("election:candidate-detail", args=[candidate.pk])
    for reader in (leader, supervisor):
        page = logged_in(reader).get(url).content.decode()
        assert "张三" in page and "修改历史" in page
        assert "确定为正式候选人" not in page and "记录退出" not in page
    editor = logged_in(street_official).get(url).content.decode()
    assert "确定为正式候选人" in editor and "记录退出" in editor
    # the street official may not decide on an unsuitable-tier hit: the office does
    assert "对“不宜”情形作出决定" not in editor
    decide = reverse("election:candidate-decide", args=[candidate.pk])
    assert logged_in(street_official).get(decide).status_code == 404
