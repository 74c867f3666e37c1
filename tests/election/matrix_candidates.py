"""The permission matrix's candidate register and joint-review cases, and the objects they need.

`vetting_world(world)` builds once (kept in `world.extra`): a running campaign of
`world.district` under a rule set with the two vetting steps, vetting against a small negative
list (two criteria of the 公安 unit `police`, the member-unit user's unit, and one of a second unit
`discipline-unit`); in `world.community` a residents' nominee under review with a review of each
unit, a fresh nominee, a Party nominee, and one whose 公安 review is answered with evidence; in
`world.other_community` a nominee reviewed by the second unit only (outside the police user's
queue and outside the street official's scope).
"""

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import MemberUnit
from election.models import (
    Campaign,
    Candidate,
    CommunityPlan,
    CriterionAnswer,
    NegativeCriterion,
    NegativeList,
    RuleSet,
    SeatRule,
    StageTemplate,
    StepTemplate,
    UnitReview,
)
from election.services.candidates import committee_body
from election.services.plans import campaign_start
from tests.url_matrix import (
    FOUND,
    NOT_FOUND,
    OK,
    Case,
    World,
    editors_of_community,
    everyone,
    in_scope_of_community,
    office_only,
)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
Status = Candidate.Status


def vetting_rules(code: str = "vetting-test") -> RuleSet:
    """A rule set with the Party's and the committee's vetting steps (no time checks)."""
    rules, created = RuleSet.objects.get_or_create(
        code=code, version=1, defaults={"name": "Vetting rules", "review_feedback_days": 5}
    )
    if created:
        party = StageTemplate.objects.create(rule_set=rules, order=1, code="party", title="Party")
        StepTemplate.objects.create(
            stage=party,
            order=1,
            code="party-joint-review",
            title="Joint review of the Party nominees",
            anchor="party_election",
            offset_days=-15,
        )
        vetting = StageTemplate.objects.create(
            rule_set=rules, order=2, code="vetting", title="Vetting"
        )
        StepTemplate.objects.create(
            stage=vetting,
            order=1,
            code="vetting-joint",
            title="Joint review of the nominees",
            anchor="election",
            offset_days=-9,
        )
        SeatRule.objects.create(rule_set=rules, body="residents", min_seats=5, max_seats=9)
        SeatRule.objects.create(
            rule_set=rules, body="villagers", min_seats=3, max_seats=7, requires_woman=True
        )
        SeatRule.objects.create(rule_set=rules, body="party", min_seats=3, max_seats=9)
    return rules


def vetting_list(code: str = "vetting-test") -> NegativeList:
    """Two criteria of `police` (cannot, unsuitable) and one of `discipline-unit` (unsuitable)."""
    negative_list, created = NegativeList.objects.get_or_create(
        code=code, version=1, defaults={"name": "Test list"}
    )
    if created:
        for order, tier, unit, text in (
            (1, "cannot", "police", "受过刑事处罚的"),
            (2, "unsuitable", "police", "近5年内受过行政拘留的"),
            (3, "unsuitable", "discipline-unit", "受到党纪处分尚在影响期内的"),
        ):
            NegativeCriterion.objects.create(
                negative_list=negative_list, order=order, tier=tier, unit_code=unit, text=text
            )
    return negative_list


def units() -> tuple[MemberUnit, MemberUnit]:
    police, _ = MemberUnit.objects.get_or_create(code="police", defaults={"name": "公安局"})
    discipline, _ = MemberUnit.objects.get_or_create(
        code="discipline-unit", defaults={"name": "纪委监委"}
    )
    return police, discipline


def vetting_campaign(district: Any, by: Any) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=vetting_rules(),
        negative_list=vetting_list(),
        name="Vetting campaign",
        starts_on=today - timedelta(days=10),
        party_election_on=today + timedelta(days=20),
        election_on=today + timedelta(days=40),
    )
    campaign_start(campaign=campaign, by=by)
    campaign.refresh_from_db()
    return campaign


def make_candidate(plan: CommunityPlan, name: str, **fields: Any) -> Candidate:
    values: dict[str, Any] = {
        "body": committee_body(plan.community),
        "gender": "f",
        "birth_date": timezone.localdate().replace(year=1980),
        "education": 4,
        "id_number": "110101198001011234",
    }
    values.update(fields)
    return Candidate.objects.create(plan=plan, name=name, **values)


