"""Writes for the candidate register: add and edit a nominee, the street Party working
committee's approval of the Party's 预备人选, and withdrawal.

Each write locks the plan and then the candidate (the order `step_lock` uses), checks the
optimistic `version`, records history with the user and a reason in the site's language, and
recomputes the plan in the same transaction so that its red flags stay true. The joint review and
the gate to formal candidacy are in `services/review.py`.
"""

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from core.exceptions import DomainError
from core.history import REASON_MAX
from core.locking import stale
from core.text import text_clean, text_truncate

from ..models import Candidate, CommunityPlan, Education, Gender, Post, SeatRule
from .plans import _after_commit_rollup, plan_refresh

Body = SeatRule.Body
Status = Candidate.Status

# the fields a nominee is added and edited with (the register's, not the review's)
CANDIDATE_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "education",
    "party_member",
    "ethnicity",
    "id_number",
    "body",
    "post_sought",
    "current_post",
    "is_incumbent",
    "nominated_on",
    "nominated_by",
]
TEXT_FIELDS = ["name", "ethnicity", "id_number", "current_post", "nominated_by"]
PARTY_POSTS = {Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.MEMBER}
COMMITTEE_POSTS = {Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.MEMBER}
# a mainland resident ID: 17 digits and a digit or X
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
MIN_AGE = 18
# statuses in which a nominee's vetting is over (the committee's vetting step counts them)
DECIDED = {Status.FORMAL, Status.DISQUALIFIED, Status.WITHDRAWN, Status.ELECTED, Status.NOT_ELECTED}


class CandidateError(DomainError):
    pass


def committee_body(community: Community) -> str:
    """The body of the community's elected committee: villagers' on the village track, else
    residents'."""
    if community.election_track == Community.Track.VILLAGE:
        return str(Body.VILLAGERS)
    return str(Body.RESIDENTS)


def bodies_of(plan: CommunityPlan) -> list[str]:
    """The committees a plan registers candidates for: the Party's and the elected one."""
    return [str(Body.PARTY), committee_body(plan.community)]


def site_text(message: str, params: dict[str, Any] | None = None) -> str:
    """`message` translated into the site's language (history reasons and stored reasons are
    read later by anyone, like the weekly report that quotes them)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _(message)
        return text % params if params else text


def history_reason(text: str) -> str:
    return text_truncate(text, REASON_MAX)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def candidate_clean(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with text trimmed and the ID number upper-cased (no other change)."""
    clean = dict(fields)
    for name in TEXT_FIELDS:
        if name in clean and clean[name] is not None:
            clean[name] = text_clean(str(clean[name]))
    if clean.get("id_number"):
        clean["id_number"] = clean["id_number"].replace(" ", "").upper()
    return clean


def candidate_validate(plan: CommunityPlan, fields: dict[str, Any]) -> dict[str, str]:
    """Check a nominee's fields for `plan`; returns field → message (in the active language),
    empty when valid. Pure: no query beyond the plan's community (loaded with the plan)."""
    f = candidate_clean(fields)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not f.get("name"):
        errors["name"] = _("Enter the nominee's name.")
    elif len(f["name"]) > 60:
        errors["name"] = _("The name is longer than 60 characters.")
    if f.get("gender") not in Gender.values:
        errors["gender"] = _("Choose the gender.")
    birth = f.get("birth_date")
    if not isinstance(birth, date):
        errors["birth_date"] = _("Enter the date of birth.")
    elif birth > today:
        errors["birth_date"] = _("The date of birth cannot be in the future.")
    elif _age_on(birth, plan.election_on) < MIN_AGE:
        errors["birth_date"] = _("The nominee must be at least 18 on election day.")
    if f.get("education") not in Education.values:
        errors["education"] = _("Choose the education.")
    if len(f.get("ethnicity") or "") > 20:
        errors["ethnicity"] = _("The ethnicity is longer than 20 characters.")
    id_number = f.get("id_number") or ""
    if id_number and not ID_NUMBER.match(id_number):
        errors["id_number"] = _("An ID number has 18 characters: 17 digits and a digit or X.")
    body = f.get("body")
    if body not in bodies_of(plan):
        errors["body"] = _("Choose the Party committee or the community's elected committee.")
    post = f.get("post_sought") or Post.MEMBER
    if body == Body.PARTY and post not in PARTY_POSTS:
        errors["post_sought"] = _(
            "A Party committee post is secretary, deputy secretary or member."
        )
    elif "body" not in errors and body != Body.PARTY and post not in COMMITTEE_POSTS:
        errors["post_sought"] = _("A committee post is director, deputy director or member.")
    for name in ("current_post", "nominated_by"):
        if len(f.get(name) or "") > 60:
            errors[name] = _("This is longer than 60 characters.")
    nominated_on = f.get("nominated_on")
    if nominated_on is not None and nominated_on > today:
        errors["nominated_on"] = _("A nomination cannot be made on a day still to come.")
    return errors


