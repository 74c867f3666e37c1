"""Writes of the audit findings: the district's finding categories (data the office edits), the
findings of an engagement's report, and the rectification items each finding opens, closed with
a note and evidence. Each write locks its row, checks the version the user saw and records
history with the user and a reason."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District
from core.exceptions import DomainError
from core.locking import locked, save_changes
from core.text import text_clean
from core.uploads import upload_name

from ..models import (
    DEFAULT_FINDING_CATEGORIES,
    Engagement,
    Finding,
    FindingCategory,
    Rectification,
)
from .files import file_check, file_store

FINDING_FIELDS = ["category", "description", "amount", "person"]
RECTIFICATION_FIELDS = ["action", "owner", "deadline"]


class FindingError(DomainError):
    pass


def _text(model: type[models.Model], name: str, value: Any, *, required: str = "") -> str:
    text = text_clean(value or "")
    if required and not text:
        raise FindingError(required)
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 -- a column, not a relation
    limit = field.max_length
    if limit is not None and len(text) > limit:
        raise FindingError(
            _("%(field)s is longer than %(limit)s characters.")
            % {"field": field.verbose_name, "limit": limit}
        )
    return text


# --- categories -----------------------------------------------------------------------------------


@transaction.atomic
def categories_ensure(district: District) -> int:
    """Give a district its default categories on first use (none yet, active or not). Returns
    how many were created; a second call creates none."""
    District.objects.select_for_update().filter(pk=district.pk).first()
    if FindingCategory.objects.filter(district=district).exists():
        return 0
    for order, name in enumerate(DEFAULT_FINDING_CATEGORIES, start=1):
        category = FindingCategory(district=district, order=order, name=name)
        category._change_reason = "default categories"  # type: ignore[attr-defined]
        category.save()
    return len(DEFAULT_FINDING_CATEGORIES)


def _category_name(district: District, name: str, *, exclude: int | None = None) -> str:
    name = _text(FindingCategory, "name", name, required=_("Name the category."))
    same = FindingCategory.objects.filter(district=district, name=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise FindingError(
            _("The district already has a category named “%(name)s”.") % {"name": name}
        )
    return name


@transaction.atomic
def category_add(*, district: District, name: str, by: User) -> FindingCategory:
    """Add a category at the end of the district's list. Raises FindingError without a name or
    for a name the district already has. History reason "category added"."""
    District.objects.select_for_update().filter(pk=district.pk).first()
    name = _category_name(district, name)
    last = FindingCategory.objects.filter(district=district).aggregate(m=Max("order"))["m"] or 0
    category = FindingCategory(district=district, name=name, order=last + 1)
    category._history_user = by  # type: ignore[attr-defined]
    category._change_reason = "category added"  # type: ignore[attr-defined]
    category.save()
    return category


def _category_lock(category: FindingCategory) -> FindingCategory:
    return FindingCategory.objects.select_for_update().get(pk=category.pk)


@transaction.atomic
def category_rename(*, category: FindingCategory, name: str, by: User) -> FindingCategory:
    """Rename a category (its findings keep it). Raises FindingError as category_add."""
    category = _category_lock(category)
    name = _category_name(category.district, name, exclude=category.pk)
    if name == category.name:
        return category
    category.name = name
    category._history_user = by  # type: ignore[attr-defined]
    category._change_reason = "category renamed"  # type: ignore[attr-defined]
    category.save(update_fields=["name"])
    return category


@transaction.atomic
def category_move(*, category: FindingCategory, up: bool, by: User) -> FindingCategory:
    """Swap a category with its neighbour above (`up`) or below; at either end nothing moves.
    The district's list is renumbered 1..n so equal orders never stick."""
    District.objects.select_for_update().filter(pk=category.district_id).first()
    rows = list(FindingCategory.objects.filter(district_id=category.district_id))
    index = next(i for i, c in enumerate(rows) if c.pk == category.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for order, row in enumerate(rows, start=1):
        if row.order != order:
            row.order = order
            row._history_user = by  # type: ignore[attr-defined]
            row._change_reason = "category moved"  # type: ignore[attr-defined]
            row.save(update_fields=["order"])
    return next(r for r in rows if r.pk == category.pk)


@transaction.atomic
def category_retire(*, category: FindingCategory, active: bool, by: User) -> FindingCategory:
    """Retire a category (new findings can no longer use it; old ones keep it) or bring it back
    (`active`). History reason "category retired" / "category restored"."""
    category = _category_lock(category)
    if category.is_active == active:
        return category
    category.is_active = active
    category._history_user = by  # type: ignore[attr-defined]
    category._change_reason = "category restored" if active else "category retired"  # type: ignore[attr-defined]
    category.save(update_fields=["is_active"])
    return category


# --- findings -------------------------------------------------------------------------------------


def _engagement_lock(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("plan__community__street")
        .get(pk=engagement.pk)
    )


def _finding_values(engagement: Engagement, data: dict[str, Any]) -> dict[str, Any]:
    category = data.get("category")
    district_id = engagement.plan.community.street.district_id
    if not isinstance(category, FindingCategory) or category.district_id != district_id:
        raise FindingError(_("Choose the finding's category."))
    amount = data.get("amount")
    if amount is not None:
        amount = Decimal(amount)
        if amount < 0:
            raise FindingError(_("The amount involved cannot be negative."))
    return {
        "category": category,
        "description": _text(
            Finding, "description", data.get("description"), required=_("Describe the finding.")
        ),
        "amount": amount,
        "person": _text(Finding, "person", data.get("person")),
    }


@transaction.atomic
def finding_add(*, engagement: Engagement, data: dict[str, Any], by: User) -> Finding:
    """Record a finding of the engagement's report: `data` holds its category (an active one of
    the community's district), description, amount in yuan (optional, not negative) and the
    person concerned (an audited official's name or any text). Raises FindingError. History
    reason "finding added". The same finding submitted twice returns the first."""
    engagement = _engagement_lock(engagement)
    values = _finding_values(engagement, data)
    if not values["category"].is_active:
        raise FindingError(_("This category is retired; choose another."))
    same = Finding.objects.filter(engagement=engagement, **values).first()
    if same is not None:
        return same
    finding = Finding(engagement=engagement, created_by=by, **values)
    finding._history_user = by  # type: ignore[attr-defined]
    finding._change_reason = "finding added"  # type: ignore[attr-defined]
    finding.save()
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, version: int, data: dict[str, Any], by: User) -> Finding:
    """Save a finding from a form at `version`. Raises ConflictError if someone saved it since,
    FindingError as finding_add (a retired category may stay on a finding that has it).
    History reason "finding edited"."""
    engagement = _engagement_lock(finding.engagement)
    finding = locked(Finding, finding.pk, version)
    values = _finding_values(engagement, data)
    if not values["category"].is_active and values["category"].pk != finding.category_id:
        raise FindingError(_("This category is retired; choose another."))
    save_changes(finding, values, by=by, reason="finding edited")
    return finding


