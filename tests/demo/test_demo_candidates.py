"""`seed_demo`'s candidates: nominees at every state in most communities of the demo district, for
both committees, with the joint reviews of the campaign's negative list (the police's feedback
partly missing and overdue), kept to the register's rules; the communities that voted have their
results and elected members (a 另行选举, a secretary who is also the director, cross-appointments);
every committee has its previous term. A second run writes nothing."""

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from communities.models import Committee, Community
from election.models import (
    Campaign,
    Candidate,
    CandidateVote,
    CommitteeMember,
    CriterionAnswer,
    ElectionResult,
    NegativeCriterion,
    UnitReview,
)

pytestmark = pytest.mark.django_db

Status = Candidate.Status


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _history_counts() -> dict[str, int]:
    models: list[Any] = [Candidate, UnitReview, CriterionAnswer, ElectionResult, CommitteeMember]
    history = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    return {m.__name__: m._default_manager.count() for m in [*models, *history]}


def test_seed_demo_gives_candidates_at_every_state_within_the_rules() -> None:
    output = _seed()
    campaign = Campaign.objects.get(district__code="demo")
    today = timezone.localdate()
    candidates = Candidate.objects.filter(plan__campaign=campaign)

    assert "Candidates" in output or "候选人" in output
    # every state, for both committees
    states = set(candidates.values_list("status", flat=True))
    assert states == set(Status.values)
    assert set(candidates.values_list("body", flat=True)) >= {"party", "residents"}
    # a good share of the communities
    communities = Community.objects.filter(street__district=campaign.district).count()
    assert candidates.values("plan").distinct().count() >= 0.6 * communities
    # plausible people: ages, education, women, names in Chinese
    ages = [c.age_on(today) for c in candidates[:300]]
    assert min(ages) >= 18 and max(ages) <= 70
    assert candidates.filter(gender="f").exists()
    assert candidates.values("education").distinct().count() >= 3
    assert all("\u4e00" <= c.name[0] <= "\u9fff" for c in candidates[:50])

    # the gate: a formal candidate has every unit's answer and no 不能 hit
    cannot = Q(reviews__answers__hit=True, reviews__answers__criterion__tier="cannot")
    formal = candidates.filter(status__in=[Status.FORMAL, Status.ELECTED, Status.NOT_ELECTED])
    assert not formal.filter(reviews__answered_on__isnull=True).exists()
    assert not formal.filter(cannot).exists()
    assert not formal.filter(reviews__isnull=True).exists()
    # a 不宜 hit is decided by the office with a reason
    unsuitable = candidates.filter(
        reviews__answers__hit=True, reviews__answers__criterion__tier="unsuitable"
    ).distinct()
    assert unsuitable.exists()
    assert not unsuitable.filter(decision="").exists()
    assert not unsuitable.filter(decided_by__isnull=True).exists()
    # a disqualified candidate has a 不能 hit or the office's decision
    disqualified = candidates.filter(status=Status.DISQUALIFIED)
    assert disqualified.filter(cannot).exists()
    assert not disqualified.exclude(cannot).filter(decision="").exists()
    # a nominee was not sent to review
    assert not candidates.filter(status=Status.NOMINEE, reviews__isnull=False).exists()
    # a hit has its note
    assert not CriterionAnswer.objects.filter(hit=True, note="").exists()
    # each review answers every criterion of its unit
    criteria = dict(
        NegativeCriterion.objects.filter(negative_list=campaign.negative_list)
        .values("unit_code")
        .annotate(n=Count("pk"))
        .values_list("unit_code", "n")
    )
    for review in (
        UnitReview.objects.filter(candidate__plan__campaign=campaign, answered_on__isnull=False)
        .select_related("unit")
        .annotate(n=Count("answers"))[:200]
    ):
        assert review.n == criteria[review.unit.code]

    # the police's queue: feedback awaited and overdue
    police = UnitReview.objects.filter(unit__code="police", answered_on__isnull=True)
    assert police.filter(due_on__lt=today).exists()
    assert police.filter(due_on__gte=today).exists()


def test_seed_demo_records_results_members_and_the_previous_term() -> None:
    _seed()
    campaign = Campaign.objects.get(district__code="demo")
    results = ElectionResult.objects.filter(plan__campaign=campaign)

    # a few communities voted; every round is valid, a residents' election needed a runoff
    assert 3 <= results.values("plan").distinct().count() <= 10
    assert not results.filter(is_valid=False).exists()
    assert results.filter(round=ElectionResult.Round.RUNOFF).count() == 1
    for r in results:
        assert r.ballots_returned <= r.ballots_issued <= r.registered_voters
        assert r.valid_ballots + r.invalid_ballots == r.ballots_returned
        assert 2 * r.ballots_returned > r.registered_voters
        winners = CandidateVote.objects.filter(result=r, elected=True)
        assert winners.count() == r.seats_filled
        for vote in winners:
            if r.round == ElectionResult.Round.FIRST:
                assert 2 * vote.votes > r.ballots_returned
            else:
                assert 3 * vote.votes >= r.ballots_returned
    # the elected became members with posts; the old term of those committees is closed
    elected = CommitteeMember.objects.filter(elected_in=campaign)
    assert (
        elected.count()
        == Candidate.objects.filter(plan__campaign=campaign, status=Status.ELECTED).count()
    )
    assert elected.filter(post="secretary").exists() and elected.filter(post="director").exists()
    committees = set(elected.values_list("committee", flat=True))
    closed = CommitteeMember.objects.filter(ended_in=campaign)
    assert set(closed.values_list("committee", flat=True)) == committees
    # one person as both secretary and director, and cross-appointments
    secretaries = set(
        elected.filter(post="secretary").values_list("committee__community", "name", "birth_date")
    )
    directors = set(
        elected.filter(post="director").values_list("committee__community", "name", "birth_date")
    )
    assert secretaries & directors
    party = set(
        elected.filter(committee__kind="party").values_list(
            "committee__community", "name", "birth_date"
        )
    )
    residents = set(
        elected.filter(committee__kind="residents").values_list(
            "committee__community", "name", "birth_date"
        )
    )
    assert len(party & residents) > len(secretaries & directors)
    # every committee of the district has its previous term
    district_committees = Committee.objects.filter(community__street__district=campaign.district)
    with_previous = (
        CommitteeMember.objects.filter(elected_in__isnull=True)
        .values("committee")
        .distinct()
        .count()
    )
    assert with_previous == district_committees.count()


def test_a_second_seed_writes_no_candidate_row() -> None:
    first = _seed()
    before = _history_counts()

    second = _seed()

    assert _history_counts() == before
    # the same line each run
    line = [x for x in first.splitlines() if x.startswith(("候选人", "Candidates"))]
    assert line and line[0] in second
