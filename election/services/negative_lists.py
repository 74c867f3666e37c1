"""Writes for negative lists: load a shipped version from its JSON file, clone a list to a new
version, and edit a version's criteria (change, add, delete, reorder).

A list is data like a rule set: a campaign picks one version, and a change is made on a clone so
that the version a campaign vetted against stays as it was. A list is locked (read-only) once the
joint review has started in a campaign that uses it: some candidate of the campaign's plans has
a member unit's review task (`UnitReview`). The member units answer the list's criteria one by
one, so a criterion changed under their feet would change what their answers mean. The same
event fixes the campaign's choice of list (`campaign_review_started`).
"""

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from accounts.models import MemberUnit, User
from core.exceptions import ConflictError, DomainError
from core.text import text_clean, text_truncate

from ..models import Campaign, NegativeCriterion, NegativeList, UnitReview


class NegativeListError(DomainError):
    pass


LIST_FIELDS = ["name", "effective_on", "effective_to", "source", "notes"]
CRITERION_FIELDS = ["order", "text", "tier", "lookback_years", "unit_code"]


def _history(obj: Any, by: User | None, reason: str) -> Any:
    # historical models of a migration have no history tracking; the attributes are then inert
    obj._history_user = by
    obj._change_reason = reason
    return obj


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def negative_list_load_file(path: Path, *, apps: Any = None) -> Any:
    """Create the list version in `path` (code and version from the file) with its criteria.

    Idempotent: a version that exists already is left as it is (the office may have edited it,
    and a campaign may have vetted against it). `apps`: a migration's app registry, whose
    historical models are then used. Returns the list.
    """
    list_model = apps.get_model("election", "NegativeList") if apps else NegativeList
    criterion_model = apps.get_model("election", "NegativeCriterion") if apps else NegativeCriterion
    data = json.loads(path.read_text(encoding="utf-8"))
    existing = list_model.objects.filter(code=data["code"], version=int(data["version"])).first()
    if existing is not None:
        return existing
    reason = "negative list loaded"
    negative_list = list_model(
        code=data["code"],
        version=int(data["version"]),
        name=data["name"],
        source=data.get("source", ""),
        notes=data.get("notes", ""),
        effective_on=_date(data.get("effective_on")),
        effective_to=_date(data.get("effective_to")),
    )
    _history(negative_list, None, reason).save()
    for row in data["criteria"]:
        criterion = criterion_model(
            negative_list=negative_list,
            order=row["order"],
            text=row["text"],
            tier=row["tier"],
            lookback_years=row.get("lookback_years"),
            unit_code=row.get("unit_code", ""),
        )
        _history(criterion, None, reason).save()
    return negative_list


def negative_list_file_keys(paths: list[Path]) -> list[tuple[str, int]]:
    """(code, version) of each file, to undo a load."""
    keys = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys.append((data["code"], int(data["version"])))
    return keys


@transaction.atomic
def negative_list_clone(*, negative_list: NegativeList, by: User) -> NegativeList:
    """Copy a list with all its criteria to the next free version of its code.

    No campaign uses the copy, so the office can edit it. History reason "negative list cloned"
    on the list and every criterion, with `by`. Raises NegativeListError if someone else took
    the version number at the same moment. Calling it twice makes two versions.
    """
    # lock the code's versions so that two clones at once do not pick the same number
    versions = NegativeList.objects.select_for_update().filter(code=negative_list.code)
    next_version = (versions.aggregate(v=Max("version"))["v"] or 0) + 1
    source = NegativeList.objects.get(pk=negative_list.pk)
    reason = "negative list cloned"
    clone = NegativeList(
        code=source.code,
        version=next_version,
        **{f: getattr(source, f) for f in LIST_FIELDS},
    )
    try:
        with transaction.atomic():
            _history(clone, by, reason).save()
    except IntegrityError as e:
        raise NegativeListError(
            _("Version %(version)s of “%(name)s” was just created by someone else; try again.")
            % {"version": next_version, "name": text_truncate(source.name)}
        ) from e
    for criterion in NegativeCriterion.objects.filter(negative_list=source).order_by("order"):
        copy = NegativeCriterion(
            negative_list=clone, **{f: getattr(criterion, f) for f in CRITERION_FIELDS}
        )
        _history(copy, by, reason).save()
    return clone


