"""The handover (移交) of the outgoing committee to the new one, and the refusals to hand over.

A handover is opened for one committee of a plan: it counts from the day the new committee was
formed and is due within the days of the plan's `handover` step (its template's `check_days`,
10 by law). Its checklist starts with one row of each of the five kinds (seals, accounts,
assets, contracts, archives); rows are ticked as they are handed over, and more can be added.
It is completed once every row is ticked and the signed inventory is uploaded: then the plan's
`handover` step is done on the day of the last committee's handover, so the plan's engine turns
it red when that day is later than the rule allows.

A refusal (or obstruction) is recorded by the street; the office acknowledges it and whoever
edits the community resolves it with a note. Every write locks its row, checks its version and
records history with the user and a reason.
"""

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.locking import locked, save_changes, stale
from core.text import text_clean
from core.uploads import upload_name
from election.models import CommunityPlan, PlanStep
from election.services.plans import committee_formed_on, step_update

from ..models import Handover, HandoverItem, HandoverRefusal
from .files import file_check, file_store

# the rule's days when a plan has no `handover` step (the law's 10 days)
DEFAULT_HANDOVER_DAYS = 10
HANDOVER_STEP = "handover"
# the checklist's first rows, one of each kind (the kind's name is the row's description)
STARTING_KINDS = [
    HandoverItem.Kind.SEALS,
    HandoverItem.Kind.ACCOUNTS,
    HandoverItem.Kind.ASSETS,
    HandoverItem.Kind.CONTRACTS,
    HandoverItem.Kind.ARCHIVES,
]
PEOPLE_FIELDS = ["presided_by", "supervised_by", "handed_by", "received_by", "notes"]


class HandoverError(DomainError):
    pass


def _text(value: Any, model: type[models.Model], field_name: str) -> str:
    """`value` cleaned, refused when longer than the column allows."""
    text = text_clean(str(value or ""))
    field = model._meta.get_field(field_name)
    limit = getattr(field, "max_length", None)
    if limit is not None and len(text) > limit:
        raise HandoverError(
            _("%(field)s is longer than %(limit)s characters.")
            % {"field": getattr(field, "verbose_name", field_name), "limit": limit}
        )
    return text


def handover_step(plan: CommunityPlan) -> PlanStep | None:
    """The plan's `handover` step (with its template), if its rule set has one."""
    return (
        PlanStep.objects.filter(plan=plan, template__code=HANDOVER_STEP)
        .select_related("template")
        .first()
    )


def handover_days(plan: CommunityPlan) -> int:
    """The days the rule set allows for the handover: the `handover` step template's check."""
    step = handover_step(plan)
    if step is not None and step.template.check_days:
        return int(step.template.check_days)
    return DEFAULT_HANDOVER_DAYS


def handover_formed_on(plan: CommunityPlan, body: str) -> date:
    """The day the new committee was formed: the Party committee on the Party's election day,
    the residents' committee as the plan's results record it (runoff, new election)."""
    if body == Handover.Body.PARTY and plan.party_election_on:
        return plan.party_election_on
    return committee_formed_on(plan)


def handover_due_on(formed_on: date, days: int) -> date:
    """The last day of the handover: `days` days after the committee was formed."""
    return formed_on + timedelta(days=days)


def handover_overdue_days(handover: Handover, today: date) -> int:
    """Days an open handover is past its due day (0 if done or not yet due)."""
    if handover.completed_on is not None or today <= handover.due_on:
        return 0
    return (today - handover.due_on).days


def _lock(handover: Handover, version: int | None = None) -> Handover:
    """The handover locked (not its plan), checked to be at `version` if given."""
    return locked(
        Handover.objects.select_for_update(of=("self",)).select_related(
            "plan__community__street", "plan__campaign"
        ),
        handover.pk,
        version,
        conflict=stale(Handover, form_refilled=True),
    )


