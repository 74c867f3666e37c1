"""Major events and important information (重大事件、重要信息): filed at once by a street official,
a leader or the office for a community in their scope, and acknowledged by the district's office.

Each write runs in one transaction, locks its row where it changes one, and records the history
with the user and a reason. The time the office took to acknowledge is `acknowledged_at` minus
`created_at` (when the event was filed).
"""

from datetime import datetime
from typing import Any, cast

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from core.exceptions import ConflictError, DomainError
from core.locking import locked, save_changes
from core.text import text_clean

from ..models import MajorEvent


class EventError(DomainError):
    pass


def _stale() -> ConflictError:
    return ConflictError(
        _(
            "Someone else saved this event while you were editing it, so your changes were not "
            "saved. The page now shows the current values."
        )
    )


def _text(value: Any, name: str, *, required: str = "") -> str:
    text = text_clean(str(value or ""))
    if required and not text:
        raise EventError(required)
    field = cast(models.Field, MajorEvent._meta.get_field(name))  # type: ignore[type-arg]
    limit = field.max_length
    if limit is not None and len(text) > limit:
        raise EventError(
            _("Keep the %(field)s within %(max)s characters.")
            % {"field": field.verbose_name, "max": limit}
        )
    return text


@transaction.atomic
def event_file(
    *,
    community: Community,
    severity: str,
    occurred_at: datetime,
    title: str,
    facts: str,
    by: User,
) -> MajorEvent:
    """File a major event of `community` (the caller has checked the user may file for it).

    Raises EventError (in Chinese) for an unknown severity, a time still to come, or a missing
    title or facts. The event is open until the office acknowledges it. History reason
    "event filed".
    """
    if severity not in MajorEvent.Severity.values:
        raise EventError(_("Choose the severity from the list."))
    if occurred_at > timezone.now():
        raise EventError(_("An event cannot have occurred at a time still to come."))
    event = MajorEvent(
        district_id=community.street.district_id,
        community=community,
        severity=severity,
        occurred_at=occurred_at,
        title=_text(title, "title", required=_("Give the event a title.")),
        facts=_text(facts, "facts", required=_("Say what happened.")),
        created_by=by,
    )
    event._history_user = by  # type: ignore[attr-defined]
    event._change_reason = "event filed"  # type: ignore[attr-defined]
    event.save()
    return event


@transaction.atomic
def event_acknowledge(
    *, event: MajorEvent, version: int, by: User, handling: str = ""
) -> MajorEvent:
    """The office acknowledges an event (it leaves the banner), with optional handling notes.

    Locks it. Raises EventError if it is acknowledged already (by anyone, at any version), and
    ConflictError if someone saved it since `version`. Records when and by whom. History reason
    "event acknowledged".
    """
    event = locked(MajorEvent, event.pk, None)
    if event.acknowledged_at is not None:
        raise EventError(
            _("This event was acknowledged already, at %(time)s.")
            % {"time": timezone.localtime(event.acknowledged_at).strftime("%Y-%m-%d %H:%M")}
        )
    if event.version != version:
        raise _stale()
    values: dict[str, Any] = {"acknowledged_at": timezone.now(), "acknowledged_by": by}
    notes = _text(handling, "handling")
    if notes:
        values["handling"] = notes
    save_changes(event, values, by=by, reason="event acknowledged")
    return event


@transaction.atomic
def event_handling_update(
    *, event: MajorEvent, version: int, handling: str, by: User
) -> MajorEvent:
    """Save the office's notes on how the event is handled.

    Locks it. Raises ConflictError if someone saved it since `version`; saving the same notes
    changes nothing. History reason "event handling noted".
    """
    event = locked(MajorEvent, event.pk, version, conflict=_stale())
    notes = _text(handling, "handling")
    save_changes(event, {"handling": notes}, by=by, reason="event handling noted")
    return event
