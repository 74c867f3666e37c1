"""Importing election results from Excel: ballot figures on the first sheet, the candidates'
votes on the second, recorded through the register's own checks (tried in the dry run, rolled
back), all or nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from election.models import (
    Campaign,
    CandidateVote,
    CommunityPlan,
    ElectionImport,
    ElectionResult,
    RuleSet,
    VotingRule,
)
from election.services.plans import campaign_start
from tests.election.matrix_imports import confirm, latest, upload, workbook
from tests.election.matrix_results import make_candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(district: Any, community: Any, other_community: Any, admin_user: Any) -> Campaign:
    rule_set = RuleSet.objects.create(code="imports", version=1, name="Import rules")
    VotingRule.objects.create(rule_set=rule_set, mode="all_voters")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rule_set,
        name="Import campaign",
        starts_on=today - timedelta(days=60),
        election_on=today,
        party_election_on=today - timedelta(days=14),
    )
    campaign_start(campaign=campaign, by=admin_user)
    return campaign


@pytest.fixture
def client(office: Any) -> Client:
    client = Client()
    client.force_login(office)
    return client


def ballots(community: Any, **figures: Any) -> list[Any]:
    values = {
        "held_on": timezone.localdate().isoformat(),
        "registered_voters": 100,
        "ballots_issued": 70,
        "ballots_returned": 60,
        "valid_ballots": 58,
        "invalid_ballots": 2,
        "seats_to_fill": 2,
        **figures,
    }
    return [community.street.name, community.name, "居委会", "首次选举", *values.values()]


def votes(community: Any, candidate: Any, count: int) -> list[Any]:
    return [
        community.street.name,
        community.name,
        "居委会",
        "",
        candidate.name,
        candidate.birth_date.isoformat(),
        count,
    ]


def test_the_office_imports_a_round_with_its_votes(
    campaign: Campaign, client: Client, office: Any, community: Any
) -> None:
    plan = CommunityPlan.objects.get(campaign=campaign, community=community)
    people = make_candidates(plan, "residents", 3)
    content = workbook(
        "results",
        [ballots(community)],
        [
            votes(community, people[0], 50),
            votes(community, people[1], 40),
            votes(community, people[2], 10),
        ],
    )
    page = upload(client, campaign, "results", content).content.decode()
    assert "没有发现问题。确认后将导入 1 行。" in page
    assert not ElectionResult.objects.exists()  # the trial was rolled back
    confirm(client, latest())
    assert latest().status == ElectionImport.Status.APPLIED
    result = ElectionResult.objects.get()
    assert result.plan == plan and result.body == "residents" and result.is_valid
    elected = set(CandidateVote.objects.filter(elected=True).values_list("candidate", flat=True))
    assert elected == {people[0].pk, people[1].pk}
    assert result.history.get().history_user == office


def test_figures_that_do_not_add_up_and_unknown_candidates_are_refused(
    campaign: Campaign, client: Client, community: Any, other_community: Any
) -> None:
    plan = CommunityPlan.objects.get(campaign=campaign, community=community)
    people = make_candidates(plan, "residents", 2)
    stranger = make_candidates(plan, "party", 1)[0]  # a candidate of the other committee
    content = workbook(
        "results",
        [ballots(community, valid_ballots=50)],  # 50 + 2 is not the 60 returned
        [votes(community, people[0], 30), votes(community, stranger, 5)],
    )
    upload(client, campaign, "results", content)
    record = latest()
    assert record.status == ElectionImport.Status.FAILED
    problems = [(p["row"], p["column"]) for p in record.row_errors]
    assert (3, "姓名") in problems  # the stranger, on the second sheet
    stranger_problem = next(p for p in record.row_errors if p["row"] == 3)
    assert "不是候选人名册中该委员会的候选人" in stranger_problem["message"]
    assert stranger_problem["message"].startswith("得票情况 · 第 3 行")  # names its sheet
    # once the votes are right, the register's own check refuses the figures, by row
    content = workbook(
        "results", [ballots(community, valid_ballots=50)], [votes(community, people[0], 30)]
    )
    upload(client, campaign, "results", content)
    record = latest()
    assert record.status == ElectionImport.Status.FAILED
    assert record.row_errors[0]["row"] == 2
    assert record.row_errors[0]["message"].startswith("第 2 行：")  # noqa: RUF001
    assert not ElectionResult.objects.exists()