def _check_open(handover: Handover) -> None:
    if handover.completed_on is not None:
        raise HandoverError(_("This handover is completed; it can no longer be changed."))


@transaction.atomic
def handover_open(
    *, plan: CommunityPlan, body: str, by: User, defaults: dict[str, str] | None = None
) -> Handover:
    """Open the handover of the plan's `body` committee, or return it if it is open already.

    Locks the plan. Its formed day comes from the plan (see handover_formed_on) and its due day
    is that plus the rule's days. A new handover gets one checklist row of each of the five
    kinds and `defaults` for who presides and supervises. An open handover whose committee's
    forming moved since (a runoff recorded later) gets the new days. History reasons "handover
    opened", "handover dates moved".
    """
    if body not in Handover.Body.values:
        raise HandoverError(_("Choose the committee that hands over."))
    plan = (
        CommunityPlan.objects.select_for_update(of=("self",))
        .select_related("community__street", "campaign")
        .get(pk=plan.pk)
    )
    formed_on = handover_formed_on(plan, body)
    due_on = handover_due_on(formed_on, handover_days(plan))
    handover = Handover.objects.select_for_update().filter(plan=plan, body=body).first()
    if handover is not None:
        if handover.completed_on is None and (handover.formed_on, handover.due_on) != (
            formed_on,
            due_on,
        ):
            dates = {"formed_on": formed_on, "due_on": due_on}
            save_changes(handover, dates, by=by, reason="handover dates moved")
        return handover
    handover = Handover(plan=plan, body=body, formed_on=formed_on, due_on=due_on, created_by=by)
    for name, value in (defaults or {}).items():
        if name in PEOPLE_FIELDS:
            setattr(handover, name, _text(value, Handover, name))
    handover._history_user = by  # type: ignore[attr-defined]
    handover._change_reason = "handover opened"  # type: ignore[attr-defined]
    handover.save()
    for kind in STARTING_KINDS:
        item = HandoverItem(handover=handover, kind=kind, description=str(kind.label))
        item._history_user = by  # type: ignore[attr-defined]
        item._change_reason = "handover opened"  # type: ignore[attr-defined]
        item.save()
    return handover


@transaction.atomic
def handover_update(
    *,
    handover: Handover,
    version: int,
    data: dict[str, Any],
    items: dict[int, tuple[str, bool]],
    by: User,
) -> Handover:
    """Save who presides, supervises, hands over and receives, the notes, and the checklist
    (`items`: row id → (quantity, handed over)) of an open handover at `version`.

    Locks the handover. Raises ConflictError if someone saved it since `version`, HandoverError
    if it is completed or a text is too long. Rows of other handovers in `items` are ignored.
    History reasons "handover updated", "checklist updated".
    """
    handover = _lock(handover, version)
    _check_open(handover)
    values = {name: _text(data[name], Handover, name) for name in PEOPLE_FIELDS if name in data}
    rows = list(HandoverItem.objects.select_for_update().filter(handover=handover, pk__in=items))
    rows_changed = False
    for row in rows:
        quantity, ticked = items[row.pk]
        quantity = _text(quantity, HandoverItem, "quantity")
        if (row.quantity, row.is_handed_over) == (quantity, bool(ticked)):
            continue
        row.quantity, row.is_handed_over = quantity, bool(ticked)
        row._history_user = by  # type: ignore[attr-defined]
        row._change_reason = "checklist updated"  # type: ignore[attr-defined]
        row.save(update_fields=["quantity", "is_handed_over"])
        rows_changed = True
    save_changes(handover, values, by=by, reason="handover updated", force=rows_changed)
    return handover


