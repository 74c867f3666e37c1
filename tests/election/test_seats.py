"""Seat sizing (职数): planned seats checked against the rule set, and the district summary."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from communities.models import Community
from core.exceptions import ConflictError
from election.models import Campaign, CommunityPlan, SeatPlan
from election.selectors.campaigns import FAR_ABOVE_MEDIAN_FACTOR
from election.services.plans import campaign_start
from election.services.seats import SeatError, SeatInput, seats_update
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # the services' messages are matched in English; the site's default language is Chinese
    with translation.override("en"):
        yield


def plan_of(campaign: Campaign, community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=campaign, community=community)


def versions(plan: CommunityPlan) -> dict[str, int]:
    plan.refresh_from_db()
    return {"plan": plan.version, **{s.body: s.version for s in plan.seat_plans.all()}}


def save(plan: CommunityPlan, by: Any, **kwargs: Any) -> CommunityPlan:
    values: dict[str, Any] = {
        "seats": {"party": SeatInput(5, 1), "residents": SeatInput(7, 2)},
        "one_shoulder": True,
        "cross_appointments": 2,
        **kwargs,
    }
    return seats_update(plan=plan, versions=versions(plan), by=by, **values)


# --- service --------------------------------------------------------------------------------------


def test_update_saves_seats_women_one_shoulder_and_cross_appointments(
    running_campaign: Campaign, community: Any, street_official: Any
) -> None:
    plan = plan_of(running_campaign, community)

    save(plan, street_official, seats={"party": SeatInput(5, 2), "residents": SeatInput(9, 3)})

    seats = {s.body: (s.planned_seats, s.planned_women) for s in plan.seat_plans.all()}
    assert seats == {"party": (5, 2), "residents": (9, 3)}
    plan.refresh_from_db()
    assert (plan.planned_one_shoulder, plan.planned_cross_appointments) == (True, 2)
    residents = plan.seat_plans.get(body="residents")
    assert residents.history.latest().history_change_reason == "seats planned"
    assert residents.history.latest().history_user == street_official


def test_a_second_identical_save_writes_nothing(
    running_campaign: Campaign, community: Any, office: Any
) -> None:
    plan = plan_of(running_campaign, community)
    save(plan, office)
    before = (plan.history.count(), SeatPlan.history.count(), versions(plan))

    save(plan, office)

    assert (plan.history.count(), SeatPlan.history.count(), versions(plan)) == before


def test_residents_committee_outside_its_range_names_the_rule(
    running_campaign: Campaign, community: Any, office: Any
) -> None:
    plan = plan_of(running_campaign, community)
    with pytest.raises(SeatError) as error, translation.override("en"):
        save(plan, office, seats={"party": SeatInput(5, 1), "residents": SeatInput(11, 2)})
    assert error.value.problems == [
        "residents' committee: 11 seats breaks the rule “5 to 9 seats”."
    ]
    assert plan.seat_plans.get(body="residents").planned_seats == 7


def test_villagers_committee_needs_a_woman_and_three_to_seven_seats(
    running_campaign: Campaign, street: Any, office: Any
) -> None:
    village = CommunityFactory(street=street, kind=Community.Kind.VILLAGE_CONVERTED)
    campaign_start(campaign=running_campaign, by=office)
    plan = plan_of(running_campaign, village)
    assert set(plan.seat_plans.values_list("body", flat=True)) == {"party", "villagers"}

    with pytest.raises(SeatError) as error, translation.override("en"):
        save(plan, office, seats={"party": SeatInput(5, 1), "villagers": SeatInput(8, 0)})

    assert len(error.value.problems) == 2
    assert "3 to 7 seats" in error.value.problems[0]
    assert "must include a woman" in error.value.problems[1]
    save(plan, office, seats={"party": SeatInput(5, 0), "villagers": SeatInput(5, 1)})


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"seats": {"party": SeatInput(5, 6), "residents": SeatInput(7, 1)}}, "not possible"),
        ({"cross_appointments": 6}, "smaller committee"),
        ({"cross_appointments": -1}, "negative"),
    ],
)
def test_update_refuses_impossible_plans(
    running_campaign: Campaign, community: Any, office: Any, kwargs: dict[str, Any], words: str
) -> None:
    plan = plan_of(running_campaign, community)
    with pytest.raises(SeatError, match=words), translation.override("en"):
        save(plan, office, **kwargs)


def test_a_stale_seat_form_is_refused(
    running_campaign: Campaign, community: Any, office: Any, street_official: Any
) -> None:
    plan = plan_of(running_campaign, community)
    stale = versions(plan)
    save(plan, office)
    with pytest.raises(ConflictError):
        seats_update(
            plan=plan,
            versions=stale,
            seats={"party": SeatInput(3, 1)},
            one_shoulder=False,
            cross_appointments=0,
            by=street_official,
        )


def test_update_refuses_a_closed_campaign(
    running_campaign: Campaign, community: Any, office: Any
) -> None:
    Campaign.objects.filter(pk=running_campaign.pk).update(status=Campaign.Status.CLOSED)
    with pytest.raises(SeatError, match="closed"), translation.override("en"):
        save(plan_of(running_campaign, community), office)


# --- views ----------------------------------------------------------------------------------------


def test_street_official_plans_the_seats_of_their_community(
    as_user: Any, running_campaign: Campaign, community: Any, street_official: Any
) -> None:
    plan = plan_of(running_campaign, community)
    url = reverse("election:seats-edit", args=[plan.pk])
    data = {f"version_{b}": v for b, v in versions(plan).items() if b != "plan"}
    data.update(
        version=plan.version,
        seats_party=5,
        women_party=1,
        seats_residents=12,
        women_residents=2,
        cross_appointments=1,
    )
    client = as_user(street_official)

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors()

    data["seats_residents"] = 9
    assert client.post(url, {**data, "one_shoulder": "on"}).status_code == 302
    plan.refresh_from_db()
    assert plan.planned_one_shoulder
    assert plan.seat_plans.get(body="residents").planned_seats == 9


def test_outsider_cannot_see_another_street_s_seats(
    as_user: Any, running_campaign: Campaign, community: Any, outsider: Any
) -> None:
    plan = plan_of(running_campaign, community)
    assert as_user(outsider).get(reverse("election:seats-edit", args=[plan.pk])).status_code == 404
    summary = reverse("election:seats-summary", args=[running_campaign.pk])
    assert as_user(outsider).get(summary).status_code == 404


def test_summary_lists_communities_far_above_the_median_first(
    as_user: Any, running_campaign: Campaign, street: Any, office: Any
) -> None:
    # four communities of 8,000 residents on 12 seats, one of 48,000 on 12 seats
    big = CommunityFactory(street=street, name="Big", population=48000)
    for n in range(2):
        CommunityFactory(street=street, name=f"Small {n}")
    campaign_start(campaign=running_campaign, by=office)
    plan = plan_of(running_campaign, big)
    plan.planned_one_shoulder = True
    plan.save(update_fields=["planned_one_shoulder"])

    response = as_user(office).get(reverse("election:seats-summary", args=[running_campaign.pk]))

    rows = list(response.context["page"])
    assert rows[0].community == "Big"
    assert rows[0].is_far_above
    assert rows[0].per_seat == 4000
    assert not any(r.is_far_above for r in rows[1:])
    assert response.context["median"] == pytest.approx(8000 / 12)
    assert response.context["factor"] == FAR_ABOVE_MEDIAN_FACTOR
    assert response.context["one_shoulder"] == 1
