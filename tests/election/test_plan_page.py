"""The plan page opens at the current stage, folds the finished ones (their summary counting what
is done and what is red), links the plan's survey ledger and seat sizing, and runs a constant
number of queries however many files and notices its steps have."""

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from election.models import Campaign, CommunityPlan, PlanStage, PlanStep
from election.services.evidence import evidence_add
from election.services.notices import notice_add
from election.services.plans import step_update
from tests.election.conftest import E

TODAY = date(2026, 12, 10)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 200


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def plan_of(community: Any) -> CommunityPlan:
    return CommunityPlan.objects.select_related("campaign", "community").get(community=community)


def stage_of(plan: CommunityPlan, code: str) -> PlanStage:
    return PlanStage.objects.get(plan=plan, template__code=code)


def finish(plan: CommunityPlan, code: str, by: User) -> None:
    for step in PlanStep.objects.filter(plan=plan, stage__template__code=code):
        step_update(step=step, version=step.version, data={"status": "done"}, by=by)


def stage_html(body: str, stage: PlanStage) -> str:
    start = body.index(f'id="stage-{stage.pk}"')
    return body[start : body.index("</section>", start)]


def is_open(body: str, stage: PlanStage) -> bool:
    fold = re.search(r'<details class="stage-fold"( open)?>', stage_html(body, stage))
    assert fold is not None
    return bool(fold.group(1))


def test_finished_stages_are_folded_and_the_page_opens_at_the_current_one(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    # the survey is done, the voter list was posted too late: the voters' stage is current
    finish(plan, "survey", street_official)
    response = as_user(street_official).get(plan.get_absolute_url())
    body = response.content.decode()
    survey, voters = stage_of(plan, "survey"), stage_of(plan, "voters")
    assert response.context["current_stage"] == voters
    assert not is_open(body, survey)
    assert is_open(body, voters)
    assert is_open(body, stage_of(plan, "handover"))
    assert f'data-open-at="stage-{voters.pk}"' in body
    # the folded stage's summary says how much of it is done
    assert "已完成 1 / 1" in stage_html(body, survey)
    assert "已完成 0 / 3" in stage_html(body, voters)
    assert "当前阶段" in stage_html(body, voters)
    assert "当前阶段" not in stage_html(body, survey)


def test_a_folded_stage_shows_its_red_steps_in_its_summary(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    notice_add(
        step=PlanStep.objects.get(plan=plan, template__code="voter-list"),
        data={"title": "Voter list", "place": "Board", "posted_on": E - timedelta(days=18)},
        photo=None,
        by=street_official,
    )
    finish(plan, "voters", street_official)
    finish(plan, "survey", street_official)
    body = as_user(street_official).get(plan.get_absolute_url()).content.decode()
    voters = stage_of(plan, "voters")
    assert not is_open(body, voters)
    summary = stage_html(body, voters).split("</summary>")[0]
    assert "1 项违反时限" in summary


def test_the_first_stage_current_opens_at_the_top(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    body = as_user(street_official).get(plan.get_absolute_url()).content.decode()
    assert "data-open-at" not in body
    assert all(is_open(body, s) for s in PlanStage.objects.filter(plan=plan))


def test_the_plan_links_its_survey_ledger_and_seat_sizing_for_its_editors(
    running_campaign: Campaign,
    community: Any,
    street_official: User,
    leader: User,
    as_user: Any,
) -> None:
    plan = plan_of(community)
    survey = reverse("election:survey-edit", args=[plan.pk])
    seats = reverse("election:seats-edit", args=[plan.pk])
    body = as_user(street_official).get(plan.get_absolute_url()).content.decode()
    assert f'href="{survey}"' in body
    assert f'href="{seats}"' in body
    assert as_user(street_official).get(survey).status_code == 200
    # a leader reads the plan and cannot edit either
    body = as_user(leader).get(plan.get_absolute_url()).content.decode()
    assert survey not in body
    assert seats not in body


def test_another_streets_plan_page_does_not_exist(
    running_campaign: Campaign, community: Any, outsider: User, as_user: Any
) -> None:
    assert as_user(outsider).get(plan_of(community).get_absolute_url()).status_code == 404


def test_the_plan_page_runs_the_same_queries_with_more_files_and_notices(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    client = as_user(street_official)
    client.get(plan.get_absolute_url())  # the session and the user are loaded once
    with CaptureQueriesContext(connection) as few:
        client.get(plan.get_absolute_url())
    for step in PlanStep.objects.filter(plan=plan):
        for n in range(3):
            evidence_add(
                step=step,
                file=SimpleUploadedFile(f"{n}.jpg", JPEG, "image/jpeg"),
                by=street_official,
            )
        notice_add(
            step=step,
            data={"title": "Notice", "place": "Board", "posted_on": TODAY},
            photo=None,
            by=street_official,
        )
    finish(plan, "survey", street_official)
    with CaptureQueriesContext(connection) as many:
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert len(many) == len(few)
