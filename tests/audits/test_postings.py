"""The public posting of the audit results: a public notice on the plan's `audit-posting` step, the
step done, the engagement posted; the engine's lead time (a late posting is red) and the rule this
app adds: from election day on, an audit never posted turns the step red."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits.models import Engagement, Posting
from audits.services.postings import posting_add
from election.models import CommunityPlan, PlanStep
from election.services.plans import plan_refresh
from tests.audits.matrix_findings import (
    JPEG,
    NOTICE_DAYS,
    POSTING_LEAD,
    community_records,
    findings_campaign,
)


def today() -> date:
    """Today in the project's time zone, read when a test runs (not when it is collected), so a
    run that crosses midnight keeps its dates right."""
    return timezone.localdate()


MISSING = "离任经济责任审计结果应于选举日前公布，至选举日仍未公布"  # noqa: RUF001


def _records(district: Any, community: Any, admin_user: Any, *, election_on: date) -> Any:
    findings_campaign(district, election_on=election_on, by=admin_user)
    return community_records(community, by=admin_user, today=today())


def _step(plan: CommunityPlan) -> PlanStep:
    return PlanStep.objects.get(plan=plan, template__code="audit-posting")


def test_posting_the_results_adds_the_notice_and_does_the_step(
    district: Any, community: Any, admin_user: Any, street_official: Any, as_user: Any
) -> None:
    records = _records(district, community, admin_user, election_on=today() + timedelta(days=30))
    engagement = records["engagement"]
    url = reverse("audits:engagement-posting", args=[engagement.pk])
    response = as_user(street_official).post(
        url,
        {
            "posted_on": today().isoformat(),
            "place": "居务公开栏",
            "taken_down_on": (today() + timedelta(days=NOTICE_DAYS)).isoformat(),
            "photo": SimpleUploadedFile("公开栏.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    posting = Posting.objects.select_related("notice__step").get(engagement=engagement)
    assert posting.notice.step == _step(records["plan"])
    assert posting.notice.place == "居务公开栏"
    assert posting.notice.photo
    engagement.refresh_from_db()
    assert engagement.state == Engagement.State.POSTED
    step = _step(records["plan"])
    assert step.status == PlanStep.Status.DONE
    assert step.done_on == today()
    assert not step.is_red, step.red_reason
    page = as_user(street_official).get(url).content.decode()
    assert "居务公开栏" in page


def test_a_posting_too_close_to_election_day_is_red(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    # election day POSTING_LEAD - 1 days away: the posting misses the lead time by a day
    records = _records(
        district, community, admin_user, election_on=today() + timedelta(days=POSTING_LEAD - 1)
    )
    posting_add(
        engagement=records["engagement"],
        data={"posted_on": today(), "place": "居务公开栏"},
        photo=None,
        by=street_official,
    )
    step = _step(records["plan"])
    assert step.is_red
    assert MISSING not in step.red_reason


def test_a_posting_in_time_is_not_red(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    records = _records(
        district, community, admin_user, election_on=today() + timedelta(days=POSTING_LEAD)
    )
    posting_add(
        engagement=records["engagement"],
        data={"posted_on": today(), "place": "居务公开栏"},
        photo=None,
        by=street_official,
    )
    assert not _step(records["plan"]).is_red


def test_a_posting_taken_down_too_early_is_red(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    records = _records(district, community, admin_user, election_on=today() + timedelta(days=30))
    posting_add(
        engagement=records["engagement"],
        data={
            "posted_on": today(),
            "place": "居务公开栏",
            "taken_down_on": today() + timedelta(days=NOTICE_DAYS - 3),
        },
        photo=None,
        by=street_official,
    )
    assert _step(records["plan"]).is_red


@pytest.mark.parametrize(("days_after_election", "red"), [(-1, False), (0, True), (3, True)])
def test_no_posting_by_election_day_turns_the_step_red(
    district: Any, community: Any, admin_user: Any, days_after_election: int, red: bool
) -> None:
    records = _records(district, community, admin_user, election_on=today() + timedelta(days=30))
    plan = records["plan"]
    plan_refresh(plan=plan, today=plan.election_on + timedelta(days=days_after_election))
    step = _step(plan)
    assert (MISSING in step.red_reason) == red, step.red_reason
    if red:
        assert step.is_red
        # the legal basis follows the rule, as for every red reason
        assert step.red_reason.startswith(MISSING)


def test_a_posted_audit_clears_the_missing_posting_rule(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    records = _records(district, community, admin_user, election_on=today() + timedelta(days=30))
    plan = records["plan"]
    posting_add(
        engagement=records["engagement"],
        data={"posted_on": today(), "place": "居务公开栏"},
        photo=None,
        by=street_official,
    )
    plan_refresh(plan=plan, today=plan.election_on + timedelta(days=1))
    assert MISSING not in _step(plan).red_reason


def test_a_second_audit_still_unposted_keeps_the_rule(
    district: Any, community: Any, admin_user: Any, street_official: Any
) -> None:
    records = _records(district, community, admin_user, election_on=today() + timedelta(days=30))
    plan = records["plan"]
    posting_add(
        engagement=records["engagement"],
        data={"posted_on": today(), "place": "居务公开栏"},
        photo=None,
        by=street_official,
    )
    Engagement.objects.create(
        plan=plan,
        firm=records["engagement"].firm,
        kind=Engagement.Kind.FINANCE,
        engaged_on=today(),
    )
    plan_refresh(plan=plan, today=plan.election_on)
    assert MISSING in _step(plan).red_reason


def test_a_plan_without_audits_is_not_flagged(
    district: Any, community: Any, admin_user: Any
) -> None:
    findings_campaign(district, election_on=today() + timedelta(days=30), by=admin_user)
    plan = CommunityPlan.objects.get(community=community)
    plan_refresh(plan=plan, today=plan.election_on + timedelta(days=1))
    assert MISSING not in _step(plan).red_reason


def test_the_posting_page_shows_the_red_reason(
    district: Any, community: Any, admin_user: Any, leader: Any, as_user: Any
) -> None:
    records = _records(district, community, admin_user, election_on=today() + timedelta(days=30))
    plan = records["plan"]
    plan_refresh(plan=plan, today=plan.election_on)
    page = (
        as_user(leader)
        .get(reverse("audits:engagement-posting", args=[records["engagement"].pk]))
        .content.decode()
    )
    assert MISSING in page
    assert "登记公开情况" not in page  # a leader reads, no form


def test_a_posting_dated_in_the_future_is_refused_in_chinese(
    district: Any, community: Any, admin_user: Any, street_official: Any, as_user: Any
) -> None:
    records = _records(district, community, admin_user, election_on=today() + timedelta(days=30))
    response = as_user(street_official).post(
        reverse("audits:engagement-posting", args=[records["engagement"].pk]),
        {"posted_on": (today() + timedelta(days=1)).isoformat(), "place": "居务公开栏"},
    )
    assert response.status_code == 200
    assert not Posting.objects.exists()
    assert "不能晚于今天" in response.content.decode()
