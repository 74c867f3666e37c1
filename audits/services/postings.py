"""The public posting of an audit's results (审计结果公开) on the community's notice board.

A posting is a public notice on the plan's `audit-posting` step (election's `notice_add`), so the
plan's engine checks its lead time before election day and its display days; the posting marks
the step done and the engagement posted. One rule the engine cannot see is added here through
its registry (`posting_step_reasons`): once election day has come, an audit of the plan whose
results were never posted turns the step red.
"""

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.locking import save_changes
from election.models import CommunityPlan, PlanStep
from election.services.notices import notice_add
from election.services.plans import plan_refresh, stage_check_open, step_lock, step_update

from ..models import Engagement, Posting
from .engagements import state_from_dates

POSTING_STEP = "audit-posting"


class PostingError(DomainError):
    pass


def posting_step(plan: CommunityPlan) -> PlanStep | None:
    return (
        PlanStep.objects.filter(plan=plan, template__code=POSTING_STEP)
        .select_related("stage__template", "template")
        .first()
    )


@transaction.atomic
def posting_add(
    *, engagement: Engagement, data: dict[str, Any], photo: UploadedFile | None, by: User
) -> Posting:
    """Record that the engagement's results were posted: `data` holds the day it went up
    (`posted_on`), the place, and the day it came down (`taken_down_on`, optional); `photo` a
    photo of the board.

    Adds a public notice on the plan's `audit-posting` step (so the engine checks the lead time
    before election day and the display days), a Posting row, sets the engagement's state to
    posted and marks the step done on the posting's day (if it is not done yet). Raises
    PostingError when the plan has no such step, and the notice's own errors (PlanError,
    EvidenceError). History reason "results posted".
    """
    engagement = (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("plan__community")
        .get(pk=engagement.pk)
    )
    step = posting_step(engagement.plan)
    if step is None:
        raise PostingError(_("This plan has no step for posting the audit results."))
    title = _("Results of the %(kind)s") % {"kind": engagement.get_kind_display()}
    notice_data = {
        "title": title,
        "place": data.get("place"),
        "posted_on": data.get("posted_on"),
        "taken_down_on": data.get("taken_down_on"),
    }
    notice = notice_add(step=step, data=notice_data, photo=photo, by=by)
    posting = Posting.objects.filter(notice=notice).first()
    if posting is not None:  # the same posting submitted twice
        return posting
    posting = Posting(engagement=engagement, notice=notice)
    posting._history_user = by  # type: ignore[attr-defined]
    posting._change_reason = "results posted"  # type: ignore[attr-defined]
    posting.save()
    save_changes(engagement, {"state": Engagement.State.POSTED}, by=by, reason="results posted")
    step.refresh_from_db()
    if step.status != PlanStep.Status.DONE:
        step_update(
            step=step,
            version=step.version,
            data={"status": PlanStep.Status.DONE, "done_on": notice.posted_on},
            by=by,
            reason="results posted",
        )
    else:
        # a posting of a second audit changes the rule below
        plan_refresh(plan=engagement.plan, by=by)
    return posting


def posting_step_reasons(
    plan: CommunityPlan, steps: list[PlanStep], today: date
) -> dict[str, list[str]]:
    """The rule of the registry in election's plan engine: from election day on, an audit of the
    plan with no posting of its results turns the `audit-posting` step red. No query before
    election day or for a plan without that step."""
    if today < plan.election_on or not any(s.template.code == POSTING_STEP for s in steps):
        return {}
    unposted = Engagement.objects.filter(plan=plan, postings__isnull=True).exists()
    if not unposted:
        return {}
    return {
        POSTING_STEP: [
            _(
                "The results of the departure economic-responsibility audit must be posted "
                "before election day; by election day they were still not posted"
            )
        ]
    }


@transaction.atomic
def posting_delete(*, posting: Posting, by: User) -> Engagement:
    """Delete a posting recorded by mistake, with its public notice.

    Raises PlanError if the step's stage is closed. The engagement is no longer posted when it
    has no posting left (its state follows its dates again); the plan's `audit-posting` step
    goes back to in progress when no notice is left on it, and the plan is recomputed either
    way (the step may turn red). History of the posting, its notice and the engagement records
    who deleted it, with reason "posting deleted". Returns the engagement."""
    engagement = Engagement.objects.select_for_update(of=("self",)).get(pk=posting.engagement_id)
    posting = Posting.objects.select_for_update().select_related("notice").get(pk=posting.pk)
    notice = posting.notice
    step = step_lock(notice.step_id)
    stage_check_open(step.stage)
    posting._history_user = by  # type: ignore[attr-defined]
    posting._change_reason = "posting deleted"  # type: ignore[attr-defined]
    posting.delete()
    notice._history_user = by  # type: ignore[attr-defined]
    notice._change_reason = "posting deleted"  # type: ignore[attr-defined]
    notice.delete()
    if engagement.state == Engagement.State.POSTED and not engagement.postings.exists():
        state = state_from_dates(engagement)
        save_changes(engagement, {"state": state}, by=by, reason="posting deleted")
    step.refresh_from_db()
    if step.status == PlanStep.Status.DONE and not step.notices.exists():
        step_update(
            step=step,
            version=step.version,
            data={"status": PlanStep.Status.IN_PROGRESS, "done_on": None},
            by=by,
            reason="posting deleted",
        )
    else:
        plan_refresh(plan=engagement.plan, by=by)
    return engagement
