"""URL-matrix cases of the competition, candidate list, results and committee pages, and the
helpers their tests share: a rule set with the candidate-list steps, formal candidates made
directly (the register's own services make them in the product), a recorded first round.

The matrix's objects are built once per test in `world.extra["results"]` against
`world.community` (inside the street official's scope; the outsider's is `world.other_street`).
"""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from election.models import (
    Candidate,
    CommitteeMember,
    CommunityPlan,
    ElectionResult,
    PlanStage,
    PlanStep,
    PublicNotice,
    RuleSet,
    SeatRule,
    StageTemplate,
    StepTemplate,
)
from election.services.results import result_record
from tests.election import matrix_objects as plans
from tests.url_matrix import FOUND, OK, Case, World, editors_of_community, in_scope_of_community

EDITORS = ("admin_user", "office", "street_official")


def add_candidate_steps(rules: RuleSet, *, order: int = 10) -> None:
    """The Party's approval and notice of its candidates (before the Party's election day) and
    the residents' candidate list posted at least 5 days before election day."""
    party = StageTemplate.objects.create(
        rule_set=rules, order=order, code="party-candidates", title="Party candidates"
    )
    StepTemplate.objects.create(
        stage=party,
        order=1,
        code="party-candidates-approval",
        title="Party candidates approved",
        anchor="party_election",
        offset_days=-12,
    )
    StepTemplate.objects.create(
        stage=party,
        order=2,
        code="party-publicity",
        title="Party candidates posted",
        anchor="party_election",
        offset_days=-10,
        check_kind="min_lead",
        check_days=5,
        checked_date="notice",
        requires_notice=True,
        rule_text="Party candidates posted at least 5 days before the Party's election",
    )
    final = StageTemplate.objects.create(
        rule_set=rules, order=order + 1, code="candidates", title="Candidates"
    )
    StepTemplate.objects.create(
        stage=final,
        order=1,
        code="candidates-final",
        title="Formal candidates posted",
        anchor="election",
        offset_days=-5,
        check_kind="min_lead",
        check_days=5,
        checked_date="notice",
        requires_notice=True,
        rule_text="Formal candidates posted at least 5 days before E",
    )


def make_candidates(
    plan: CommunityPlan,
    body: str,
    count: int,
    *,
    women: int = 0,
    status: str = Candidate.Status.FORMAL,
    prefix: str = "Candidate",
) -> list[Candidate]:
    """`count` candidates of one committee, the first `women` of them women."""
    return [
        Candidate.objects.create(
            plan=plan,
            body=body,
            name=f"{prefix} {body} {i}",
            gender="f" if i < women else "m",
            birth_date=date(1980, 1, 1) + timedelta(days=i),
            education=4,
            id_number=f"11010119800101{i:04d}",
            status=status,
        )
        for i in range(count)
    ]


def record_first_round(plan: CommunityPlan, by: Any, *, seats: int = 2) -> ElectionResult:
    """A valid first round of the residents' committee that elects its first `seats` candidates
    (all of them by a wide margin)."""
    candidates = list(
        Candidate.objects.filter(plan=plan, body="residents", status="formal").order_by("pk")
    )
    votes = {c.pk: (80 if i < seats else 5) for i, c in enumerate(candidates)}
    return result_record(
        plan=plan,
        body="residents",
        round="first",
        by=by,
        held_on=timezone.localdate(),
        registered_voters=120,
        ballots_issued=100,
        ballots_returned=100,
        valid_ballots=98,
        invalid_ballots=2,
        seats_to_fill=seats,
        votes=votes,
    )


# --- the matrix's world ---------------------------------------------------------------------------


def results_world(world: World) -> dict[str, Any]:
    """World.community's plan in the matrix campaign, with the residents' candidate-list step
    (added to the plan directly: the matrix rule set has none) and enough formal candidates."""
    if "results" in world.extra:
        return world.extra["results"]  # type: ignore[no-any-return]
    plan = plans.plan(world)
    rules = plan.campaign.rule_set
    stage_template, _ = StageTemplate.objects.get_or_create(
        rule_set=rules, order=9, code="candidates", defaults={"title": "Candidates"}
    )
    step_template, _ = StepTemplate.objects.get_or_create(
        stage=stage_template,
        code="candidates-final",
        defaults={"order": 1, "title": "Formal candidates posted", "offset_days": -5},
    )
    stage = PlanStage.objects.create(plan=plan, template=stage_template, order=9)
    step = PlanStep.objects.create(plan=plan, stage=stage, template=step_template, order=90)
    seats = plan.seat_plans.get(body="residents").planned_seats
    candidates = make_candidates(plan, "residents", seats + 1, women=1)
    SeatRule.objects.get_or_create(
        rule_set=rules, body="residents", party_type="", defaults={"min_seats": 5, "max_seats": 9}
    )
    world.extra["results"] = {"plan": plan, "step": step, "candidates": candidates}
    return world.extra["results"]  # type: ignore[no-any-return]