# --- the lock ------------------------------------------------------------------------------------


def negative_list_is_locked(negative_list: NegativeList) -> bool:
    """Whether the joint review has started in a campaign that uses the list (one query): some
    candidate of the campaign's plans was sent to the member units. Its criteria are then fixed;
    the office clones the list to change them."""
    return UnitReview.objects.filter(
        candidate__plan__campaign__negative_list=negative_list
    ).exists()


def campaign_review_started(campaign: Campaign) -> bool:
    """Whether some candidate of the campaign's plans has been sent to the joint review (one
    query); the campaign's negative list is then fixed."""
    return UnitReview.objects.filter(candidate__plan__campaign=campaign).exists()


def _lock_list(negative_list_id: int) -> NegativeList:
    """The list's row, locked: edits of one list's criteria (orders) queue behind each other."""
    negative_list = NegativeList.objects.select_for_update().get(pk=negative_list_id)
    if negative_list_is_locked(negative_list):
        raise NegativeListError(
            _(
                "“%(name)s” version %(version)s is used by a campaign whose joint review has "
                "started, so its criteria cannot change. Clone it to a new version and edit the "
                "clone."
            )
            % {"name": text_truncate(negative_list.name), "version": negative_list.version}
        )
    return negative_list


# --- editing criteria ----------------------------------------------------------------------------

CRITERION_EDITABLE = ["text", "tier", "lookback_years", "unit_code"]
LOOKBACK_MAX = 99  # years; a longer look-back is "no limit" (empty)


