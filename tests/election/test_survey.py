"""The survey ledger (调查摸底): the service's guards, the edit page and the campaign summary."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from core.exceptions import ConflictError
from election.models import Campaign, CommunityPlan, SurveyLedger
from election.services.survey import SurveyError, survey_update
from tests.factories import CommunityFactory, StreetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # the services' messages are matched in English; the site's default language is Chinese
    with translation.override("en"):
        yield


COUNTS = {
    "forums_held": 3,
    "households_visited": 120,
    "questionnaires_issued": 200,
    "questionnaires_returned": 180,
    "problems_found": 6,
    "problems_resolved": 4,
}


def ledger_of(campaign: Campaign, community: Any) -> SurveyLedger:
    return SurveyLedger.objects.get(plan__campaign=campaign, plan__community=community)


# --- service --------------------------------------------------------------------------------------


def test_update_saves_the_counts_with_history(
    running_campaign: Campaign, community: Any, street_official: Any
) -> None:
    ledger = ledger_of(running_campaign, community)

    saved = survey_update(ledger=ledger, version=ledger.version, data=COUNTS, by=street_official)

    assert {f: getattr(saved, f) for f in COUNTS} == COUNTS
    assert saved.version == ledger.version + 1
    latest = saved.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        street_official,
        "survey updated",
    )


def test_update_that_changes_nothing_writes_nothing(
    running_campaign: Campaign, community: Any, street_official: Any
) -> None:
    ledger = ledger_of(running_campaign, community)
    saved = survey_update(ledger=ledger, version=1, data=COUNTS, by=street_official, reason="x")
    rows = saved.history.count()

    again = survey_update(ledger=saved, version=saved.version, data=COUNTS, by=street_official)

    assert again.version == saved.version
    assert again.history.count() == rows


def test_a_stale_form_is_refused_naming_what_changed(
    running_campaign: Campaign, community: Any, street_official: Any, office: Any
) -> None:
    ledger = ledger_of(running_campaign, community)
    survey_update(ledger=ledger, version=1, data={"forums_held": 5}, by=office)

    with pytest.raises(ConflictError) as error:
        survey_update(ledger=ledger, version=1, data={"forums_held": 2}, by=street_official)

    assert error.value.changed == ["forums_held"]
    ledger.refresh_from_db()
    assert ledger.forums_held == 5


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"questionnaires_issued": 10, "questionnaires_returned": 11}, "returned"),
        ({"problems_found": 2, "problems_resolved": 3}, "resolved"),
        ({"forums_held": -1}, "negative"),
    ],
)
def test_update_refuses_impossible_counts(
    running_campaign: Campaign, community: Any, office: Any, data: dict[str, int], words: str
) -> None:
    ledger = ledger_of(running_campaign, community)
    with pytest.raises(SurveyError, match=words):
        survey_update(ledger=ledger, version=1, data=data, by=office)
    ledger.refresh_from_db()
    assert ledger.version == 1


def test_update_refuses_a_closed_campaign(
    running_campaign: Campaign, community: Any, office: Any
) -> None:
    Campaign.objects.filter(pk=running_campaign.pk).update(status=Campaign.Status.CLOSED)
    ledger = ledger_of(running_campaign, community)
    with pytest.raises(SurveyError, match="closed"):
        survey_update(ledger=ledger, version=1, data=COUNTS, by=office)


# --- views ----------------------------------------------------------------------------------------


def test_street_official_edits_their_community_s_survey(
    as_user: Any, running_campaign: Campaign, community: Any, street_official: Any
) -> None:
    plan = CommunityPlan.objects.get(campaign=running_campaign, community=community)
    url = reverse("election:survey-edit", args=[plan.pk])
    client = as_user(street_official)

    page = client.get(url)
    # the difficult flag lives on the community: the page links to its profile form
    assert reverse("communities:community-edit", args=[community.pk]) in page.content.decode()

    response = client.post(url, {**COUNTS, "version": 1, "reason": "forum minutes in"})

    assert response.status_code == 302
    ledger = ledger_of(running_campaign, community)
    assert ledger.households_visited == 120
    assert ledger.history.latest().history_change_reason == "forum minutes in"
    assert client.get(url).context["history"][0]["reason"] == "forum minutes in"


def test_a_stale_survey_form_is_sent_back_with_the_current_values(
    as_user: Any, running_campaign: Campaign, community: Any, street_official: Any, office: Any
) -> None:
    plan = CommunityPlan.objects.get(campaign=running_campaign, community=community)
    survey_update(ledger=plan.survey, version=1, data={"forums_held": 9}, by=office)
    url = reverse("election:survey-edit", args=[plan.pk])

    response = as_user(street_official).post(url, {**COUNTS, "version": 1}, follow=True)

    assert response.context["form"]["forums_held"].value() == 9
    assert ledger_of(running_campaign, community).forums_held == 9


def test_outsider_and_leader_cannot_edit_the_survey(
    as_user: Any, running_campaign: Campaign, community: Any, outsider: Any, leader: Any
) -> None:
    plan = CommunityPlan.objects.get(campaign=running_campaign, community=community)
    url = reverse("election:survey-edit", args=[plan.pk])
    for user in (outsider, leader):
        assert as_user(user).get(url).status_code == 404
        assert as_user(user).post(url, {**COUNTS, "version": 1}).status_code == 404
    assert ledger_of(running_campaign, community).version == 1


def test_summary_totals_per_street_and_district_and_lists_difficult_communities(
    as_user: Any, running_campaign: Campaign, community: Any, other_community: Any, office: Any
) -> None:
    for c, forums in ((community, 2), (other_community, 5)):
        survey_update(
            ledger=ledger_of(running_campaign, c),
            version=1,
            data={"forums_held": forums},
            by=office,
        )
    other_community.is_difficult = True
    other_community.difficult_reason = "Demolition disputes"
    other_community.save(update_fields=["is_difficult", "difficult_reason"])

    response = as_user(office).get(reverse("election:survey-summary", args=[running_campaign.pk]))

    per_street = {r["street_name"]: r["forums_held"] for r in response.context["per_street"]}
    assert per_street == {"First Street": 2, "Second Street": 5}
    assert response.context["totals"]["forums_held"] == 7
    assert [p.community for p in response.context["difficult"]] == [other_community]
    assert "Demolition disputes" in response.content.decode()


def _grow(campaign: Campaign, district: Any, n: int) -> None:
    from election.services.plans import campaign_start

    street = StreetFactory(district=district)
    for _ in range(n):
        CommunityFactory(street=street, is_difficult=True, difficult_reason="Reason")
    campaign_start(campaign=campaign, by=None)


@pytest.mark.parametrize("url_name", ["election:survey-summary", "election:seats-summary"])
def test_summaries_make_the_same_number_of_queries_at_two_sizes(
    as_user: Any,
    running_campaign: Campaign,
    office: Any,
    django_assert_num_queries: Any,
    url_name: str,
) -> None:
    client = as_user(office)
    url = reverse(url_name, args=[running_campaign.pk])
    client.get(url)  # warm the session

    _grow(running_campaign, running_campaign.district, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(running_campaign, running_campaign.district, 12)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
