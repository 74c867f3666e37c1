"""The results pages as their users meet them: the GET forms by role, the list's outcome and
query count, errors in Chinese on the form, and the members page."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from election.models import Candidate, CommunityPlan, ElectionResult
from election.services.results import committee_form, result_record
from tests.election import matrix_objects as plans
from tests.election.matrix_results import (
    RESULT_GET_ENTRIES,
    make_candidates,
    record_first_round,
    results_world,
)
from tests.url_matrix import ROLES, World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    district: Any,
    street: Any,
    other_street: Any,
    community: Any,
    other_community: Any,
    admin_user: Any,
    office: Any,
    street_official: Any,
    outsider: Any,
    leader: Any,
    member_unit_user: Any,
    discipline: Any,
    supervisor: Any,
) -> World:
    users = {
        "anonymous": None,
        "admin_user": admin_user,
        "office": office,
        "street_official": street_official,
        "outsider": outsider,
        "leader": leader,
        "member_unit_user": member_unit_user,
        "discipline": discipline,
        "supervisor": supervisor,
    }
    return World(district, street, other_street, community, other_community, users)


def client_of(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RESULT_GET_ENTRIES))
def test_the_write_pages_forms_by_role(name: str, role: str, world: World) -> None:
    case = RESULT_GET_ENTRIES[name]
    assert case.kwargs is not None
    url = reverse(name, kwargs=case.kwargs(world)) + str(case.query)

    response = client_of(world.users[role]).get(url)

    assert response.status_code == case.status_for(role), (name, role)


def test_the_outsider_gets_404_on_another_streets_plan_for_every_page(world: World) -> None:
    results_world(world)
    other_plan = CommunityPlan.objects.get(
        campaign=plans.running_campaign(world), community=world.other_community
    )
    outsider_own = client_of(world.users["outsider"])
    official = client_of(world.users["street_official"])

    for name in ("result-list", "plan-members", "result-new", "committee-form"):
        url = reverse(f"election:{name}", args=[other_plan.pk]) + "?body=residents"
        assert official.get(url).status_code == 404, name
        # the outsider reaches its own street's plan
        assert outsider_own.get(url).status_code == 200, name


def test_result_list_shows_the_outcome_and_what_comes_next(world: World) -> None:
    plan = results_world(world)["plan"]
    record_first_round(plan, world.users["office"], seats=2)

    html = (
        client_of(world.users["street_official"])
        .get(reverse("election:result-list", args=[plan.pk]))
        .content.decode()
    )

    assert "一次选举成功" in html
    # every seat filled: no further round, the committee may be formed
    assert "round=runoff" not in html
    assert "组成新一届委员会" in html
    # the competition of each committee is on the page
    assert "正式候选人 8 人" in html


def test_result_list_queries_do_not_grow_with_candidates_and_votes(world: World) -> None:
    plan = results_world(world)["plan"]
    client = client_of(world.users["leader"])
    url = reverse("election:result-list", args=[plan.pk])
    record_first_round(plan, world.users["office"], seats=2)
    # someone registered for the Party committee too, so that both committees' competition is
    # read in both measures (a committee no one stands for is not checked)
    make_candidates(plan, "party", 1, status=Candidate.Status.NOMINEE, prefix="First")
    client.get(url)  # the first request of a session reads more (caches warm up)
    with CaptureQueriesContext(connection) as few:
        client.get(url)

    make_candidates(plan, "party", 9, prefix="More")

    party = list(plan.candidates.filter(body="party", status="formal").values_list("pk", flat=True))
    result_record(
        plan=plan,
        body="party",
        round="first",
        by=world.users["office"],
        held_on=timezone.localdate(),
        registered_voters=50,
        ballots_issued=50,
        ballots_returned=50,
        valid_ballots=50,
        invalid_ballots=0,
        seats_to_fill=5,
        votes={pk: 30 if i < 5 else 10 for i, pk in enumerate(party)},
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


def test_result_form_shows_the_checks_failures_in_chinese_and_saves_nothing(
    world: World,
) -> None:
    built = results_world(world)
    plan, candidates = built["plan"], built["candidates"]
    url = reverse("election:result-new", args=[plan.pk]) + "?body=residents&round=first"

    response = client_of(world.users["street_official"]).post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "registered_voters": 100,
            "ballots_issued": 50,
            "ballots_returned": 60,
            "valid_ballots": 50,
            "invalid_ballots": 2,
            "seats_to_fill": 1,
            f"vote_{candidates[0].pk}": 40,
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "之和应等于收回选票数" in html
    assert "多于发出选票" in html
    assert not ElectionResult.objects.exists()


def test_an_unknown_round_or_body_is_404(world: World) -> None:
    plan = results_world(world)["plan"]
    client = client_of(world.users["office"])
    url = reverse("election:result-new", args=[plan.pk])

    assert client.get(url + "?body=residents&round=fourth").status_code == 404
    assert client.get(url + "?body=villagers&round=first").status_code == 404


def test_members_page_shows_the_new_committee_with_posts(world: World) -> None:
    plan = results_world(world)["plan"]
    record_first_round(plan, world.users["office"], seats=2)
    elected = results_world(world)["candidates"][:2]
    official = client_of(world.users["street_official"])
    form_url = reverse("election:committee-form", args=[plan.pk]) + "?body=residents"
    official.post(
        form_url,
        {
            "formed_on": timezone.localdate().isoformat(),
            f"post_{elected[0].pk}": "director",
            f"post_{elected[1].pk}": "deputy_director",
        },
    )

    html = (
        client_of(world.users["supervisor"])
        .get(reverse("election:plan-members", args=[plan.pk]))
        .content.decode()
    )

    assert elected[0].name in html
    assert "主任" in html
    assert "副主任" in html
    assert elected[0].id_number not in html


def test_admin_reads_results_and_members_with_the_id_number_masked(world: World) -> None:
    plan = results_world(world)["plan"]
    result = record_first_round(plan, world.users["office"], seats=2)
    elected = results_world(world)["candidates"][:2]
    members = committee_form(
        plan=plan,
        body="residents",
        by=world.users["office"],
        posts={elected[0].pk: "director", elected[1].pk: "member"},
        formed_on=timezone.localdate(),
    )
    admin = client_of(world.users["admin_user"])

    results_page = admin.get(reverse("admin:election_electionresult_change", args=[result.pk]))
    member_page = admin.get(reverse("admin:election_committeemember_change", args=[members[0].pk]))

    assert results_page.status_code == 200
    assert elected[0].name in results_page.content.decode()
    html = member_page.content.decode()
    assert member_page.status_code == 200
    assert elected[0].id_number not in html
    assert "*" * 14 + elected[0].id_number[-4:] in html

    candidate_page = admin.get(reverse("admin:election_candidate_change", args=[elected[0].pk]))
    candidate_history = admin.get(reverse("admin:election_candidate_history", args=[elected[0].pk]))
    for page in (candidate_page, candidate_history):
        assert page.status_code == 200
        assert elected[0].name in page.content.decode()
        assert elected[0].id_number not in page.content.decode()
    assert "*" * 14 + elected[0].id_number[-4:] in candidate_page.content.decode()


def test_members_page_queries_do_not_grow_with_members(world: World) -> None:
    plan = results_world(world)["plan"]
    client = client_of(world.users["leader"])
    url = reverse("election:plan-members", args=[plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    record_first_round(plan, world.users["office"], seats=3)
    elected = results_world(world)["candidates"][:3]
    committee_form(
        plan=plan,
        body="residents",
        by=world.users["office"],
        posts={elected[0].pk: "director", elected[1].pk: "member", elected[2].pk: "member"},
        formed_on=timezone.localdate(),
    )
    with CaptureQueriesContext(connection) as full:
        response = client.get(url)

    assert elected[2].name in response.content.decode()
    assert len(full) == len(empty)


def test_runoff_form_offers_only_those_not_elected_and_the_seats_left(world: World) -> None:
    built = results_world(world)
    plan = built["plan"]
    first, second, third = built["candidates"][:3]
    # three seats: one candidate over half, the other two not
    result_record(
        plan=plan,
        body="residents",
        round="first",
        by=world.users["office"],
        held_on=timezone.localdate(),
        registered_voters=100,
        ballots_issued=80,
        ballots_returned=80,
        valid_ballots=80,
        invalid_ballots=0,
        seats_to_fill=3,
        votes={first.pk: 60, second.pk: 30, third.pk: 20},
    )
    url = reverse("election:result-new", args=[plan.pk]) + "?body=residents&round=runoff"

    html = client_of(world.users["office"]).get(url).content.decode()

    assert f'name="vote_{first.pk}"' not in html
    assert f'name="vote_{second.pk}"' in html
    assert 'name="seats_to_fill" value="2"' in html