def criterion_fingerprint(criterion: NegativeCriterion) -> str:
    """A short digest of the criterion's editable values: the edit form carries it, and a save
    whose digest no longer matches was made from a stale page (someone else saved meanwhile)."""
    values = [criterion.pk, *(getattr(criterion, f) for f in CRITERION_EDITABLE)]
    raw = json.dumps(values, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _clean_criterion(values: dict[str, Any], *, unit_code_before: str | None) -> dict[str, Any]:
    """`values` checked and normalised; raises NegativeListError naming the first problem."""
    text = text_clean(str(values.get("text") or ""))
    if not text:
        raise NegativeListError(_("Write the criterion."))
    tier = values.get("tier")
    if tier not in NegativeCriterion.Tier.values:
        raise NegativeListError(_("Choose whether the criterion bars a candidate or not."))
    years = values.get("lookback_years")
    if years is not None and not 1 <= int(years) <= LOOKBACK_MAX:
        raise NegativeListError(
            _("The look-back period is 1 to %(max)s years, or empty for no limit.")
            % {"max": LOOKBACK_MAX}
        )
    unit_code = str(values.get("unit_code") or "").strip()
    # a shipped list may name a unit that does not exist here yet; it may stay as it is
    if unit_code != unit_code_before and not MemberUnit.objects.filter(code=unit_code).exists():
        raise NegativeListError(_("Choose the member unit that checks the criterion."))
    return {"text": text, "tier": tier, "lookback_years": years, "unit_code": unit_code}


@transaction.atomic
def negative_criterion_update(
    *,
    criterion: NegativeCriterion,
    data: dict[str, Any],
    by: User,
    reason: str = "",
    fingerprint: str | None = None,
) -> NegativeCriterion:
    """Change a criterion's text, tier, look-back period or checking unit (`data`: any of
    CRITERION_EDITABLE; the unit by its `MemberUnit.code`).

    Locks the list and the criterion. Raises NegativeListError when the list is locked (the
    joint review has started in a campaign that uses it), for an empty text, an unknown tier, a
    look-back period outside 1 to 99 years, or a unit code no member unit has (a code the criterion
    had already may stay); ConflictError when `fingerprint` (from `criterion_fingerprint` when
    the form was shown) no longer matches. Idempotent: unchanged data saves nothing. History
    reason: `reason`, else "negative criterion edited".
    """
    _lock_list(criterion.negative_list_id)
    current = NegativeCriterion.objects.select_for_update().get(pk=criterion.pk)
    if fingerprint is not None and fingerprint != criterion_fingerprint(current):
        raise ConflictError(
            _(
                "Someone else saved this criterion while you were editing it, so your changes "
                "were not saved. The form now shows the current values."
            )
        )
    values = {f: data.get(f, getattr(current, f)) for f in CRITERION_EDITABLE}
    values = _clean_criterion(values, unit_code_before=current.unit_code)
    changed = [f for f in CRITERION_EDITABLE if values[f] != getattr(current, f)]
    if not changed:
        return current
    for f in changed:
        setattr(current, f, values[f])
    _history(current, by, reason.strip() or "negative criterion edited")
    current.save(update_fields=changed)
    return current


@transaction.atomic
def negative_criterion_add(
    *, negative_list: NegativeList, data: dict[str, Any], by: User, reason: str = ""
) -> NegativeCriterion:
    """Add a criterion at the end of the list (`data`: CRITERION_EDITABLE).

    Locks the list. Raises NegativeListError as `negative_criterion_update`. Calling it twice
    adds two criteria. History reason: `reason`, else "negative criterion added".
    """
    _lock_list(negative_list.pk)
    values = _clean_criterion(data, unit_code_before=None)
    last = NegativeCriterion.objects.filter(negative_list_id=negative_list.pk).aggregate(
        n=Max("order")
    )["n"]
    criterion = NegativeCriterion(
        negative_list_id=negative_list.pk, order=(last or 0) + 1, **values
    )
    _history(criterion, by, reason.strip() or "negative criterion added").save()
    return criterion


def _renumber(negative_list_id: int, by: User, reason: str) -> None:
    """Number the list's criteria 1, 2, 3 … in their order, saving only those that move (in
    rising order, so no two share a number on the way)."""
    criteria = NegativeCriterion.objects.filter(negative_list_id=negative_list_id).order_by("order")
    for number, criterion in enumerate(criteria, start=1):
        if criterion.order != number:
            criterion.order = number
            _history(criterion, by, reason).save(update_fields=["order"])


@transaction.atomic
def negative_criterion_delete(
    *, criterion: NegativeCriterion, by: User, reason: str = ""
) -> NegativeList:
    """Delete a criterion; the ones after it move up one place. Returns its list.

    Locks the list. Raises NegativeListError when the list is locked, or when a member unit has
    answered the criterion. History reason: `reason`, else "negative criterion deleted" (on the
    deleted row, and "criteria renumbered" on those that moved). A second call finds nothing to
    delete and raises NegativeListError.
    """
    negative_list = _lock_list(criterion.negative_list_id)
    current = NegativeCriterion.objects.select_for_update().filter(pk=criterion.pk).first()
    if current is None:
        raise NegativeListError(_("This criterion was deleted already."))
    _history(current, by, reason.strip() or "negative criterion deleted")
    try:
        with transaction.atomic():
            current.delete()
    except ProtectedError as e:
        raise NegativeListError(
            _("A member unit has answered this criterion; it cannot be deleted.")
        ) from e
    _renumber(negative_list.pk, by, "criteria renumbered")
    return negative_list


@transaction.atomic
def negative_criterion_move(
    *, criterion: NegativeCriterion, up: bool, by: User, reason: str = ""
) -> NegativeCriterion:
    """Swap a criterion with the one before it (`up`) or after it.

    Locks the list. Raises NegativeListError when the list is locked. At the top (or bottom)
    nothing moves. History reason: `reason`, else "criteria reordered", on both rows.
    """
    _lock_list(criterion.negative_list_id)
    current = NegativeCriterion.objects.select_for_update().get(pk=criterion.pk)
    siblings = NegativeCriterion.objects.select_for_update().filter(
        negative_list_id=current.negative_list_id
    )
    if up:
        other = siblings.filter(order__lt=current.order).order_by("-order").first()
    else:
        other = siblings.filter(order__gt=current.order).order_by("order").first()
    if other is None:
        return current
    reason = reason.strip() or "criteria reordered"
    mine, theirs = current.order, other.order
    # through a free number: the list's orders are unique at every save
    free = (siblings.aggregate(n=Max("order"))["n"] or 0) + 1
    current.order = free
    _history(current, by, reason).save(update_fields=["order"])
    other.order = mine
    _history(other, by, reason).save(update_fields=["order"])
    current.order = theirs
    _history(current, by, reason).save(update_fields=["order"])
    return current