def review_of(candidate: Candidate, unit: MemberUnit, *, days_due: int = 5) -> UnitReview:
    today = timezone.localdate()
    return UnitReview.objects.create(
        candidate=candidate, unit=unit, sent_on=today, due_on=today + timedelta(days=days_due)
    )


def vetting_world(world: World) -> dict[str, Any]:
    if "candidates" in world.extra:
        built: dict[str, Any] = world.extra["candidates"]
        return built
    # a district runs one campaign at a time: vet in the one the other cases made, if any
    campaign = Campaign.objects.filter(
        district=world.district, status=Campaign.Status.RUNNING
    ).first()
    if campaign is None:
        campaign = vetting_campaign(world.district, world.users["admin_user"])
    else:
        Campaign.objects.filter(pk=campaign.pk).update(negative_list=vetting_list())
        campaign.refresh_from_db()
    police, discipline = units()
    plan = CommunityPlan.objects.get(campaign=campaign, community=world.community)
    other_plan = CommunityPlan.objects.get(campaign=campaign, community=world.other_community)
    reviewed = make_candidate(plan, "李四", status=Status.UNDER_REVIEW)
    police_review = review_of(reviewed, police)
    review_of(reviewed, discipline)
    nominee = make_candidate(plan, "王五")
    party = make_candidate(plan, "赵六", body="party", status=Status.UNDER_REVIEW)
    answered = make_candidate(plan, "钱七", status=Status.UNDER_REVIEW)
    answered_review = review_of(answered, police)
    answered_review.answered_on = timezone.localdate()
    answered_review.save()
    evidence = CriterionAnswer(
        review=answered_review,
        criterion=NegativeCriterion.objects.get(negative_list=campaign.negative_list, order=1),
        evidence_name="record.jpg",
    )
    evidence.evidence.save("record", ContentFile(JPEG), save=True)
    other = make_candidate(other_plan, "孙八", status=Status.UNDER_REVIEW)
    other_review = review_of(other, discipline)
    world.extra["candidates"] = {
        "campaign": campaign,
        "plan": plan,
        "reviewed": reviewed,
        "police_review": police_review,
        "nominee": nominee,
        "party": party,
        "evidence": evidence,
        "other": other,
        "other_review": other_review,
    }
    return vetting_world(world)


def _pk(key: str) -> Any:
    return lambda w: {"pk": vetting_world(w)[key].pk}


def _status(w: World, key: str) -> str:
    return Candidate.objects.get(pk=vetting_world(w)[key].pk).status


EDITORS = ("admin_user", "office", "street_official")
DASHBOARD_READERS = everyone(
    NOT_FOUND,
    admin_user=OK,
    office=OK,
    discipline=OK,
    supervisor=OK,
    street_official=OK,
    outsider=OK,
)


def _campaign_pk(w: World) -> dict[str, Any]:
    return {"pk": vetting_world(w)["campaign"].pk}


def _plan_pk(w: World) -> dict[str, Any]:
    return {"pk": vetting_world(w)["plan"].pk}


def _added_only_by_editors(w: World, role: str, response: Any) -> None:
    added = Candidate.objects.filter(name="周九").exists()
    assert added == (role in EDITORS), role


def _add_data(w: World) -> dict[str, Any]:
    return {
        "name": "周九",
        "gender": "m",
        "birth_date": "1985-03-04",
        "education": "5",
        "ethnicity": "汉族",
        "body": committee_body(w.community),
        "post_sought": "member",
    }


def _sent_only_by_editors(w: World, role: str, response: Any) -> None:
    sent = _status(w, "nominee") == Status.UNDER_REVIEW
    assert sent == (role in EDITORS), role
    reviews = UnitReview.objects.filter(candidate=vetting_world(w)["nominee"]).count()
    assert reviews == (2 if role in EDITORS else 0), role


def _edited_only_by_editors(w: World, role: str, response: Any) -> None:
    name = Candidate.objects.get(pk=vetting_world(w)["nominee"].pk).name
    assert (name == "王五一") == (role in EDITORS), role


def _edit_data(w: World) -> dict[str, Any]:
    return {**_add_data(w), "name": "王五一", "version": vetting_world(w)["nominee"].version}


def _never_formal(w: World, role: str, response: Any) -> None:
    # the gate holds for everyone: the reviews are unanswered
    assert _status(w, "reviewed") == Status.UNDER_REVIEW, role


def _approved_only_by_editors(w: World, role: str, response: Any) -> None:
    party = Candidate.objects.get(pk=vetting_world(w)["party"].pk)
    assert (party.street_approved_on is not None) == (role in EDITORS), role


