"""Step entry: the editor in place (htmx) or as a page, conflicts, closed stages."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.exceptions import ConflictError
from election.models import Campaign, CommunityPlan, PlanStep
from election.services.plans import PlanError, stage_close, step_update

TODAY = date(2026, 11, 20)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def step_of(community: Any, code: str) -> PlanStep:
    return PlanStep.objects.select_related("stage", "plan", "template").get(
        plan__community=community, template__code=code
    )


def edit_url(step: PlanStep) -> str:
    return reverse("election:step-edit", args=[step.pk])


def form_data(step: PlanStep, **changes: Any) -> dict[str, Any]:
    data = {
        "version": step.version,
        "status": step.status,
        "done_on": step.done_on or "",
        "responsible": step.responsible,
        "notes": step.notes,
    }
    data.update(changes)
    return data


def test_the_editor_opens_in_place_with_phone_friendly_inputs(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    response = as_user(street_official).get(edit_url(step), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    # a partial: no page around it
    assert "<html" not in body
    assert f'id="step-{step.pk}"' in body
    assert 'type="date"' in body
    assert 'class="btn-check"' in body
    assert f'name="version" value="{step.version}"' in body


def test_without_htmx_the_editor_is_a_page(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    response = as_user(street_official).get(edit_url(step_of(community, "forums")))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_saving_with_htmx_returns_the_updated_row(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    response = as_user(street_official).post(
        edit_url(step),
        form_data(step, status="done", done_on="2026-11-14", responsible="Wang", notes="3 forums"),
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<form" not in body
    assert "Wang" in body
    step.refresh_from_db()
    assert (step.status, step.done_on, step.responsible) == ("done", date(2026, 11, 14), "Wang")
    assert step.version == 2
    latest = step.history.first()
    assert (latest.history_user, latest.history_change_reason) == (street_official, "step updated")
    step.plan.refresh_from_db()
    assert step.plan.steps_done == 1


def test_saving_without_htmx_redirects_to_the_step_on_its_plan(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    response = as_user(street_official).post(edit_url(step), form_data(step, status="in_progress"))
    assert response.status_code == 302
    assert response["Location"] == f"{step.plan.get_absolute_url()}#step-{step.pk}"


def test_a_done_step_without_a_date_is_done_today(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    step = step_of(community, "forums")
    step = step_update(step=step, version=step.version, data={"status": "done"}, by=street_official)
    assert step.done_on == TODAY


def test_a_stale_save_shows_the_current_values_and_overwrites_nothing(
    running_campaign: Campaign, community: Any, street_official: User, office: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    loaded = form_data(step)
    step_update(step=step, version=step.version, data={"responsible": "Li"}, by=office)
    response = as_user(street_official).post(
        edit_url(step), {**loaded, "responsible": "Zhang"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["error"]
    assert 'value="Li"' in body
    assert 'name="version" value="2"' in body
    step.refresh_from_db()
    assert (step.responsible, step.version) == ("Li", 2)


def test_the_service_refuses_a_stale_version(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    step = step_of(community, "forums")
    step_update(step=step, version=1, data={"notes": "first"}, by=street_official)
    with pytest.raises(ConflictError):
        step_update(step=step, version=1, data={"notes": "second"}, by=street_official)


def test_a_step_of_a_closed_stage_cannot_be_saved(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    step = step_update(step=step, version=step.version, data={"status": "done"}, by=street_official)
    stage_close(stage=step.stage, by=street_official)
    response = as_user(street_official).post(
        edit_url(step), form_data(step, status="in_progress"), **HTMX
    )
    # the message names the closed stage
    assert "Survey" in response.context["error"]
    step.refresh_from_db()
    assert step.status == "done"


def test_a_step_cannot_be_done_on_a_day_still_to_come(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    tomorrow = TODAY + timedelta(days=1)
    response = as_user(street_official).post(
        edit_url(step), form_data(step, status="done", done_on=tomorrow.isoformat()), **HTMX
    )
    assert response.context["error"]
    with pytest.raises(PlanError):
        step_update(
            step=step,
            version=step.version,
            data={"status": "done", "done_on": tomorrow},
            by=street_official,
        )
    step.refresh_from_db()
    assert step.status == "not_started"


def test_saving_the_same_values_again_changes_nothing(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    step = step_of(community, "forums")
    step = step_update(step=step, version=1, data={"notes": "x"}, by=street_official)
    again = step_update(step=step, version=step.version, data={"notes": "x"}, by=street_official)
    assert again.version == step.version == 2
    assert step.history.count() == 2  # created, then the one real change


def test_cancel_returns_the_row(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    step = step_of(community, "forums")
    response = as_user(street_official).get(edit_url(step) + "?show=row", **HTMX)
    assert "<form" not in response.content.decode()


@pytest.mark.parametrize("role", ["outsider", "leader"])
def test_only_editors_of_the_community_may_edit(
    role: str, request: Any, running_campaign: Campaign, community: Any, as_user: Any
) -> None:
    client = as_user(request.getfixturevalue(role))
    step = step_of(community, "forums")
    assert client.get(edit_url(step)).status_code == 404
    assert client.post(edit_url(step), form_data(step, notes="x")).status_code == 404
    step.refresh_from_db()
    assert step.notes == ""


def test_the_ruling_is_due_three_days_after_the_objection_once_it_is_done(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    objection = step_of(community, "objection")
    step_update(
        step=objection,
        version=objection.version,
        data={"status": "done", "done_on": date(2026, 11, 10)},
        by=street_official,
    )
    assert step_of(community, "ruling").due_on == date(2026, 11, 13)
    plan = CommunityPlan.objects.get(community=community)
    assert plan.steps_done == 1
