"""A change of election day that breaks a time limit says so before it is saved: the plan page's
days and the postponement list the steps that turn red or fall overdue, and save only when the
same days are submitted again with the confirmation."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from election.models import Campaign, CommunityPlan, PlanStep, Postponement
from election.services.changes import (
    ChangeNeedsConfirmation,
    plan_dates_change,
    plan_postpone_change,
)
from election.services.notices import notice_add
from election.services.plans import step_update
from tests.election.conftest import PARTY_E, E

TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def plan_of(community: Any) -> CommunityPlan:
    return CommunityPlan.objects.select_related("campaign", "community").get(community=community)


def step_of(plan: CommunityPlan, code: str) -> PlanStep:
    return PlanStep.objects.select_related("stage", "template").get(plan=plan, template__code=code)


def post_voter_list(plan: CommunityPlan, on: date, by: User) -> None:
    notice_add(
        step=step_of(plan, "voter-list"),
        data={"title": "Voter list", "place": "Notice board", "posted_on": on},
        photo=None,
        by=by,
    )


def steps_state(plan: CommunityPlan) -> list[tuple[int, date | None, bool, int]]:
    return list(
        PlanStep.objects.filter(plan=plan)
        .order_by("pk")
        .values_list("pk", "due_on", "is_red", "version")
    )


def dates_url(plan: CommunityPlan) -> str:
    return reverse("election:plan-dates", args=[plan.pk])


# --- the service ----------------------------------------------------------------------------------


def test_an_earlier_election_day_that_makes_the_voter_list_red_is_not_saved_unconfirmed(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    plan = plan_of(community)
    # posted 22 days before E: in time, until E moves 6 days earlier
    post_voter_list(plan, E - timedelta(days=22), street_official)
    plan.refresh_from_db()
    before, history_rows = steps_state(plan), plan.history.count()

    with pytest.raises(ChangeNeedsConfirmation) as raised:
        plan_dates_change(
            plan=plan,
            version=plan.version,
            election_on=E - timedelta(days=6),
            party_election_on=PARTY_E,
            by=street_official,
        )

    [impact] = raised.value.steps
    assert (impact.title, impact.stage_title) == ("Voter list posted", "Voters")
    assert impact.is_red
    # the engine's own words: the rule and by how many days it is missed
    assert impact.red_reason.startswith("Voter list posted at least 20 days before E")
    assert "16" in impact.red_reason
    assert impact.due_before == E - timedelta(days=20)
    assert impact.due_after == E - timedelta(days=26)
    # nothing saved: the plan, its steps and their history are as they were
    plan.refresh_from_db()
    assert plan.election_on == E
    assert plan.history.count() == history_rows
    assert steps_state(plan) == before


def test_confirmed_the_same_change_is_saved_and_the_step_is_red(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    plan = plan_of(community)
    post_voter_list(plan, E - timedelta(days=22), street_official)
    plan.refresh_from_db()

    saved, impact = plan_dates_change(
        plan=plan,
        version=plan.version,
        election_on=E - timedelta(days=6),
        party_election_on=PARTY_E,
        by=street_official,
        reason="hall booked earlier",
        confirmed=True,
    )

    assert [s.title for s in impact] == ["Voter list posted"]
    assert saved.election_on == E - timedelta(days=6)
    step = step_of(plan, "voter-list")
    assert step.is_red
    latest = plan.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        street_official,
        "hall booked earlier",
    )


def test_an_open_step_whose_new_due_date_is_past_is_listed_overdue(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    plan = plan_of(community)
    with pytest.raises(ChangeNeedsConfirmation) as raised:
        plan_dates_change(
            plan=plan,
            version=plan.version,
            election_on=TODAY - timedelta(days=2),
            party_election_on=PARTY_E,
            by=street_official,
        )
    by_title = {s.title: s for s in raised.value.steps}
    # the vote is due on the new election day, two days ago; the forums were overdue already
    assert by_title["Vote"].overdue_days == 2
    assert not by_title["Vote"].is_red
    assert "Forums" not in by_title


def test_a_change_that_breaks_nothing_is_saved_at_once(
    running_campaign: Campaign, community: Any, street_official: User
) -> None:
    plan = plan_of(community)
    saved, impact = plan_dates_change(
        plan=plan,
        version=plan.version,
        election_on=E + timedelta(days=3),
        party_election_on=PARTY_E,
        by=street_official,
    )
    assert impact == []
    assert saved.election_on == E + timedelta(days=3)


# --- the plan page's days -------------------------------------------------------------------------


def test_the_plan_page_lists_what_breaks_and_saves_only_on_confirmation(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    post_voter_list(plan, E - timedelta(days=22), street_official)
    plan.refresh_from_db()
    client = as_user(street_official)
    earlier = E - timedelta(days=6)
    data = {
        "version": plan.version,
        "election_on": earlier.isoformat(),
        "party_election_on": PARTY_E.isoformat(),
        "reason": "hall booked earlier",
    }

    response = client.post(dates_url(plan), data)

    assert response.status_code == 200
    body = response.content.decode()
    voter_list = step_of(plan, "voter-list")
    assert [s.step_id for s in response.context["impact"]] == [voter_list.pk]
    assert 'id="change-impact"' in body
    assert "Voter list posted" in body
    assert "仍然保存" in body  # "Save anyway"
    # the days form stays open with what the user typed, and the confirmation filled in
    assert '<details id="plan-dates" open>' in body
    assert f'value="{earlier.isoformat()}"' in body
    confirm = response.context["dates_form"]["confirm"].value()
    assert f'name="confirm" value="{confirm}"' in body
    plan.refresh_from_db()
    assert plan.election_on == E

    response = client.post(dates_url(plan), {**data, "confirm": confirm})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.election_on == earlier
    assert step_of(plan, "voter-list").is_red


def test_a_confirmation_of_other_days_does_not_confirm_these(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    client = as_user(street_official)
    data = {
        "version": plan.version,
        "election_on": (TODAY - timedelta(days=2)).isoformat(),
        "party_election_on": PARTY_E.isoformat(),
    }
    confirm = client.post(dates_url(plan), data).context["dates_form"]["confirm"].value()
    # the user changes the day after the warning: the new day is checked again
    data["election_on"] = (TODAY - timedelta(days=1)).isoformat()
    response = client.post(dates_url(plan), {**data, "confirm": confirm})
    assert response.status_code == 200
    assert response.context["impact"]
    plan.refresh_from_db()
    assert plan.election_on == E


def test_the_outsider_cannot_move_the_days_even_confirmed(
    running_campaign: Campaign, community: Any, outsider: User, as_user: Any
) -> None:
    plan = plan_of(community)
    data = {
        "version": plan.version,
        "election_on": (TODAY - timedelta(days=2)).isoformat(),
        "party_election_on": PARTY_E.isoformat(),
        "confirm": f"{(TODAY - timedelta(days=2)).isoformat()}|{PARTY_E.isoformat()}|",
    }
    assert as_user(outsider).post(dates_url(plan), data).status_code == 404
    plan.refresh_from_db()
    assert plan.election_on == E


# --- postponement ---------------------------------------------------------------------------------


@pytest.fixture
def after_the_vote(monkeypatch: pytest.MonkeyPatch) -> date:
    day = E + timedelta(days=8)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def postpone_data(plan: CommunityPlan, new_on: date, approved_on: date) -> dict[str, Any]:
    return {
        "version": plan.version,
        "new_on": new_on.isoformat(),
        "approved_by_body": "区委组织部",
        "approved_on": approved_on.isoformat(),
        "reason": "拆迁",
    }


def test_a_postponement_after_the_handover_warns_that_it_turns_red(
    running_campaign: Campaign,
    community: Any,
    street_official: User,
    office: User,
    as_user: Any,
    after_the_vote: date,
) -> None:
    plan = plan_of(community)
    handover = step_of(plan, "handover")
    step_update(
        step=handover,
        version=handover.version,
        data={"status": "done", "done_on": E + timedelta(days=4)},
        by=street_official,
    )
    assert not step_of(plan, "handover").is_red
    plan.refresh_from_db()
    url = reverse("election:plan-postpone", args=[plan.pk])
    client = as_user(office)
    new_on = E + timedelta(days=21)
    data = postpone_data(plan, new_on, after_the_vote - timedelta(days=1))

    response = client.post(url, data)

    assert response.status_code == 200
    [impact] = response.context["impact"]
    assert impact.step_id == handover.pk
    assert impact.is_red
    # a handover before the new election day: the rule is named
    assert "Handover within 10 days of the election" in impact.red_reason
    body = response.content.decode()
    assert "Handover within 10 days of the election" in body
    assert "仍然保存" in body
    assert not Postponement.objects.exists()
    plan.refresh_from_db()
    assert plan.election_on == E

    confirm = response.context["form"]["confirm"].value()
    # the page carries the confirmation: submitting it again as shown saves
    assert f'name="confirm" value="{confirm}"' in body
    response = client.post(url, {**data, "confirm": confirm})

    assert response.status_code == 302
    postponement = Postponement.objects.get()
    assert (postponement.new_on, postponement.created_by) == (new_on, office)
    assert step_of(plan, "handover").is_red


def test_a_postponement_that_breaks_nothing_needs_no_confirmation(
    running_campaign: Campaign, community: Any, office: User
) -> None:
    plan = plan_of(community)
    postponement, impact = plan_postpone_change(
        plan=plan,
        version=plan.version,
        approved_by_body="区委组织部",
        approved_on=TODAY,
        reason="拆迁",
        new_on=E + timedelta(days=30),
        by=office,
    )
    assert impact == []
    assert postponement.new_on == E + timedelta(days=30)
    assert postponement.history.first().history_user == office


def test_the_street_cannot_postpone_even_confirmed(
    running_campaign: Campaign, community: Any, street_official: User, as_user: Any
) -> None:
    plan = plan_of(community)
    new_on = E + timedelta(days=30)
    data = {**postpone_data(plan, new_on, TODAY), "confirm": new_on.isoformat()}
    url = reverse("election:plan-postpone", args=[plan.pk])
    assert as_user(street_official).post(url, data).status_code == 404
    assert not Postponement.objects.exists()


# --- a runoff recorded with the vote --------------------------------------------------------------


def test_a_runoff_after_the_handover_warns_before_it_is_recorded(
    running_campaign: Campaign,
    community: Any,
    street_official: User,
    as_user: Any,
    after_the_vote: date,
) -> None:
    plan = plan_of(community)
    handover = step_of(plan, "handover")
    # the law counts the handover from the day the new committee is formed
    handover.template.anchor = "committee_formed"
    handover.template.save(update_fields=["anchor"])
    step_update(
        step=handover,
        version=handover.version,
        data={"status": "done", "done_on": E + timedelta(days=4)},
        by=street_official,
    )
    assert not step_of(plan, "handover").is_red
    plan.refresh_from_db()
    url = reverse("election:plan-voting", args=[plan.pk])
    client = as_user(street_official)
    # a runoff after the handover: the new committee is formed later, the handover came first
    data = {"version": plan.version, "runoff_on": (E + timedelta(days=6)).isoformat()}

    response = client.post(url, data)

    assert response.status_code == 200
    assert [s.step_id for s in response.context["impact"]] == [handover.pk]
    assert "仍然保存" in response.content.decode()
    plan.refresh_from_db()
    assert plan.runoff_on is None

    confirm = response.context["form"]["confirm"].value()
    assert client.post(url, {**data, "confirm": confirm}).status_code == 302
    plan.refresh_from_db()
    assert plan.runoff_on == E + timedelta(days=6)
    assert step_of(plan, "handover").is_red
