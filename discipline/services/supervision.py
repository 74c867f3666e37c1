"""Writes of the supervision: inspections (the weekly ones and the half-monthly joint ones), their
findings, the rectification orders a finding opens, and their close-out with evidence. Each write
runs in one transaction, locks its row, checks the version the user saw where it edits, and
records history with the user and a reason."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community, District
from core.exceptions import DomainError
from core.locking import locked, save_changes
from core.text import text_clean
from election.models import Campaign

from ..models import Inspection, InspectionFinding, RectificationOrder
from .files import FILE_FIELDS, file_attach, file_check

# a joint inspection is one of several member units (discipline, civil affairs, police)
JOINT_MIN_UNITS = 2


class SupervisionError(DomainError):
    pass


def text_value(model: type[models.Model], name: str, value: Any, *, required: str = "") -> str:
    """`value` cleaned, required (with the message `required`) and within the column's length."""
    text = text_clean(str(value or ""))
    if required and not text:
        raise SupervisionError(required)
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)  # noqa: S101 -- a column, not a relation
    limit = field.max_length
    if limit is not None and len(text) > limit:
        raise SupervisionError(
            _("%(field)s is longer than %(limit)s characters.")
            % {"field": field.verbose_name, "limit": limit}
        )
    return text


def past_day(value: Any, *, missing: str, future: str) -> date:
    """A day given and not still to come."""
    if not isinstance(value, date):
        raise SupervisionError(missing)
    if value > timezone.localdate():
        raise SupervisionError(future)
    return value


def _running_campaign(district: District) -> Campaign | None:
    return (
        Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING)
        .order_by("-starts_on", "-pk")
        .first()
    )


def _inspection_values(data: dict[str, Any]) -> tuple[dict[str, Any], list[Any], list[Any]]:
    kind = data.get("kind")
    if kind not in Inspection.Kind.values:
        raise SupervisionError(_("Choose the kind of inspection."))
    held_on = past_day(
        data.get("held_on"),
        missing=_("Give the day of the inspection."),
        future=_("An inspection cannot be recorded for a day still to come."),
    )
    communities = list(data.get("communities") or [])
    if not communities:
        raise SupervisionError(_("Choose at least one community visited."))
    units = list(data.get("units") or [])
    if kind == Inspection.Kind.JOINT and len(units) < JOINT_MIN_UNITS:
        raise SupervisionError(
            _(
                "A joint inspection is made by several member units: choose at least %(count)s "
                "units taking part."
            )
            % {"count": JOINT_MIN_UNITS}
        )
    values = {
        "kind": kind,
        "held_on": held_on,
        "team": text_value(Inspection, "team", data.get("team"), required=_("Say who inspected.")),
        "summary": text_value(Inspection, "summary", data.get("summary")),
    }
    return values, units, communities


def _one_district(communities: Iterable[Community]) -> int:
    districts = {c.street.district_id for c in communities}
    if len(districts) != 1:
        raise SupervisionError(_("The communities visited must lie in one district."))
    return districts.pop()


@transaction.atomic
def inspection_create(*, data: dict[str, Any], by: User) -> Inspection:
    """Record an inspection: `data` holds its kind, day (not to come), team, member units taking
    part (at least two for a joint inspection), the communities visited (at least one, all of one
    district) and a summary. The campaign is the district's running one, if any.

    Raises SupervisionError. History reason "inspection recorded". The same inspection submitted
    twice (same district, kind, day, team and communities) returns the first."""
    values, units, communities = _inspection_values(data)
    district_id = _one_district(communities)
    district = District.objects.select_for_update().get(pk=district_id)
    wanted = {c.pk for c in communities}
    for same in Inspection.objects.filter(district=district, **values).prefetch_related(
        "communities"
    ):
        if {c.pk for c in same.communities.all()} == wanted:
            return same
    inspection = Inspection(
        district=district, campaign=_running_campaign(district), created_by=by, **values
    )
    inspection._history_user = by  # type: ignore[attr-defined]
    inspection._change_reason = "inspection recorded"  # type: ignore[attr-defined]
    inspection.save()
    inspection.units.set(units)
    inspection.communities.set(communities)
    return inspection