@transaction.atomic
def handover_item_add(*, handover: Handover, data: dict[str, Any], by: User) -> HandoverItem:
    """Add a row to an open handover's checklist (kind, what, quantity).

    Locks the handover. Raises HandoverError if it is completed, without a description, with an
    unknown kind or a text too long. The handover's version moves (an open form must reload).
    History reason "checklist row added".
    """
    handover = _lock(handover)
    _check_open(handover)
    kind = data.get("kind") or HandoverItem.Kind.OTHER
    if kind not in HandoverItem.Kind.values:
        raise HandoverError(_("Choose the kind of the row."))
    description = _text(data.get("description"), HandoverItem, "description")
    if not description:
        raise HandoverError(_("Say what is handed over."))
    item = HandoverItem(
        handover=handover,
        kind=kind,
        description=description,
        quantity=_text(data.get("quantity"), HandoverItem, "quantity"),
        is_handed_over=bool(data.get("is_handed_over")),
    )
    item._history_user = by  # type: ignore[attr-defined]
    item._change_reason = "checklist row added"  # type: ignore[attr-defined]
    item.save()
    save_changes(handover, {}, by=by, reason="checklist row added", force=True)
    return item


@transaction.atomic
def handover_inventory_upload(*, handover: Handover, file: UploadedFile, by: User) -> Handover:
    """Store the signed inventory (photo or PDF, checked by its content) of an open handover,
    replacing an earlier one (kept in the history). Raises DomainError for a file that is
    empty, too large or of another type, HandoverError if the handover is completed. History
    reason "inventory uploaded"."""
    content_type = file_check(file)
    handover = _lock(handover)
    _check_open(handover)
    file_store(handover.inventory, file, content_type)
    save_changes(
        handover,
        {"inventory_name": upload_name(file)[:200], "inventory_type": content_type},
        by=by,
        reason="inventory uploaded",
        also=["inventory"],
    )
    return handover


def _step_done(plan: CommunityPlan, by: User) -> None:
    """Mark the plan's `handover` step done on the day of its last committee's handover, once
    every handover of the plan is completed (through the plan's own step service: its history,
    its rules, its red flag)."""
    dates = list(Handover.objects.filter(plan=plan).values_list("completed_on", flat=True))
    if not dates or any(d is None for d in dates):
        return
    step = handover_step(plan)
    if step is None:
        return
    done_on = max(d for d in dates if d is not None)
    if step.status == PlanStep.Status.DONE and step.done_on == done_on:
        return
    step_update(
        step=step,
        version=step.version,
        data={"status": PlanStep.Status.DONE, "done_on": done_on},
        by=by,
        reason="handover completed",
    )


@transaction.atomic
def handover_complete(
    *, handover: Handover, version: int, completed_on: date, by: User
) -> Handover:
    """Complete a handover on `completed_on`: every checklist row handed over and the signed
    inventory uploaded.

    Locks the handover. Raises ConflictError if someone saved it since `version`, HandoverError
    if it is completed already, a row is not ticked, the inventory is missing, or the day is
    still to come or before the committee was formed. Then the plan's `handover` step is done
    (see _step_done): a day past the rule's days turns it red. History reason "handover
    completed".
    """
    handover = _lock(handover, version)
    _check_open(handover)
    if completed_on > timezone.localdate():
        raise HandoverError(_("A handover cannot be completed on a day still to come."))
    if completed_on < handover.formed_on:
        raise HandoverError(
            _("A handover cannot be completed before the new committee was formed (%(day)s).")
            % {"day": handover.formed_on.isoformat()}
        )
    open_rows = HandoverItem.objects.filter(handover=handover, is_handed_over=False).count()
    if open_rows:
        raise HandoverError(
            _("%(count)s rows of the checklist are not handed over yet.") % {"count": open_rows}
        )
    if not handover.items.exists():
        raise HandoverError(_("The checklist is empty."))
    if not handover.inventory:
        raise HandoverError(_("Upload the signed inventory first."))
    save_changes(handover, {"completed_on": completed_on}, by=by, reason="handover completed")
    _step_done(handover.plan, by)
    return handover


# --- refusals -------------------------------------------------------------------------------------