def _raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise CandidateError(" ".join(errors.values()))


def plan_lock(plan_id: int) -> CommunityPlan:
    return (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("campaign__rule_set", "campaign__negative_list", "community__street")
        .get(pk=plan_id)
    )


def candidate_lock(candidate: Candidate) -> tuple[CommunityPlan, Candidate]:
    """Lock the candidate's plan, then the candidate (call inside a transaction)."""
    plan = plan_lock(candidate.plan_id)
    locked = Candidate.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
    locked.plan = plan
    return plan, locked


def check_version(candidate: Candidate, version: int) -> None:
    if candidate.version != version:
        raise stale(Candidate, form_refilled=True)


def candidate_save(
    candidate: Candidate, *, by: User | None, reason: str, fields: list[str]
) -> None:
    """Save `fields` of a locked candidate with a new version and a history row."""
    candidate.version += 1
    candidate._history_user = by  # type: ignore[attr-defined]
    candidate._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    candidate.save(update_fields=[*fields, "version", "updated_at"])


def after_change(plan: CommunityPlan, *, by: User | None, bodies: list[str]) -> None:
    """What follows any change of a candidate's status: the committee's vetting step is done
    once every nominee is decided (or reopened when a new one arrives), the plan recomputed,
    the dashboard's counts refreshed on commit."""
    from .review import vetting_step_sync

    for body in sorted(set(bodies)):
        vetting_step_sync(plan=plan, body=body, by=by)
    plan_refresh(plan=plan, by=by)
    _after_commit_rollup(plan)


@transaction.atomic
def candidate_create(*, plan: CommunityPlan, by: User, **fields: Any) -> Candidate:
    """Add a nominee to the plan's register (status nominee).

    Raises CandidateError (Chinese message) for invalid fields (`candidate_validate`) or when the
    same person (name and date of birth) is already registered for the committee. Locks the
    plan; history reason "提名人已登记" with the user; recomputes the plan."""
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise CandidateError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    plan = plan_lock(plan.pk)
    data = candidate_clean(fields)
    _raise_errors(candidate_validate(plan, data))
    same = Candidate.objects.filter(
        plan=plan, body=data["body"], name=data["name"], birth_date=data["birth_date"]
    ).exists()
    if same:
        raise CandidateError(
            _("%(name)s is already registered for this committee.")
            % {"name": text_truncate(data["name"])}
        )
    data.setdefault("post_sought", Post.MEMBER)
    data["ethnicity"] = data.get("ethnicity") or "汉族"
    candidate = Candidate(plan=plan, created_by=by, status=Status.NOMINEE, **data)
    candidate._history_user = by  # type: ignore[attr-defined]
    candidate._change_reason = site_text("nominee registered")  # type: ignore[attr-defined]
    candidate.save()
    after_change(plan, by=by, bodies=[candidate.body])
    return candidate