# --- rectification items --------------------------------------------------------------------------


def _rectification_values(data: dict[str, Any]) -> dict[str, Any]:
    deadline = data.get("deadline")
    if not isinstance(deadline, date):
        raise FindingError(_("Give the deadline of the rectification."))
    return {
        "action": _text(
            Rectification, "action", data.get("action"), required=_("Say what must be done.")
        ),
        "owner": _text(
            Rectification, "owner", data.get("owner"), required=_("Say who must do it.")
        ),
        "deadline": deadline,
    }


@transaction.atomic
def rectification_add(*, finding: Finding, data: dict[str, Any], by: User) -> Rectification:
    """Open a rectification item of a finding: what must be done, by whom, by which day.
    Raises FindingError. History reason "rectification opened". Submitted twice, the first."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    values = _rectification_values(data)
    same = Rectification.objects.filter(finding=finding, closed_on=None, **values).first()
    if same is not None:
        return same
    item = Rectification(finding=finding, created_by=by, **values)
    item._history_user = by  # type: ignore[attr-defined]
    item._change_reason = "rectification opened"  # type: ignore[attr-defined]
    item.save()
    return item


@transaction.atomic
def rectification_close(
    *,
    item: Rectification,
    version: int,
    closed_on: date | None,
    note: str,
    evidence: UploadedFile | None,
    by: User,
) -> Rectification:
    """Close a rectification item: the day it was put right, how, and a photo or PDF proving it.

    Raises ConflictError if someone saved it since `version`, FindingError if it is already
    closed, without a day or a note, for a day still to come or before the item was opened;
    DomainError for a file that is not an accepted photo or PDF. History reason
    "rectification closed"."""
    content_type = file_check(evidence) if evidence is not None else None
    item = locked(Rectification, item.pk, version)
    if item.closed_on is not None:
        raise FindingError(_("This rectification item is already closed."))
    if closed_on is None:
        raise FindingError(_("Give the day the rectification was completed."))
    if closed_on > timezone.localdate():
        raise FindingError(_("A rectification cannot be completed on a day still to come."))
    if closed_on < timezone.localtime(item.created_at).date():
        raise FindingError(_("A rectification cannot be completed before it was opened."))
    values = {
        "close_note": _text(
            Rectification, "close_note", note, required=_("Say how it was put right.")
        ),
        "closed_on": closed_on,
    }
    also: list[str] = []
    if evidence is not None and content_type is not None:
        file_store(item.evidence, evidence, content_type)
        item.evidence_name = upload_name(evidence)[:200]
        item.evidence_type = content_type
        also = ["evidence", "evidence_name", "evidence_type"]
    save_changes(item, values, by=by, reason="rectification closed", also=also)
    return item


@transaction.atomic
def finding_delete(*, finding: Finding, version: int, by: User) -> None:
    """Delete a finding recorded by mistake, with its rectification items if none is closed.

    Raises ConflictError if someone saved the finding since `version`, FindingError if one of
    its rectification items is closed (its close-out is a record to keep: the finding stays).
    Open items go with the finding. History, for the finding and each item, records who
    deleted them, with reason "finding deleted"."""
    _engagement_lock(finding.engagement)
    finding = locked(Finding, finding.pk, version)
    items = list(Rectification.objects.select_for_update().filter(finding=finding))
    if any(item.closed_on is not None for item in items):
        raise FindingError(
            _(
                "A rectification item of this finding is closed; a finding with a closed "
                "item cannot be deleted."
            )
        )
    for item in items:
        item._history_user = by  # type: ignore[attr-defined]
        item._change_reason = "finding deleted"  # type: ignore[attr-defined]
        item.delete()
    finding._history_user = by  # type: ignore[attr-defined]
    finding._change_reason = "finding deleted"  # type: ignore[attr-defined]
    finding.delete()