def _refusal_lock(refusal: HandoverRefusal, version: int | None = None) -> HandoverRefusal:
    """The refusal locked (not its handover), checked to be at `version` if given."""
    return locked(
        HandoverRefusal.objects.select_for_update(of=("self",)).select_related(
            "handover__plan__community__street"
        ),
        refusal.pk,
        version,
        conflict=stale(HandoverRefusal, form_refilled=True),
    )


@transaction.atomic
def refusal_record(*, handover: Handover, data: dict[str, Any], by: User) -> HandoverRefusal:
    """Record a refusal to hand over: the day, who refused and what happened. The office sees it
    among the unacknowledged refusals until it acknowledges it.

    Locks the handover. Raises HandoverError without the day, the person or the account, for a
    day still to come or a text too long. The same refusal submitted twice returns the first.
    History reason "refusal recorded".
    """
    handover = _lock(handover)
    occurred_on = data.get("occurred_on")
    person = _text(data.get("person"), HandoverRefusal, "person")
    description = text_clean(str(data.get("description") or ""))
    if occurred_on is None or not person or not description:
        raise HandoverError(_("Say on which day, who refused to hand over and what happened."))
    if occurred_on > timezone.localdate():
        raise HandoverError(_("A refusal cannot be recorded for a day still to come."))
    same = HandoverRefusal.objects.filter(
        handover=handover, occurred_on=occurred_on, person=person, description=description
    ).first()
    if same is not None:
        return same
    refusal = HandoverRefusal(
        handover=handover,
        occurred_on=occurred_on,
        person=person,
        description=description,
        created_by=by,
    )
    refusal._history_user = by  # type: ignore[attr-defined]
    refusal._change_reason = "refusal recorded"  # type: ignore[attr-defined]
    refusal.save()
    return refusal


@transaction.atomic
def refusal_acknowledge(*, refusal: HandoverRefusal, version: int, by: User) -> HandoverRefusal:
    """The office acknowledges a refusal (it no longer counts as unacknowledged).

    Locks it. Raises ConflictError if someone saved it since `version`; acknowledging it again
    changes nothing. History reason "refusal acknowledged".
    """
    refusal = _refusal_lock(refusal)
    if refusal.acknowledged_at is not None:
        return refusal
    if refusal.version != version:
        raise stale(HandoverRefusal, form_refilled=True)
    values = {"acknowledged_by": by, "acknowledged_at": timezone.now()}
    save_changes(refusal, values, by=by, reason="refusal acknowledged")
    return refusal


@transaction.atomic
def refusal_resolve(
    *, refusal: HandoverRefusal, version: int, resolved_on: date, resolution: str, by: User
) -> HandoverRefusal:
    """Record how a refusal was resolved, and on which day.

    Locks it. Raises ConflictError if someone saved it since `version`, HandoverError if it is
    resolved already, without a note, or for a day still to come or before the refusal. History
    reason "refusal resolved".
    """
    refusal = _refusal_lock(refusal, version)
    if refusal.resolved_on is not None:
        raise HandoverError(_("This refusal is resolved already."))
    resolution = text_clean(resolution or "")
    if not resolution:
        raise HandoverError(_("Say how the refusal was resolved."))
    if resolved_on > timezone.localdate():
        raise HandoverError(_("A refusal cannot be resolved on a day still to come."))
    if resolved_on < refusal.occurred_on:
        raise HandoverError(_("A refusal cannot be resolved before it happened."))
    values = {"resolved_on": resolved_on, "resolution": resolution}
    save_changes(refusal, values, by=by, reason="refusal resolved")
    return refusal


def handover_step_guard(step: PlanStep) -> str:
    """Why the plan's `handover` step may not be ticked by hand: its plan has a handover, which
    marks it done when completed."""
    if step.template.code != HANDOVER_STEP:
        return ""
    if not Handover.objects.filter(plan_id=step.plan_id).exists():
        return ""
    return _(
        "This step follows the plan's handover: it is done when the handover is completed. "
        "Complete it on the handover page instead."
    )