@transaction.atomic
def inspection_update(
    *, inspection: Inspection, version: int, data: dict[str, Any], by: User
) -> Inspection:
    """Save an inspection edited from a form at `version`, with the rules of inspection_create.
    The communities stay in the inspection's district, and a community that has findings cannot
    be dropped from those visited.

    Raises ConflictError if someone saved it since, SupervisionError. History reason
    "inspection edited"."""
    inspection = locked(Inspection, inspection.pk, version)
    values, units, communities = _inspection_values(data)
    if _one_district(communities) != inspection.district_id:
        raise SupervisionError(_("The communities visited must lie in the inspection's district."))
    kept = {c.pk for c in communities}
    dropped = (
        InspectionFinding.objects.filter(inspection=inspection)
        .exclude(community_id__in=kept)
        .select_related("community")
        .first()
    )
    if dropped is not None:
        raise SupervisionError(
            _("%(community)s has findings of this inspection; it stays among those visited.")
            % {"community": dropped.community.name}
        )
    units_changed = {u.pk for u in inspection.units.all()} != {u.pk for u in units}
    communities_changed = {c.pk for c in inspection.communities.all()} != kept
    save_changes(
        inspection,
        values,
        by=by,
        reason="inspection edited",
        force=units_changed or communities_changed,
    )
    if units_changed:
        inspection.units.set(units)
    if communities_changed:
        inspection.communities.set(communities)
    return inspection


@transaction.atomic
def finding_add(
    *, inspection: Inspection, community: Community | None, description: str, by: User
) -> InspectionFinding:
    """Record what the inspection found in one of the communities it visited.

    Raises SupervisionError for a community it did not visit or without a description. History
    reason "finding recorded". Submitted twice, the first."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if community is None or not inspection.communities.filter(pk=community.pk).exists():
        raise SupervisionError(_("Choose one of the communities this inspection visited."))
    text = text_value(
        InspectionFinding, "description", description, required=_("Describe the finding.")
    )
    same = InspectionFinding.objects.filter(
        inspection=inspection, community=community, description=text
    ).first()
    if same is not None:
        return same
    finding = InspectionFinding(
        inspection=inspection, community=community, description=text, created_by=by
    )
    finding._history_user = by  # type: ignore[attr-defined]
    finding._change_reason = "finding recorded"  # type: ignore[attr-defined]
    finding.save()
    return finding


@transaction.atomic
def order_add(*, finding: InspectionFinding, data: dict[str, Any], by: User) -> RectificationOrder:
    """Open a rectification order from a finding: what must be done (`action`), by whom
    (`owner`: usually the street or the community) and by which day (`due_on`, not before the
    inspection).

    Raises SupervisionError. History reason "order opened". Submitted twice, the first open one."""
    finding = (
        InspectionFinding.objects.select_for_update()
        .select_related("inspection")
        .get(pk=finding.pk)
    )
    due_on = data.get("due_on")
    if not isinstance(due_on, date):
        raise SupervisionError(_("Give the deadline of the rectification."))
    if due_on < finding.inspection.held_on:
        raise SupervisionError(_("The deadline cannot be before the inspection."))
    values = {
        "action": text_value(
            RectificationOrder, "action", data.get("action"), required=_("Say what must be done.")
        ),
        "owner": text_value(
            RectificationOrder, "owner", data.get("owner"), required=_("Say who must do it.")
        ),
        "due_on": due_on,
    }
    same = RectificationOrder.objects.filter(finding=finding, closed_on=None, **values).first()
    if same is not None:
        return same
    order = RectificationOrder(finding=finding, created_by=by, **values)
    order._history_user = by  # type: ignore[attr-defined]
    order._change_reason = "order opened"  # type: ignore[attr-defined]
    order.save()
    return order


@transaction.atomic
def order_close(
    *,
    order: RectificationOrder,
    version: int,
    closed_on: date | None,
    close_out: str,
    evidence: UploadedFile | None,
    by: User,
) -> RectificationOrder:
    """Close a rectification order: the day it was put right (not to come, not before the order
    was opened), how (`close_out`) and the evidence (a photo or a PDF, required).

    Raises ConflictError if someone saved it since `version`, SupervisionError if it is closed
    already or a part is missing or wrong, DomainError for a file that is not an accepted photo
    or PDF. History reason "order closed". A second close is refused."""
    content_type = file_check(evidence) if evidence is not None else None
    order = locked(RectificationOrder, order.pk, version)
    if order.closed_on is not None:
        raise SupervisionError(_("This rectification order is already closed."))
    closed_on = past_day(
        closed_on,
        missing=_("Give the day the rectification was completed."),
        future=_("A rectification cannot be completed on a day still to come."),
    )
    if closed_on < timezone.localtime(order.created_at).date():
        raise SupervisionError(_("A rectification cannot be completed before it was ordered."))
    text = text_value(
        RectificationOrder, "close_out", close_out, required=_("Say how it was put right.")
    )
    if evidence is None or content_type is None:
        raise SupervisionError(_("Attach the close-out evidence (a photo or a PDF)."))
    file_attach(order, evidence, content_type)
    save_changes(
        order,
        {"closed_on": closed_on, "close_out": text},
        by=by,
        reason="order closed",
        also=FILE_FIELDS,
    )
    return order