@transaction.atomic
def candidate_update(*, candidate: Candidate, by: User, version: int, **fields: Any) -> Candidate:
    """Edit a nominee's fields at `version`.

    Raises ConflictError if someone saved the candidate since, CandidateError for invalid fields,
    for a change of committee once the nominee was sent to review, or for a candidate whose
    vetting is over (withdrawn or disqualified). Idempotent: no change, no history row."""
    plan, candidate = candidate_lock(candidate)
    check_version(candidate, version)
    if candidate.status in (Status.WITHDRAWN, Status.DISQUALIFIED):
        raise CandidateError(
            _("A candidate who is %(status)s can no longer be edited.")
            % {"status": candidate.get_status_display()}
        )
    data = candidate_clean({k: v for k, v in fields.items() if k in CANDIDATE_FIELDS})
    merged = {f: getattr(candidate, f) for f in CANDIDATE_FIELDS} | data
    _raise_errors(candidate_validate(plan, merged))
    if merged["body"] != candidate.body and candidate.status != Status.NOMINEE:
        raise CandidateError(_("The committee cannot change once the nominee was sent to review."))
    changed = [f for f in CANDIDATE_FIELDS if merged[f] != getattr(candidate, f)]
    if not changed:
        return candidate
    old_body = candidate.body
    for f in changed:
        setattr(candidate, f, merged[f])
    candidate_save(candidate, by=by, reason=site_text("nominee edited"), fields=changed)
    after_change(plan, by=by, bodies=[old_body, candidate.body])
    return candidate


@transaction.atomic
def candidate_street_approve(
    *, candidate: Candidate, by: User, version: int, approved_on: date
) -> Candidate:
    """Record the street Party working committee's approval (审查同意) of a Party 预备人选 on
    `approved_on`. Raises CandidateError for a non-Party candidate, a day still to come or a
    candidate out of the running; ConflictError for a stale `version`. Idempotent."""
    _plan, candidate = candidate_lock(candidate)
    check_version(candidate, version)
    if candidate.body != Body.PARTY:
        raise CandidateError(_("Only the Party's nominees are approved by the street."))
    if approved_on > timezone.localdate():
        raise CandidateError(_("An approval cannot be given on a day still to come."))
    if not candidate.is_active:
        raise CandidateError(
            _("A candidate who is %(status)s cannot be approved.")
            % {"status": candidate.get_status_display()}
        )
    if candidate.street_approved_on == approved_on:
        return candidate
    candidate.street_approved_on = approved_on
    candidate_save(
        candidate,
        by=by,
        reason=site_text("approved by the street party committee"),
        fields=["street_approved_on"],
    )
    return candidate


@transaction.atomic
def candidate_withdraw(*, candidate: Candidate, by: User, version: int, reason: str) -> Candidate:
    """Take a candidate out of the running (status withdrawn) with a reason.

    Raises CandidateError without a reason or for a candidate already out of the running or
    whose election is over; ConflictError for a stale `version`. The reason lands in the
    history. The committee's vetting step may become done (every nominee decided)."""
    plan, candidate = candidate_lock(candidate)
    check_version(candidate, version)
    reason = text_clean(reason or "")
    if not reason:
        raise CandidateError(_("Give the reason for the withdrawal."))
    if len(reason) > REASON_MAX - 10:
        raise CandidateError(_("The reason is longer than 90 characters."))
    if candidate.status in (
        Status.WITHDRAWN,
        Status.DISQUALIFIED,
        Status.ELECTED,
        Status.NOT_ELECTED,
    ):
        raise CandidateError(
            _("A candidate who is %(status)s cannot withdraw.")
            % {"status": candidate.get_status_display()}
        )
    candidate.status = Status.WITHDRAWN
    candidate_save(
        candidate,
        by=by,
        reason=site_text("withdrawn: %(reason)s", {"reason": reason}),
        fields=["status"],
    )
    after_change(plan, by=by, bodies=[candidate.body])
    return candidate
