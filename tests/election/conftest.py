"""Fixtures for the election app: a small rule set with real time limits, and campaigns.

`small_rules` has four stages: survey (due from the campaign's start), voter registration (the
list posted at least 20 days before E, checked on the public notice; objections ruled within 3
days of the objection step), the vote (on E) and the handover (within 10 days after E).
"""

from datetime import date
from typing import Any

import pytest

from election.models import Applies, Campaign, RuleSet, SeatRule, StageTemplate, StepTemplate
from election.services.plans import campaign_start

E = date(2026, 12, 20)
PARTY_E = date(2026, 12, 6)
START = date(2026, 11, 1)


@pytest.fixture
def small_rules(db: None) -> RuleSet:
    rules = RuleSet.objects.create(code="test", version=1, name="Test rules")
    survey = StageTemplate.objects.create(rule_set=rules, order=1, code="survey", title="Survey")
    voters = StageTemplate.objects.create(rule_set=rules, order=2, code="voters", title="Voters")
    vote = StageTemplate.objects.create(rule_set=rules, order=3, code="vote", title="Vote")
    handover = StageTemplate.objects.create(
        rule_set=rules, order=4, code="handover", title="Handover"
    )
    StepTemplate.objects.create(
        stage=survey, order=1, code="forums", title="Forums", anchor="start", offset_days=14
    )
    StepTemplate.objects.create(
        stage=survey,
        order=2,
        code="village-audit",
        title="Village audit",
        applies_to=Applies.VILLAGE,
        anchor="election",
        offset_days=-30,
    )
    StepTemplate.objects.create(
        stage=voters,
        order=1,
        code="voter-list",
        title="Voter list posted",
        anchor="election",
        offset_days=-20,
        check_kind="min_lead",
        check_days=20,
        checked_date="notice",
        requires_notice=True,
        rule_text="Voter list posted at least 20 days before E",
    )
    objection = StepTemplate.objects.create(
        stage=voters,
        order=2,
        code="objection",
        title="Objection received",
        anchor="election",
        offset_days=-15,
    )
    StepTemplate.objects.create(
        stage=voters,
        order=3,
        code="ruling",
        title="Ruling on the objection",
        anchor="step",
        anchor_step=objection,
        offset_days=3,
        check_kind="max_lag",
        check_days=3,
        rule_text="Ruling within 3 days of the objection",
    )
    StepTemplate.objects.create(
        stage=vote, order=1, code="vote", title="Vote", anchor="election", offset_days=0
    )
    StepTemplate.objects.create(
        stage=handover,
        order=1,
        code="handover",
        title="Handover",
        anchor="election",
        offset_days=10,
        check_kind="max_lag",
        check_days=10,
        rule_text="Handover within 10 days of the election",
    )
    SeatRule.objects.create(
        rule_set=rules, body="villagers", min_seats=3, max_seats=7, requires_woman=True
    )
    SeatRule.objects.create(rule_set=rules, body="residents", min_seats=5, max_seats=9)
    SeatRule.objects.create(rule_set=rules, body="party", min_seats=3, max_seats=9)
    return rules


@pytest.fixture
def campaign(district: Any, small_rules: RuleSet) -> Campaign:
    return Campaign.objects.create(
        district=district,
        rule_set=small_rules,
        name="2026 re-election",
        starts_on=START,
        election_on=E,
        party_election_on=PARTY_E,
    )


@pytest.fixture
def running_campaign(
    campaign: Campaign, community: Any, other_community: Any, admin_user: Any
) -> Campaign:
    campaign_start(campaign=campaign, by=admin_user)
    campaign.refresh_from_db()
    return campaign
