"""The joint review (联审): nominees sent to the member units named by the campaign's negative
list, each unit's answers, the office's decision on a 不宜 hit, and the gate to formal candidacy.

A 不能 (cannot) hit disqualifies at once, naming the criterion; a 不宜 (unsuitable) hit waits for
the office's decision with a reason. Nobody becomes a formal candidate while any unit's answer is
missing, a 不能 hit holds, a 不宜 hit is undecided, or (the Party) the street Party working
committee's approval is missing. The committee's vetting step (`VETTING_STEPS`) is marked done by
itself once every nominee of the committee is decided, on the day of the last decision.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import MemberUnit, User
from core.locking import stale
from core.text import text_clean, text_truncate
from core.uploads import upload_name

from ..models import (
    Candidate,
    CommunityPlan,
    CriterionAnswer,
    NegativeCriterion,
    NegativeList,
    PlanStep,
    UnitReview,
)
from .candidates import (
    DECIDED,
    Body,
    CandidateError,
    Status,
    after_change,
    bodies_of,
    candidate_lock,
    candidate_save,
    check_version,
    history_reason,
    plan_lock,
    site_text,
)
from .evidence import stored_file_name, upload_check
from .plans import VETTING_STEPS, step_update

Tier = NegativeCriterion.Tier
NOTE_MAX = 2000

Answers = dict[int, tuple[bool, str, UploadedFile | None]]


# --- the committee's vetting step -------------------------------------------------------------


def _committee_bodies(plan: CommunityPlan, body: str) -> list[str]:
    return [body] if body == Body.PARTY else [b for b in bodies_of(plan) if b != Body.PARTY]


def vetting_step_sync(*, plan: CommunityPlan, body: str, by: User | None) -> PlanStep | None:
    """Mark the committee's vetting step done (on today, the day of the last decision, through
    `step_update`, so with history) once every nominee of the committee is decided, or back
    in progress when an undecided nominee arrives after it was done by this rule. A closed stage
    or a plan without the step is left alone. Call inside the transaction of the change."""
    code = next(c for c, party in VETTING_STEPS.items() if party == (body == Body.PARTY))
    step = (
        PlanStep.objects.filter(plan=plan, template__code=code)
        .select_related("stage", "template")
        .first()
    )
    if step is None or step.stage.is_closed:
        return None
    statuses = list(
        Candidate.objects.filter(plan=plan, body__in=_committee_bodies(plan, body)).values_list(
            "status", flat=True
        )
    )
    if not statuses:
        return None
    decided = all(s in DECIDED for s in statuses)
    is_done = step.status == PlanStep.Status.DONE
    if decided and not is_done:
        return step_update(
            step=step,
            version=step.version,
            data={"status": PlanStep.Status.DONE, "done_on": timezone.localdate()},
            by=by,  # type: ignore[arg-type]
            reason=history_reason(site_text("every nominee of the committee decided")),
        )
    if not decided and is_done:
        return step_update(
            step=step,
            version=step.version,
            data={"status": PlanStep.Status.IN_PROGRESS},
            by=by,  # type: ignore[arg-type]
            reason=history_reason(site_text("a nominee of the committee awaits vetting")),
        )
    return None


# --- sending to review -------------------------------------------------------------------------


def review_units(plan: CommunityPlan) -> list[MemberUnit]:
    """The member units the campaign's negative list names, in order of their code. Raises
    CandidateError without a negative list, or naming a code no member unit has."""
    list_id = plan.campaign.negative_list_id
    # locked so that no criterion is edited while the review starts (the list locks once any
    # review exists, see election.services.negative_lists)
    negative_list = (
        NegativeList.objects.select_for_update().filter(pk=list_id).first() if list_id else None
    )
    if negative_list is None:
        raise CandidateError(
            _("The campaign has no negative list yet; the office picks one before vetting.")
        )
    codes = sorted(
        set(
            NegativeCriterion.objects.filter(negative_list=negative_list)
            .exclude(unit_code="")
            .values_list("unit_code", flat=True)
        )
    )
    units = {u.code: u for u in MemberUnit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in units]
    if missing:
        raise CandidateError(
            _("No member unit has the code %(codes)s named by the negative list.")
            % {"codes": "、".join(missing)}
        )
    if not units:
        raise CandidateError(_("The negative list names no member unit."))
    return [units[c] for c in codes]


@transaction.atomic
def candidates_send_to_review(
    *, plan: CommunityPlan, body: str, by: User, today: date | None = None
) -> int:
    """Send the committee's nominees to the joint review: one unit review per nominee and
    member unit named by the campaign's negative list, due in the rule set's
    `review_feedback_days`. The nominees become "under review". Returns the reviews created.

    Raises CandidateError without a negative list, for a unit code no member unit has, or when
    no nominee waits. Locks the plan and the nominees; history "sent to joint review"."""
    today = today or timezone.localdate()
    plan = plan_lock(plan.pk)
    if body not in bodies_of(plan):
        raise CandidateError(_("Choose the Party committee or the community's elected committee."))
    units = review_units(plan)
    nominees = list(
        Candidate.objects.select_for_update(of=("self",))
        .filter(plan=plan, body=body, status=Status.NOMINEE)
        .order_by("pk")
    )
    if not nominees:
        raise CandidateError(_("No nominee of this committee waits to be sent to review."))
    due_on = today + timedelta(days=plan.campaign.rule_set.review_feedback_days)
    existing = set(
        UnitReview.objects.filter(candidate__in=nominees).values_list("candidate_id", "unit_id")
    )
    reviews = [
        UnitReview(candidate=c, unit=u, sent_on=today, due_on=due_on)
        for c in nominees
        for u in units
        if (c.pk, u.pk) not in existing
    ]
    reason = history_reason(site_text("sent to joint review"))
    bulk_create_with_history(reviews, UnitReview, default_user=by, default_change_reason=reason)
    for c in nominees:
        c.status, c.review_sent_on, c.version = Status.UNDER_REVIEW, today, c.version + 1
    bulk_update_with_history(
        nominees,
        Candidate,
        ["status", "review_sent_on", "version"],
        default_user=by,
        default_change_reason=reason,
    )
    after_change(plan, by=by, bodies=[body])
    return len(reviews)


# --- a unit's answers --------------------------------------------------------------------------


def review_criteria(review: UnitReview) -> list[NegativeCriterion]:
    """The criteria of the campaign's negative list that the review's unit checks, in order."""
    negative_list_id = review.candidate.plan.campaign.negative_list_id
    return list(
        NegativeCriterion.objects.filter(
            negative_list_id=negative_list_id, unit_code=review.unit.code
        ).order_by("order")
    )


def _criterion_label(criterion: NegativeCriterion) -> str:
    return f"{criterion.order}. {text_truncate(criterion.text, 60)}"


@transaction.atomic
def review_answer(*, review: UnitReview, by: User, version: int, answers: Answers) -> UnitReview:
    """A member unit's answers on every criterion it checks: criterion id → (hit, note, file).

    All or nothing: raises CandidateError when a criterion is missing or unknown, a hit has no
    note, or the review was answered already; EvidenceError for a bad file; ConflictError for a
    stale `version`. A 不能 hit disqualifies the candidate at once (the reason names the
    criterion); a new 不宜 hit clears an earlier "may stand" decision, which the office takes
    again. History "feedback given" on the review, the answers and the candidate."""
    plan = plan_lock(review.candidate.plan_id)
    candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=review.candidate_id)
    candidate.plan = plan
    review = (
        UnitReview.objects.select_for_update(of=("self",)).select_related("unit").get(pk=review.pk)
    )
    review.candidate = candidate
    if review.version != version:
        raise stale(UnitReview, form_refilled=True)
    if review.answered_on is not None:
        raise CandidateError(_("This feedback was given already and can no longer be changed."))
    if candidate.status == Status.WITHDRAWN:
        raise CandidateError(_("The candidate has withdrawn; no feedback is needed."))
    criteria = review_criteria(review)
    expected = {c.pk for c in criteria}
    if set(answers) != expected:
        raise CandidateError(_("Answer every criterion: clear, or a hit with a note."))
    cleaned: dict[int, tuple[bool, str, UploadedFile | None, str]] = {}
    for c in criteria:
        hit, note, file = answers[c.pk]
        note = text_clean(note or "")
        if hit and not note:
            raise CandidateError(
                _("A hit needs a note: %(criterion)s") % {"criterion": _criterion_label(c)}
            )
        if len(note) > NOTE_MAX:
            raise CandidateError(_("A note is longer than 2000 characters."))
        content_type = upload_check(file) if file is not None else ""
        cleaned[c.pk] = (bool(hit), note, file, content_type)
    today = timezone.localdate()
    reason = history_reason(site_text("feedback given"))
    for c in criteria:
        hit, note, file, content_type = cleaned[c.pk]
        answer = CriterionAnswer(review=review, criterion=c, hit=hit, note=note)
        if file is not None:
            answer.evidence_name = text_truncate(upload_name(file), 200)
            answer.evidence.save(stored_file_name(content_type), file, save=False)
        answer._history_user = by  # type: ignore[attr-defined]
        answer._change_reason = reason  # type: ignore[attr-defined]
        answer.save()
    review.answered_on, review.answered_by = today, by
    review.version += 1
    review._history_user = by  # type: ignore[attr-defined]
    review._change_reason = reason  # type: ignore[attr-defined]
    review.save(update_fields=["answered_on", "answered_by", "version", "updated_at"])

    cannot = [c for c in criteria if cleaned[c.pk][0] and c.tier == Tier.CANNOT]
    unsuitable = [c for c in criteria if cleaned[c.pk][0] and c.tier == Tier.UNSUITABLE]
    if cannot and candidate.is_active and candidate.status != Status.ELECTED:
        first = cannot[0]
        text = site_text(
            "Cannot be a candidate: %(criterion)s (found by %(unit)s).",
            {"criterion": _criterion_label(first), "unit": review.unit.name},
        )
        candidate.status = Status.DISQUALIFIED
        candidate.decision = Candidate.Decision.DISQUALIFIED
        candidate.decision_reason = text
        candidate.decided_by, candidate.decided_at = by, timezone.now()
        candidate_save(
            candidate,
            by=by,
            reason=text,
            fields=["status", "decision", "decision_reason", "decided_by", "decided_at"],
        )
    elif unsuitable and candidate.decision == Candidate.Decision.QUALIFIED:
        candidate.decision, candidate.decision_reason = "", ""
        candidate.decided_by, candidate.decided_at = None, None
        candidate_save(
            candidate,
            by=by,
            reason=site_text("new unsuitable hit: the office decides again"),
            fields=["decision", "decision_reason", "decided_by", "decided_at"],
        )
    after_change(plan, by=by, bodies=[candidate.body])
    return review


# --- the office's decision and the gate --------------------------------------------------------


def _hits(candidate: Candidate, tier: str) -> list[CriterionAnswer]:
    return list(
        CriterionAnswer.objects.filter(review__candidate=candidate, hit=True, criterion__tier=tier)
        .select_related("criterion", "review__unit")
        .order_by("criterion__order")
    )


@transaction.atomic
def candidate_decide(
    *, candidate: Candidate, by: User, version: int, decision: str, reason: str
) -> Candidate:
    """The office's decision on a candidate with a 不宜 hit: may stand (qualified) or may not
    (disqualified, which takes the candidate out), with a reason.

    Raises CandidateError without a 不宜 hit to decide on, for a 不能 hit (already out), an
    unknown decision, a missing reason or a candidate whose vetting is over; ConflictError for
    a stale `version`. History with the reason."""
    plan, candidate = candidate_lock(candidate)
    check_version(candidate, version)
    if decision not in Candidate.Decision.values:
        raise CandidateError(_("Choose whether the candidate may stand."))
    reason = text_clean(reason or "")
    if not reason:
        raise CandidateError(_("Give the reason for the decision."))
    if candidate.status != Status.UNDER_REVIEW:
        raise CandidateError(
            _("A candidate who is %(status)s cannot be decided on.")
            % {"status": candidate.get_status_display()}
        )
    if _hits(candidate, Tier.CANNOT):
        raise CandidateError(_("A cannot-tier hit holds: the candidate may not stand."))
    if not _hits(candidate, Tier.UNSUITABLE):
        raise CandidateError(_("No member unit found the candidate unsuitable; nothing to decide."))
    candidate.decision, candidate.decision_reason = decision, reason
    candidate.decided_by, candidate.decided_at = by, timezone.now()
    fields = ["decision", "decision_reason", "decided_by", "decided_at"]
    if decision == Candidate.Decision.DISQUALIFIED:
        candidate.status = Status.DISQUALIFIED
        fields.append("status")
    label = Candidate.Decision(decision).label
    candidate_save(
        candidate,
        by=by,
        reason=site_text("%(decision)s: %(reason)s", {"decision": str(label), "reason": reason}),
        fields=fields,
    )
    after_change(plan, by=by, bodies=[candidate.body])
    return candidate


def formal_blockers(candidate: Candidate) -> list[str]:
    """Why the candidate cannot become formal yet (empty: nothing blocks), in the active
    language. Reads the reviews, their answers and the negative list (three queries)."""
    reasons: list[str] = []
    plan = candidate.plan
    reviews = list(UnitReview.objects.filter(candidate=candidate).select_related("unit"))
    if not reviews:
        reasons.append(_("The nominee has not been sent to the joint review."))
    else:
        negative_list_id = plan.campaign.negative_list_id
        codes = set(
            NegativeCriterion.objects.filter(negative_list_id=negative_list_id)
            .exclude(unit_code="")
            .values_list("unit_code", flat=True)
        )
        reviewed = {r.unit.code for r in reviews}
        waiting = sorted(r.unit.name for r in reviews if r.answered_on is None)
        waiting += sorted(codes - reviewed)
        if waiting:
            reasons.append(_("Feedback missing from: %(units)s.") % {"units": "、".join(waiting)})
    hits = list(
        CriterionAnswer.objects.filter(review__candidate=candidate, hit=True)
        .select_related("criterion")
        .order_by("criterion__order")
    )
    cannot = [a for a in hits if a.criterion.tier == Tier.CANNOT]
    unsuitable = [a for a in hits if a.criterion.tier == Tier.UNSUITABLE]
    if cannot:
        reasons.append(
            _("A cannot-tier hit holds: %(criterion)s")
            % {"criterion": _criterion_label(cannot[0].criterion)}
        )
    if unsuitable and candidate.decision != Candidate.Decision.QUALIFIED:
        reasons.append(
            _("An unsuitable-tier hit awaits the office's decision: %(criterion)s")
            % {"criterion": _criterion_label(unsuitable[0].criterion)}
        )
    if candidate.body == Body.PARTY and candidate.street_approved_on is None:
        reasons.append(_("The street party working committee has not approved the nominee yet."))
    return reasons


@transaction.atomic
def candidate_make_formal(*, candidate: Candidate, by: User, version: int) -> Candidate:
    """Make a nominee under review a formal candidate (the gate).

    Raises CandidateError naming every reason that blocks (`formal_blockers`) or for a candidate
    not under review; ConflictError for a stale `version`. History "made a formal candidate"."""
    plan, candidate = candidate_lock(candidate)
    check_version(candidate, version)
    if candidate.status != Status.UNDER_REVIEW:
        raise CandidateError(
            _("Only a nominee under review can become a formal candidate (now: %(status)s).")
            % {"status": candidate.get_status_display()}
        )
    blockers = formal_blockers(candidate)
    if blockers:
        raise CandidateError(" ".join(blockers))
    candidate.status = Status.FORMAL
    candidate_save(candidate, by=by, reason=site_text("made a formal candidate"), fields=["status"])
    after_change(plan, by=by, bodies=[candidate.body])
    return candidate


@transaction.atomic
def review_reopen(*, review: UnitReview, by: User, version: int, reason: str) -> UnitReview:
    """The office reopens a unit's answered review so that the unit answers again (a mistaken
    answer, new facts), with a reason.

    The review's answers are deleted (their history keeps them, with the user and the reason).
    A disqualification that came from this review's 不能 hit (recorded with this unit's answer)
    is lifted when no other 不能 hit holds, and a formal candidate goes back under review: the
    gate must be passed again. Raises CandidateError without a reason, for an unanswered review
    or for a candidate whose election is over; ConflictError for a stale `version`."""
    plan = plan_lock(review.candidate.plan_id)
    candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=review.candidate_id)
    candidate.plan = plan
    review = (
        UnitReview.objects.select_for_update(of=("self",)).select_related("unit").get(pk=review.pk)
    )
    if review.version != version:
        raise stale(UnitReview, form_refilled=True)
    reason = text_clean(reason or "")
    if not reason:
        raise CandidateError(_("Give the reason for reopening the feedback."))
    if review.answered_on is None:
        raise CandidateError(_("This feedback has not been given yet."))
    if candidate.status in (Status.ELECTED, Status.NOT_ELECTED):
        raise CandidateError(_("The election is over; its vetting can no longer be reopened."))
    text = history_reason(site_text("feedback reopened: %(reason)s", {"reason": reason}))
    answers = list(review.answers.select_related("criterion"))
    had_cannot = any(a.hit and a.criterion.tier == Tier.CANNOT for a in answers)
    answered_by_id = review.answered_by_id
    for a in answers:
        a._history_user = by  # type: ignore[attr-defined]
        a._change_reason = text  # type: ignore[attr-defined]
        a.delete()
    review.answered_on, review.answered_by = None, None
    review.version += 1
    review._history_user = by  # type: ignore[attr-defined]
    review._change_reason = text  # type: ignore[attr-defined]
    review.save(update_fields=["answered_on", "answered_by", "version", "updated_at"])
    lifted = (
        candidate.status == Status.DISQUALIFIED
        and had_cannot
        and candidate.decided_by_id == answered_by_id
        and not _hits(candidate, Tier.CANNOT)
    )
    if lifted or candidate.status == Status.FORMAL:
        fields = ["status"]
        candidate.status = Status.UNDER_REVIEW
        if lifted:
            candidate.decision, candidate.decision_reason = "", ""
            candidate.decided_by, candidate.decided_at = None, None
            fields += ["decision", "decision_reason", "decided_by", "decided_at"]
        candidate_save(candidate, by=by, reason=text, fields=fields)
    after_change(plan, by=by, bodies=[candidate.body])
    return review
