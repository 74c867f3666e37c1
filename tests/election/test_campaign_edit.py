"""The office edits a campaign's name, period and rule set; the rules must govern its election
day."""

# the expected message is the exact Chinese text users see, full-width punctuation included
# ruff: noqa: RUF001

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from election.models import Campaign, CommunityPlan, PlanStep, RuleSet
from election.services.campaigns import CampaignError, campaign_update
from election.services.periods import RuleSetPeriodError
from election.services.plans import plans_stale
from tests.election.conftest import PARTY_E, START, E


def _national(code: str) -> RuleSet:
    return RuleSet.objects.get(code=code, version=1)


def _form(campaign: Campaign, **changes: Any) -> dict[str, Any]:
    data = {
        "rule_set": campaign.rule_set_id,
        "name": campaign.name,
        "starts_on": campaign.starts_on.isoformat(),
        "party_election_on": campaign.party_election_on.isoformat(),
        "election_on": campaign.election_on.isoformat(),
        "reason": "",
    }
    data.update({k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items()})
    return data


@pytest.fixture
def draft(district: Any) -> Campaign:
    return Campaign.objects.create(
        district=district,
        rule_set=_national("national-2026"),
        name="2026 re-election",
        starts_on=START,
        election_on=E,
        party_election_on=PARTY_E,
    )


def _url(campaign: Campaign) -> str:
    return reverse("election:campaign-edit", args=[campaign.pk])


def test_the_office_renames_and_moves_a_campaign_and_the_history_says_who(
    draft: Campaign, office: Any, as_user: Any
) -> None:
    client = as_user(office)
    assert client.get(_url(draft)).status_code == 200
    response = client.post(
        _url(draft),
        _form(draft, name="2026 换届", election_on=E + timedelta(days=7), reason="county date"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.election_on) == ("2026 换届", E + timedelta(days=7))
    last = draft.history.first()
    assert (last.history_user, last.history_change_reason) == (office, "county date")


def test_an_election_day_outside_the_rules_period_is_refused_in_chinese(
    draft: Campaign, office: Any, as_user: Any
) -> None:
    # national-2026 governs elections from 2026-01-01
    response = as_user(office).post(
        _url(draft),
        _form(
            draft,
            starts_on=date(2025, 10, 1),
            party_election_on=date(2025, 11, 30),
            election_on=date(2025, 12, 31),
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "自2026-01-01起施行，选举日2025-12-31早于施行日期。请选择该日施行的规则。" in page
    draft.refresh_from_db()
    assert draft.election_on == E
    assert draft.history.count() == 1


def test_the_last_day_of_the_rules_period_passes_and_the_next_day_is_refused(
    draft: Campaign, office: Any
) -> None:
    old = _national("national-2018")
    assert old.effective_to == date(2025, 12, 31)
    data = {
        "rule_set": old,
        "starts_on": date(2025, 10, 1),
        "party_election_on": date(2025, 11, 30),
    }
    with pytest.raises(RuleSetPeriodError):
        campaign_update(campaign=draft, data={**data, "election_on": date(2026, 1, 1)}, by=office)
    campaign_update(campaign=draft, data={**data, "election_on": date(2025, 12, 31)}, by=office)
    draft.refresh_from_db()
    assert (draft.rule_set, draft.election_on) == (old, date(2025, 12, 31))


def test_a_second_save_of_the_same_data_records_nothing(draft: Campaign, office: Any) -> None:
    campaign_update(campaign=draft, data={"name": "Renamed"}, by=office)
    campaign_update(campaign=draft, data={"name": " Renamed "}, by=office)
    assert draft.history.count() == 2


def test_dates_out_of_order_and_an_empty_name_are_refused(draft: Campaign, office: Any) -> None:
    with pytest.raises(CampaignError):
        campaign_update(campaign=draft, data={"party_election_on": E}, by=office)
    with pytest.raises(CampaignError):
        campaign_update(campaign=draft, data={"name": "  "}, by=office)


def test_a_running_campaign_keeps_its_rules(
    running_campaign: Campaign, office: Any, as_user: Any
) -> None:
    with pytest.raises(CampaignError):
        campaign_update(
            campaign=running_campaign, data={"rule_set": _national("national-2026")}, by=office
        )
    # the form shows the rules but does not let them change
    response = as_user(office).post(
        _url(running_campaign),
        _form(running_campaign, rule_set=_national("national-2026").pk, name="Renamed"),
    )
    assert response.status_code == 302
    running_campaign.refresh_from_db()
    assert running_campaign.name == "Renamed"
    assert running_campaign.rule_set.code == "test"


def test_moving_a_running_campaigns_start_recomputes_the_steps_due_from_it(
    running_campaign: Campaign, office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    plan = CommunityPlan.objects.filter(campaign=running_campaign).first()
    assert plan is not None
    forums = PlanStep.objects.get(plan=plan, template__code="forums")
    assert forums.due_on == START + timedelta(days=14)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(
            campaign=running_campaign, data={"starts_on": START + timedelta(days=3)}, by=office
        )
    forums.refresh_from_db()
    assert forums.due_on == START + timedelta(days=17)
    assert not plans_stale().exists()


def test_a_closed_campaign_cannot_be_edited(draft: Campaign, office: Any) -> None:
    draft.status = Campaign.Status.CLOSED
    draft.save(update_fields=["status"])
    with pytest.raises(CampaignError):
        campaign_update(campaign=draft, data={"name": "Late"}, by=office)


def test_only_the_office_of_the_district_may_edit(
    draft: Campaign, street_official: Any, outsider: Any, as_user: Any
) -> None:
    for user in (street_official, outsider):
        client = as_user(user)
        assert client.get(_url(draft)).status_code == 404
        assert client.post(_url(draft), _form(draft, name="Hijacked")).status_code == 404
    draft.refresh_from_db()
    assert draft.name == "2026 re-election"


def test_the_edit_page_accepts_only_get_and_post(
    draft: Campaign, office: Any, as_user: Any
) -> None:
    assert as_user(office).put(_url(draft)).status_code == 405


def test_the_campaign_page_links_to_its_edit(draft: Campaign, office: Any, as_user: Any) -> None:
    page = as_user(office).get(reverse("election:campaign-detail", args=[draft.pk]))
    assert _url(draft) in page.content.decode()