def _withdrawn_only_by_editors(w: World, role: str, response: Any) -> None:
    assert (_status(w, "nominee") == Status.WITHDRAWN) == (role in EDITORS), role


def _answered_only_by_the_unit(w: World, role: str, response: Any) -> None:
    review = UnitReview.objects.get(pk=vetting_world(w)["police_review"].pk)
    assert (review.answered_on is not None) == (role == "member_unit_user"), role
    assert review.answers.count() == (2 if role == "member_unit_user" else 0), role


def _answer_data(w: World) -> dict[str, Any]:
    review = vetting_world(w)["police_review"]
    data: dict[str, Any] = {"version": review.version}
    for c in NegativeCriterion.objects.filter(
        negative_list__code="vetting-test", unit_code="police"
    ):
        data[f"hit_{c.pk}"] = "0"
        data[f"note_{c.pk}"] = ""
    return data


def _reopened_only_by_the_office(w: World, role: str, response: Any) -> None:
    review = UnitReview.objects.get(pk=vetting_world(w)["evidence"].review_id)
    reopened = role in ("office", "admin_user")
    assert (review.answered_on is None) == reopened, role
    assert review.answers.exists() != reopened, role


def _outsider_sees_none_of_the_street(w: World, role: str, response: Any) -> None:
    if response.status_code == OK:
        text = response.content.decode()
        assert ("李四" in text) == (role != "outsider"), role
        assert ("孙八" in text) == (role not in ("street_official",)), role


CANDIDATE_ENTRIES = {
    "election:plan-candidates": Case(kwargs=_plan_pk, expect=in_scope_of_community(OK)),
    "election:candidate-add": Case(
        method="post",
        kwargs=_plan_pk,
        data=_add_data,
        expect=editors_of_community(FOUND),
        after=_added_only_by_editors,
    ),
    "election:candidates-review-send": Case(
        method="post",
        kwargs=_plan_pk,
        data=lambda w: {"body": committee_body(w.community)},
        expect=editors_of_community(FOUND),
        after=_sent_only_by_editors,
    ),
    "election:campaign-candidates": Case(
        kwargs=_campaign_pk, expect=DASHBOARD_READERS, after=_outsider_sees_none_of_the_street
    ),
    # a member unit reads the candidates in its own queue
    "election:candidate-detail": Case(
        kwargs=_pk("reviewed"), expect=in_scope_of_community(OK, member_unit_user=OK)
    ),
    "election:candidate-edit": Case(
        method="post",
        kwargs=_pk("nominee"),
        data=_edit_data,
        expect=editors_of_community(FOUND),
        after=_edited_only_by_editors,
    ),
    "election:candidate-formal": Case(
        method="post",
        kwargs=_pk("reviewed"),
        data=lambda w: {"version": vetting_world(w)["reviewed"].version},
        expect=editors_of_community(FOUND),
        after=_never_formal,
    ),
    "election:candidate-approve": Case(
        method="post",
        kwargs=_pk("party"),
        data=lambda w: {
            "version": vetting_world(w)["party"].version,
            "approved_on": timezone.localdate().isoformat(),
        },
        expect=editors_of_community(FOUND),
        after=_approved_only_by_editors,
    ),
    "election:candidate-withdraw": Case(
        method="post",
        kwargs=_pk("nominee"),
        data=lambda w: {"version": vetting_world(w)["nominee"].version, "reason": "本人申请"},
        expect=editors_of_community(FOUND),
        after=_withdrawn_only_by_editors,
    ),
    # the office alone decides on an unsuitable-tier hit
    "election:candidate-decide": Case(kwargs=_pk("reviewed"), expect=office_only(OK)),
    "election:review-queue": Case(expect=everyone(NOT_FOUND, member_unit_user=OK)),
    "election:review-answer": Case(
        method="post",
        kwargs=_pk("police_review"),
        data=_answer_data,
        expect=everyone(NOT_FOUND, member_unit_user=FOUND),
        after=_answered_only_by_the_unit,
    ),
    # the office reopens an answered review; the unit answers again
    "election:review-reopen": Case(
        method="post",
        kwargs=lambda w: {"pk": vetting_world(w)["evidence"].review_id},
        data=lambda w: {"version": vetting_world(w)["evidence"].review.version, "reason": "补充"},
        expect=office_only(FOUND),
        after=_reopened_only_by_the_office,
    ),
    "election:review-evidence": Case(
        kwargs=_pk("evidence"), expect=in_scope_of_community(OK, member_unit_user=OK)
    ),
}
