"""Writes of the joint meetings of the member units (联席会议): the meeting (day, subject, units
present, minutes, the signed minutes as a file), its decisions with owner and deadline, and their
follow-up until done. One transaction each, the row locked, the version the user saw checked on
edits, history with the user and a reason."""

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District
from core.locking import locked, save_changes
from election.models import Campaign

from ..models import JointMeeting, MeetingDecision
from .files import FILE_FIELDS, file_attach, file_check
from .supervision import SupervisionError, past_day, text_value


class MeetingError(SupervisionError):
    pass


def _meeting_values(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    held_on = past_day(
        data.get("held_on"),
        missing=_("Give the day of the meeting."),
        future=_("A meeting cannot be recorded for a day still to come."),
    )
    units = list(data.get("units") or [])
    if not units:
        raise MeetingError(_("Choose the member units present."))
    values = {
        "held_on": held_on,
        "title": text_value(
            JointMeeting, "title", data.get("title"), required=_("Give the meeting's subject.")
        ),
        "minutes": text_value(JointMeeting, "minutes", data.get("minutes")),
    }
    return values, units


@transaction.atomic
def meeting_create(
    *, district: District, data: dict[str, Any], file: UploadedFile | None, by: User
) -> JointMeeting:
    """Record a joint meeting of `district`: its day (not to come), subject, member units present
    (at least one), minutes, and the signed minutes (`file`, a photo or a PDF, optional). The
    campaign is the district's running one, if any.

    Raises MeetingError, DomainError for a file that is not an accepted photo or PDF. History
    reason "meeting recorded". The same meeting (district, day, subject) submitted twice returns
    the first."""
    content_type = file_check(file) if file is not None else None
    values, units = _meeting_values(data)
    District.objects.select_for_update().filter(pk=district.pk).first()
    same = JointMeeting.objects.filter(
        district=district, held_on=values["held_on"], title=values["title"]
    ).first()
    if same is not None:
        return same
    campaign = (
        Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING)
        .order_by("-starts_on", "-pk")
        .first()
    )
    meeting = JointMeeting(district=district, campaign=campaign, created_by=by, **values)
    if file is not None and content_type is not None:
        file_attach(meeting, file, content_type)
    meeting._history_user = by  # type: ignore[attr-defined]
    meeting._change_reason = "meeting recorded"  # type: ignore[attr-defined]
    meeting.save()
    meeting.units.set(units)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: JointMeeting,
    version: int,
    data: dict[str, Any],
    file: UploadedFile | None,
    by: User,
) -> JointMeeting:
    """Save a meeting edited from a form at `version`; a new `file` replaces the signed minutes
    (none: they stay). Raises ConflictError if someone saved it since, MeetingError, DomainError
    for a wrong file. History reason "meeting edited"."""
    content_type = file_check(file) if file is not None else None
    meeting = locked(JointMeeting, meeting.pk, version)
    values, units = _meeting_values(data)
    if MeetingDecision.objects.filter(meeting=meeting, due_on__lt=values["held_on"]).exists():
        raise MeetingError(_("A decision of this meeting has a deadline before that day."))
    units_changed = {u.pk for u in meeting.units.all()} != {u.pk for u in units}
    also: tuple[str, ...] = ()
    if file is not None and content_type is not None:
        file_attach(meeting, file, content_type)
        also = FILE_FIELDS
    save_changes(meeting, values, by=by, reason="meeting edited", also=also, force=units_changed)
    if units_changed:
        meeting.units.set(units)
    return meeting


@transaction.atomic
def decision_add(*, meeting: JointMeeting, data: dict[str, Any], by: User) -> MeetingDecision:
    """Record a decision of the meeting: its text, owner and deadline (not before the meeting).
    Raises MeetingError. History reason "decision recorded". Submitted twice, the first."""
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    due_on = data.get("due_on")
    if not isinstance(due_on, date):
        raise MeetingError(_("Give the decision's deadline."))
    if due_on < meeting.held_on:
        raise MeetingError(_("The deadline cannot be before the meeting."))
    values = {
        "text": text_value(
            MeetingDecision, "text", data.get("text"), required=_("Write the decision.")
        ),
        "owner": text_value(
            MeetingDecision, "owner", data.get("owner"), required=_("Say who must do it.")
        ),
        "due_on": due_on,
    }
    same = MeetingDecision.objects.filter(meeting=meeting, **values).first()
    if same is not None:
        return same
    decision = MeetingDecision(meeting=meeting, created_by=by, **values)
    decision._history_user = by  # type: ignore[attr-defined]
    decision._change_reason = "decision recorded"  # type: ignore[attr-defined]
    decision.save()
    return decision


@transaction.atomic
def decision_follow_up(
    *,
    decision: MeetingDecision,
    version: int,
    follow_up: str,
    done_on: date | None,
    by: User,
) -> MeetingDecision:
    """Follow a decision up: the note of where it stands (`follow_up`), and the day it was done
    (`done_on`: not to come, not before the meeting). A decision done stays done: its day may be
    corrected, not removed.

    Raises ConflictError if someone saved it since `version`, MeetingError. History reason
    "decision done" when it is marked done, else "decision followed up"."""
    decision = locked(MeetingDecision.objects.select_related("meeting"), decision.pk, version)
    text = text_value(MeetingDecision, "follow_up", follow_up)
    if done_on is None and decision.done_on is not None:
        raise MeetingError(_("This decision is done; give the day it was done."))
    if done_on is not None:
        done_on = past_day(
            done_on,
            missing=_("Give the day the decision was done."),
            future=_("A decision cannot be done on a day still to come."),
        )
        if done_on < decision.meeting.held_on:
            raise MeetingError(_("A decision cannot be done before its meeting."))
    if done_on is None and not text:
        raise MeetingError(_("Write the follow-up, or give the day the decision was done."))
    reason = "decision done" if decision.done_on is None and done_on else "decision followed up"
    save_changes(decision, {"follow_up": text, "done_on": done_on}, by=by, reason=reason)
    return decision
