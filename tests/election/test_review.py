"""The joint review: sending nominees to the member units, each unit's answers, the outcomes of a
hit, the gate to formal candidacy and the committee's vetting step that follows the decisions."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import MemberUnit, User
from core.exceptions import ConflictError
from election.models import (
    Campaign,
    Candidate,
    CommunityPlan,
    CriterionAnswer,
    NegativeCriterion,
    PlanStep,
    UnitReview,
)
from election.services.candidates import CandidateError, candidate_create, candidate_withdraw
from election.services.evidence import EvidenceError
from election.services.plans import PlanError, step_update
from election.services.review import (
    candidate_decide,
    candidate_make_formal,
    candidates_send_to_review,
    formal_blockers,
    review_answer,
)
from tests.election.matrix_candidates import JPEG, units, vetting_campaign
from tests.factories import UserFactory

Status = Candidate.Status


@pytest.fixture
def vetting(district: Any, community: Any, other_community: Any, admin_user: User) -> Campaign:
    units()
    return vetting_campaign(district, admin_user)


@pytest.fixture
def plan(vetting: Campaign, community: Any) -> CommunityPlan:
    return CommunityPlan.objects.get(campaign=vetting, community=community)


@pytest.fixture
def police_user(db: None) -> User:
    police, _ = units()
    return UserFactory(username="police-a", role=User.Role.MEMBER_UNIT, member_unit=police)


@pytest.fixture
def discipline_user(db: None) -> User:
    _, discipline = units()
    return UserFactory(username="jw-a", role=User.Role.MEMBER_UNIT, member_unit=discipline)


def nominee(plan: CommunityPlan, by: User, name: str = "张三", **extra: Any) -> Candidate:
    fields: dict[str, Any] = {
        "name": name,
        "gender": "f",
        "birth_date": timezone.localdate().replace(year=1982),
        "education": 4,
        "body": "residents",
        "id_number": "11010119820101123X",
    }
    fields.update(extra)
    return candidate_create(plan=plan, by=by, **fields)


def criteria(unit_code: str) -> list[NegativeCriterion]:
    return list(
        NegativeCriterion.objects.filter(
            negative_list__code="vetting-test", unit_code=unit_code
        ).order_by("order")
    )


def all_clear(review: UnitReview) -> dict[int, tuple[bool, str, Any]]:
    return {c.pk: (False, "", None) for c in criteria(review.unit.code)}


def answer(review: UnitReview, by: User, **hits: str) -> UnitReview:
    """Answer the review: every criterion clear except `c<order>="note"` hits."""
    review.refresh_from_db()
    answers = all_clear(review)
    for c in criteria(review.unit.code):
        note = hits.get(f"c{c.order}")
        if note:
            answers[c.pk] = (True, note, None)
    return review_answer(review=review, by=by, version=review.version, answers=answers)


def reviews_of(candidate: Candidate) -> dict[str, UnitReview]:
    return {r.unit.code: r for r in candidate.reviews.select_related("unit")}


def fresh(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_related("plan__campaign").get(pk=candidate.pk)


def vetting_step(plan: CommunityPlan, code: str = "vetting-joint") -> PlanStep:
    return PlanStep.objects.select_related("template").get(plan=plan, template__code=code)


# --- sending to review ----------------------------------------------------------------------------


def test_send_creates_one_review_per_unit_due_in_the_rule_sets_days(
    plan: CommunityPlan, office: User
) -> None:
    a = nominee(plan, office, "甲")
    b = nominee(plan, office, "乙")
    created = candidates_send_to_review(plan=plan, body="residents", by=office)
    assert created == 4  # two nominees times the two units the list names
    today = timezone.localdate()
    for c in (a, b):
        c = fresh(c)
        assert c.status == Status.UNDER_REVIEW
        assert c.review_sent_on == today
        assert set(reviews_of(c)) == {"police", "discipline-unit"}
        assert {r.due_on for r in c.reviews.all()} == {today + timedelta(days=5)}
    # nothing left to send: said in Chinese
    with pytest.raises(CandidateError, match="没有"):
        candidates_send_to_review(plan=plan, body="residents", by=office)
    assert fresh(a).history.first().history_change_reason == "已送联审"


def test_send_refused_without_a_negative_list(plan: CommunityPlan, office: User) -> None:
    nominee(plan, office)
    Campaign.objects.filter(pk=plan.campaign_id).update(negative_list=None)
    plan.campaign.refresh_from_db()
    with pytest.raises(CandidateError, match="负面清单"):
        candidates_send_to_review(plan=plan, body="residents", by=office)
    assert not UnitReview.objects.exists()


def test_send_names_a_unit_code_nobody_has(plan: CommunityPlan, office: User) -> None:
    nominee(plan, office)
    MemberUnit.objects.filter(code="discipline-unit").delete()
    with pytest.raises(CandidateError, match="discipline-unit"):
        candidates_send_to_review(plan=plan, body="residents", by=office)
    assert fresh(Candidate.objects.get()).status == Status.NOMINEE


# --- answers and outcomes -------------------------------------------------------------------------


@pytest.fixture
def sent(plan: CommunityPlan, office: User) -> Candidate:
    c = nominee(plan, office)
    candidates_send_to_review(plan=plan, body="residents", by=office)
    return fresh(c)


def test_answers_are_all_or_nothing(sent: Candidate, police_user: User) -> None:
    review = reviews_of(sent)["police"]
    first, second = criteria("police")
    # a criterion missing: nothing saved
    with pytest.raises(CandidateError, match="每一项"):
        review_answer(
            review=review, by=police_user, version=1, answers={first.pk: (False, "", None)}
        )
    # a hit without a note: nothing saved
    with pytest.raises(CandidateError, match="说明"):
        review_answer(
            review=review,
            by=police_user,
            version=1,
            answers={first.pk: (False, "", None), second.pk: (True, " ", None)},
        )
    # a bad file: nothing saved
    bad = SimpleUploadedFile("a.jpg", b"not a picture at all")
    with pytest.raises(EvidenceError):
        review_answer(
            review=review,
            by=police_user,
            version=1,
            answers={first.pk: (False, "", bad), second.pk: (False, "", None)},
        )
    assert not CriterionAnswer.objects.exists()
    review.refresh_from_db()
    assert review.answered_on is None
    # a stale version
    with pytest.raises(ConflictError):
        review_answer(review=review, by=police_user, version=7, answers=all_clear(review))


def test_answered_review_is_read_only(sent: Candidate, police_user: User) -> None:
    review = answer(reviews_of(sent)["police"], police_user)
    assert review.answered_on == timezone.localdate()
    with pytest.raises(CandidateError, match="不能再修改"):
        review_answer(
            review=review, by=police_user, version=review.version, answers=all_clear(review)
        )


def test_a_cannot_hit_disqualifies_at_once_naming_the_criterion(
    sent: Candidate, police_user: User
) -> None:
    answer(reviews_of(sent)["police"], police_user, c1="2019年因盗窃罪被判处有期徒刑")
    c = fresh(sent)
    assert c.status == Status.DISQUALIFIED
    assert "受过刑事处罚的" in c.decision_reason
    assert "公安局" in c.decision_reason
    row = c.history.first()
    assert row.history_user == police_user
    assert "受过刑事处罚的" in row.history_change_reason


def test_an_unsuitable_hit_waits_for_the_office(
    sent: Candidate, police_user: User, discipline_user: User, office: User
) -> None:
    answer(reviews_of(sent)["police"], police_user, c2="2022年行政拘留10日")
    answer(reviews_of(sent)["discipline-unit"], discipline_user)
    c = fresh(sent)
    assert c.status == Status.UNDER_REVIEW
    assert any("不宜" in b for b in formal_blockers(c))
    with pytest.raises(CandidateError, match="理由"):
        candidate_decide(candidate=c, by=office, version=c.version, decision="qualified", reason="")
    candidate_decide(
        candidate=c, by=office, version=c.version, decision="qualified", reason="情节轻微 已改正"
    )
    c = fresh(sent)
    assert c.decision == "qualified"
    assert c.decided_by == office
    assert formal_blockers(c) == []
    candidate_make_formal(candidate=c, by=office, version=c.version)
    assert fresh(sent).status == Status.FORMAL


def test_the_office_may_rule_a_candidate_out(
    sent: Candidate, police_user: User, office: User
) -> None:
    answer(reviews_of(sent)["police"], police_user, c2="行政拘留")
    c = fresh(sent)
    candidate_decide(
        candidate=c, by=office, version=c.version, decision="disqualified", reason="影响恶劣"
    )
    c = fresh(sent)
    assert c.status == Status.DISQUALIFIED
    assert "影响恶劣" in c.history.first().history_change_reason


def test_nothing_to_decide_without_an_unsuitable_hit(sent: Candidate, office: User) -> None:
    with pytest.raises(CandidateError, match="不宜"):
        candidate_decide(
            candidate=sent, by=office, version=sent.version, decision="qualified", reason="可以"
        )


def test_answer_with_evidence_is_stored_under_a_random_name(
    sent: Candidate, police_user: User
) -> None:
    review = reviews_of(sent)["police"]
    first, second = criteria("police")
    photo = SimpleUploadedFile("记录.jpg", JPEG, content_type="image/jpeg")
    review_answer(
        review=review,
        by=police_user,
        version=review.version,
        answers={first.pk: (False, "", photo), second.pk: (False, "", None)},
    )
    stored = CriterionAnswer.objects.get(criterion=first)
    assert stored.evidence_name == "记录.jpg"
    assert "记录" not in stored.evidence.name


# --- the gate -------------------------------------------------------------------------------------


def test_gate_refuses_while_feedback_is_missing(
    sent: Candidate, police_user: User, office: User
) -> None:
    with pytest.raises(CandidateError, match="公安局"):
        candidate_make_formal(candidate=sent, by=office, version=sent.version)
    answer(reviews_of(sent)["police"], police_user)
    c = fresh(sent)
    with pytest.raises(CandidateError, match="纪委监委") as refused:
        candidate_make_formal(candidate=c, by=office, version=c.version)
    assert "公安局" not in str(refused.value)
    assert fresh(sent).status == Status.UNDER_REVIEW


def test_gate_refuses_a_cannot_hit_that_holds(
    sent: Candidate, police_user: User, office: User
) -> None:
    answer(reviews_of(sent)["police"], police_user, c1="判刑")
    c = fresh(sent)
    assert any("不能" in b for b in formal_blockers(c))
    with pytest.raises(CandidateError):
        candidate_make_formal(candidate=c, by=office, version=c.version)
    assert fresh(sent).status == Status.DISQUALIFIED


def test_gate_refuses_an_undecided_unsuitable_hit(
    sent: Candidate, police_user: User, discipline_user: User, office: User
) -> None:
    answer(reviews_of(sent)["police"], police_user)
    answer(reviews_of(sent)["discipline-unit"], discipline_user, c3="党内警告处分影响期内")
    c = fresh(sent)
    with pytest.raises(CandidateError, match="不宜"):
        candidate_make_formal(candidate=c, by=office, version=c.version)
    assert fresh(sent).status == Status.UNDER_REVIEW


def test_gate_refuses_a_party_nominee_without_the_streets_approval(
    plan: CommunityPlan, office: User, police_user: User, discipline_user: User
) -> None:
    from election.services.candidates import candidate_street_approve

    c = nominee(plan, office, "党员甲", body="party", party_member=True, post_sought="secretary")
    candidates_send_to_review(plan=plan, body="party", by=office)
    c = fresh(c)
    answer(reviews_of(c)["police"], police_user)
    answer(reviews_of(c)["discipline-unit"], discipline_user)
    c = fresh(c)
    with pytest.raises(CandidateError, match="党工委"):
        candidate_make_formal(candidate=c, by=office, version=c.version)
    candidate_street_approve(
        candidate=c, by=office, version=c.version, approved_on=timezone.localdate()
    )
    c = fresh(c)
    candidate_make_formal(candidate=c, by=office, version=c.version)
    assert fresh(c).status == Status.FORMAL


def test_gate_passes_when_every_unit_is_clear(
    sent: Candidate, police_user: User, discipline_user: User, office: User
) -> None:
    answer(reviews_of(sent)["police"], police_user)
    answer(reviews_of(sent)["discipline-unit"], discipline_user)
    c = fresh(sent)
    candidate_make_formal(candidate=c, by=office, version=c.version)
    c = fresh(sent)
    assert c.status == Status.FORMAL
    assert c.history.first().history_user == office


def test_gate_refuses_a_nominee_never_sent(plan: CommunityPlan, office: User) -> None:
    c = nominee(plan, office)
    with pytest.raises(CandidateError):
        candidate_make_formal(candidate=c, by=office, version=c.version)


# --- the vetting step -----------------------------------------------------------------------------


def test_vetting_step_cannot_be_done_by_hand_while_a_nominee_is_undecided(
    sent: Candidate, plan: CommunityPlan, office: User
) -> None:
    step = vetting_step(plan)
    with pytest.raises(PlanError, match="1"):
        step_update(
            step=step, version=step.version, data={"status": PlanStep.Status.DONE}, by=office
        )
    assert vetting_step(plan).status != PlanStep.Status.DONE


def test_vetting_step_is_done_once_every_nominee_is_decided(
    plan: CommunityPlan, office: User, police_user: User, discipline_user: User
) -> None:
    a = nominee(plan, office, "甲")
    b = nominee(plan, office, "乙")
    candidates_send_to_review(plan=plan, body="residents", by=office)
    answer(reviews_of(a)["police"], police_user, c1="判刑")  # a is out
    assert vetting_step(plan).status != PlanStep.Status.DONE
    answer(reviews_of(b)["police"], police_user)
    answer(reviews_of(b)["discipline-unit"], discipline_user)
    assert vetting_step(plan).status != PlanStep.Status.DONE  # b awaits the gate
    b = fresh(b)
    candidate_make_formal(candidate=b, by=office, version=b.version)
    step = vetting_step(plan)
    assert step.status == PlanStep.Status.DONE
    assert step.done_on == timezone.localdate()
    assert step.history.first().history_user == office
    # the Party's step is not touched by the committee's nominees
    assert vetting_step(plan, "party-joint-review").status != PlanStep.Status.DONE
    # a late nominee reopens it
    nominee(plan, office, "丙")
    assert vetting_step(plan).status == PlanStep.Status.IN_PROGRESS


def test_withdrawal_counts_as_decided(plan: CommunityPlan, office: User) -> None:
    c = nominee(plan, office)
    with pytest.raises(CandidateError, match="原因"):
        candidate_withdraw(candidate=c, by=office, version=c.version, reason=" ")
    candidate_withdraw(candidate=c, by=office, version=c.version, reason="本人申请退出")
    assert fresh(c).status == Status.WITHDRAWN
    assert "本人申请退出" in fresh(c).history.first().history_change_reason
    assert vetting_step(plan).status == PlanStep.Status.DONE


# --- the member unit's pages ----------------------------------------------------------------------


@pytest.fixture
def other_sent(vetting: Campaign, other_community: Any, office: User) -> Candidate:
    other_plan = CommunityPlan.objects.get(campaign=vetting, community=other_community)
    c = nominee(other_plan, office, "外街人")
    candidates_send_to_review(plan=other_plan, body="residents", by=office)
    return fresh(c)


def test_queue_lists_only_the_units_own_reviews_pending_first_overdue_marked(
    sent: Candidate, other_sent: Candidate, police_user: User, discipline_user: User
) -> None:
    # the discipline unit has answered its review of `sent`; the police unit's is overdue
    answer(reviews_of(sent)["discipline-unit"], discipline_user)
    UnitReview.objects.filter(candidate=sent, unit__code="police").update(
        due_on=timezone.localdate() - timedelta(days=3)
    )
    client = Client()
    client.force_login(police_user)
    page = client.get(reverse("election:review-queue")).content.decode()
    assert "张三" in page and "外街人" in page
    assert "逾期 3 天" in page
    client.force_login(discipline_user)
    page = client.get(reverse("election:review-queue")).content.decode()
    # pending first: the other street's nominee comes before the answered one
    assert page.index("外街人") < page.index("张三")
    assert "逾期" not in page


def test_a_unit_reaches_only_its_own_reviews_and_candidates(
    sent: Candidate, police_user: User, discipline_user: User
) -> None:
    police_review = reviews_of(sent)["police"]
    discipline_review = reviews_of(sent)["discipline-unit"]
    answer(discipline_review, discipline_user, c3="警告处分")
    client = Client()
    client.force_login(police_user)
    assert (
        client.get(reverse("election:review-answer", args=[discipline_review.pk])).status_code
        == 404
    )
    answer_page = client.get(reverse("election:review-answer", args=[police_review.pk]))
    assert answer_page.status_code == 200
    text = answer_page.content.decode()
    # only the unit's own criteria
    assert "受过刑事处罚的" in text and "党纪处分" not in text
    # the candidate's page shows only the unit's own answers
    detail = client.get(reverse("election:candidate-detail", args=[sent.pk])).content.decode()
    assert "警告处分" not in detail and "纪委监委" not in detail
    # a candidate not in the unit's queue does not exist for it
    lone = UnitReview.objects.filter(candidate=sent, unit__code="police")
    lone.delete()
    assert client.get(reverse("election:candidate-detail", args=[sent.pk])).status_code == 404


def test_answer_page_post_saves_and_shows_chinese_errors(
    sent: Candidate, police_user: User
) -> None:
    review = reviews_of(sent)["police"]
    first, second = criteria("police")
    client = Client()
    client.force_login(police_user)
    url = reverse("election:review-answer", args=[review.pk])
    bad = client.post(url, {"version": review.version, f"hit_{first.pk}": "1"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "请" in text  # the missing answer and the missing note, in Chinese
    review.refresh_from_db()
    assert review.answered_on is None
    ok = client.post(
        url,
        {
            "version": review.version,
            f"hit_{first.pk}": "0",
            f"hit_{second.pk}": "1",
            f"note_{second.pk}": "2023年行政拘留5日",
            f"file_{second.pk}": SimpleUploadedFile("x.jpg", JPEG, content_type="image/jpeg"),
        },
    )
    assert ok.status_code == 302
    stored = CriterionAnswer.objects.get(criterion=second)
    assert stored.hit and stored.note == "2023年行政拘留5日"
    # the evidence: the unit and the street downloads it, another unit does not
    evidence = reverse("election:review-evidence", args=[stored.pk])
    response = client.get(evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    _, discipline = units()
    other_unit = UserFactory(username="jw-b", role=User.Role.MEMBER_UNIT, member_unit=discipline)
    client.force_login(other_unit)
    assert client.get(evidence).status_code == 404


# --- reopening ------------------------------------------------------------------------------------


def test_reopening_a_cannot_hit_lifts_the_disqualification_and_the_unit_answers_again(
    sent: Candidate, police_user: User, office: User
) -> None:
    from election.services.review import review_reopen

    review = answer(reviews_of(sent)["police"], police_user, c1="误报")
    assert fresh(sent).status == Status.DISQUALIFIED
    with pytest.raises(CandidateError, match="原因"):
        review_reopen(review=review, by=office, version=review.version, reason="")
    review_reopen(review=review, by=office, version=review.version, reason="系同名人员 误报")
    review.refresh_from_db()
    assert review.answered_on is None and not review.answers.exists()
    c = fresh(sent)
    assert c.status == Status.UNDER_REVIEW and c.decision == ""
    assert "系同名人员" in c.history.first().history_change_reason
    # the deleted answers stay in the history
    assert CriterionAnswer.history.filter(history_type="-").count() == 2
    answer(review, police_user)
    assert fresh(sent).status == Status.UNDER_REVIEW


def test_reopening_keeps_the_offices_own_disqualification(
    sent: Candidate, police_user: User, office: User
) -> None:
    from election.services.review import review_reopen

    review = answer(reviews_of(sent)["police"], police_user, c2="行政拘留")
    c = fresh(sent)
    candidate_decide(candidate=c, by=office, version=c.version, decision="disqualified", reason="x")
    review.refresh_from_db()
    review_reopen(review=review, by=office, version=review.version, reason="补充材料")
    assert fresh(sent).status == Status.DISQUALIFIED


def test_reopen_page_is_the_offices(
    sent: Candidate, police_user: User, office: User, street_official: User
) -> None:
    review = answer(reviews_of(sent)["police"], police_user)
    url = reverse("election:review-reopen", args=[review.pk])
    data = {"version": review.version, "reason": "补充"}
    client = Client()
    client.force_login(street_official)
    assert client.post(url, data).status_code == 404
    client.force_login(police_user)
    assert client.post(url, data).status_code == 404
    review.refresh_from_db()
    assert review.answered_on is not None
    client.force_login(office)
    page = client.get(reverse("election:candidate-detail", args=[sent.pk])).content.decode()
    assert "退回重新反馈" in page
    assert client.post(url, data).status_code == 302
    review.refresh_from_db()
    assert review.answered_on is None