def plan_pk(world: World) -> dict[str, Any]:
    return {"pk": results_world(world)["plan"].pk}


def plan_with_result_pk(world: World) -> dict[str, Any]:
    built = results_world(world)
    if "result" not in built:
        built["result"] = record_first_round(built["plan"], world.users["admin_user"])
    return {"pk": built["plan"].pk}


def notice_data(world: World) -> dict[str, Any]:
    return {
        "title": "Formal candidates",
        "place": "Notice board",
        "posted_on": timezone.localdate().isoformat(),
    }


def notice_posted_only_by_editors(world: World, role: str, response: Any) -> None:
    posted = PublicNotice.objects.filter(step=results_world(world)["step"])
    assert posted.exists() == (role in EDITORS)
    if role in EDITORS:
        assert posted.get().history.latest().history_user == world.users[role]


def result_data(world: World) -> dict[str, Any]:
    candidates = results_world(world)["candidates"]
    data = {
        "held_on": timezone.localdate().isoformat(),
        "registered_voters": 100,
        "ballots_issued": 90,
        "ballots_returned": 80,
        "valid_ballots": 78,
        "invalid_ballots": 2,
        "seats_to_fill": 1,
    }
    data.update({f"vote_{c.pk}": 60 if i == 0 else 2 for i, c in enumerate(candidates)})
    return data


def result_recorded_only_by_editors(world: World, role: str, response: Any) -> None:
    results = ElectionResult.objects.filter(plan=results_world(world)["plan"])
    assert results.exists() == (role in EDITORS)
    if role in EDITORS:
        result = results.get()
        assert (result.is_valid, result.seats_filled) == (True, 1)
        assert result.history.latest().history_user == world.users[role]


def committee_data(world: World) -> dict[str, Any]:
    elected = results_world(world)["candidates"][:2]
    return {
        "formed_on": timezone.localdate().isoformat(),
        f"post_{elected[0].pk}": "director",
        f"post_{elected[1].pk}": "member",
    }


def committee_formed_only_by_editors(world: World, role: str, response: Any) -> None:
    plan = results_world(world)["plan"]
    members = CommitteeMember.objects.filter(elected_in=plan.campaign)
    if role in EDITORS:
        assert sorted(members.values_list("post", flat=True)) == ["director", "member"]
    else:
        assert not members.exists()
        # the candidates keep their status
        assert not Candidate.objects.filter(plan=plan, status="elected").exists()


RESULT_ENTRIES = {
    "election:result-list": Case(kwargs=plan_pk, expect=in_scope_of_community(OK)),
    "election:plan-members": Case(kwargs=plan_pk, expect=in_scope_of_community(OK)),
    "election:candidate-list-print": Case(
        kwargs=plan_pk, query="?body=residents", expect=in_scope_of_community(OK)
    ),
    "election:candidate-notice": Case(
        method="post",
        kwargs=plan_pk,
        query="?body=residents",
        data=notice_data,
        expect=editors_of_community(FOUND),
        after=notice_posted_only_by_editors,
    ),
    "election:result-new": Case(
        method="post",
        kwargs=plan_pk,
        query="?body=residents&round=first",
        data=result_data,
        expect=editors_of_community(FOUND),
        after=result_recorded_only_by_editors,
    ),
    "election:committee-form": Case(
        method="post",
        kwargs=plan_with_result_pk,
        query="?body=residents",
        data=committee_data,
        expect=editors_of_community(FOUND),
        after=committee_formed_only_by_editors,
    ),
}

# the GET forms of the write URLs, requested by tests/election/test_results_views.py
RESULT_GET_ENTRIES = {
    "election:candidate-notice": Case(
        kwargs=plan_pk, query="?body=residents", expect=editors_of_community(OK)
    ),
    "election:result-new": Case(
        kwargs=plan_pk, query="?body=residents&round=first", expect=editors_of_community(OK)
    ),
    "election:committee-form": Case(
        kwargs=plan_with_result_pk, query="?body=residents", expect=editors_of_community(OK)
    ),
}
