"""Public notices of a step: what was posted, where, and from when to when."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.tasks import enqueue_on_commit

from ..models import PlanStep, PublicNotice
from .evidence import stored_file_name, upload_check
from .plans import PlanError, plan_refresh, stage_check_open, step_lock

NOTICE_FIELDS = ["title", "place", "posted_on", "taken_down_on"]


@transaction.atomic
def notice_add(
    *, step: PlanStep, data: dict[str, Any], photo: UploadedFile | None, by: User
) -> PublicNotice:
    """Record a public notice of a step, with an optional photo of it.

    `data` holds NOTICE_FIELDS. Raises PlanError if the step's stage is closed, if the notice
    went up on a day still to come or came down before it went up; EvidenceError for a photo
    that is not an accepted file (the same checks as evidence). Recomputes the plan, since the
    day a notice went up can make the step red or clear it, and refreshes the street's counts on
    commit. History reason "notice added". A second submission of the same notice (same title,
    place and day, no photo) returns the first instead of adding a copy.
    """
    content_type = upload_check(photo) if photo else None
    step = step_lock(step.pk)
    stage_check_open(step.stage)
    values = {f: data.get(f) for f in NOTICE_FIELDS}
    title, place = (values["title"] or "").strip(), (values["place"] or "").strip()
    posted_on, taken_down_on = values["posted_on"], values["taken_down_on"]
    if not title or not place or posted_on is None:
        raise PlanError(_("Say what was posted, where and on which day."))
    if posted_on > timezone.localdate():
        raise PlanError(_("A notice cannot have gone up on a day still to come."))
    if taken_down_on is not None and taken_down_on < posted_on:
        raise PlanError(_("A notice cannot come down before it went up."))
    if photo is None:
        same = PublicNotice.objects.filter(
            step=step, title=title, place=place, posted_on=posted_on, taken_down_on=taken_down_on
        ).first()
        if same is not None:
            return same
    notice = PublicNotice(
        step=step,
        title=title,
        place=place,
        posted_on=posted_on,
        taken_down_on=taken_down_on,
        created_by=by,
    )
    if photo is not None and content_type is not None:
        notice.photo.save(stored_file_name(content_type), photo, save=False)
    notice._history_user = by  # type: ignore[attr-defined]
    notice._change_reason = "notice added"  # type: ignore[attr-defined]
    notice.save()
    plan_refresh(plan=step.plan, by=by)
    _rollup_on_commit(step)
    return notice


def _rollup_on_commit(step: PlanStep) -> None:
    from ..tasks import rollup_refresh_task

    enqueue_on_commit(
        rollup_refresh_task,
        campaign_id=step.plan.campaign_id,
        street_id=step.plan.community.street_id,
    )
