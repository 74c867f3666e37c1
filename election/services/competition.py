"""Posting a committee's formal candidate list (正式候选人名单 / 候选人预备人选) as a public notice
on its step, so the rule set's lead time before election day is checked by the plan's engine."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Candidate, CommunityPlan, PlanStep, PublicNotice
from ..selectors.competition import FORMAL, body_shortfalls, notice_step_code
from .notices import notice_add
from .plans import PlanError


def candidate_list_step(plan: CommunityPlan, body: str) -> PlanStep | None:
    """The step a committee's candidate list is posted on (None if the rule set has none)."""
    return (
        PlanStep.objects.filter(plan=plan, template__code=notice_step_code(body))
        .select_related("plan__community", "plan__campaign", "stage")
        .first()
    )


@transaction.atomic
def candidate_list_notice_post(
    *,
    plan: CommunityPlan,
    body: str,
    data: dict[str, Any],
    photo: UploadedFile | None,
    by: User,
) -> PublicNotice:
    """Post the committee's formal candidate list as a public notice on its step (`data`: title,
    place, posted_on, taken_down_on; see `notice_add`).

    Raises PlanError while the list is empty or breaks a competition rule (the message names
    it), when the rule set has no step for the list, or for anything `notice_add` refuses (a
    closed stage, a day still to come, a bad photo). The plan is recomputed, so the lead time of
    the notice before election day shows red when it is short. History reason "notice added".
    A second identical post returns the first notice.
    """
    plan = CommunityPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if not Candidate.objects.filter(plan=plan, body=body, status__in=FORMAL).exists():
        raise PlanError(_("There are no formal candidates to post yet."))
    shortfalls = body_shortfalls(plan, body)
    if shortfalls:
        raise PlanError(" ".join(shortfalls))
    step = candidate_list_step(plan, body)
    if step is None:
        raise PlanError(_("The rule set has no step for posting this candidate list."))
    return notice_add(step=step, data=data, photo=photo, by=by)
