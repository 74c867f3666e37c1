"""Writes for the survey (调查摸底) ledger of a community's plan.

The community's "difficult" flag and its reason belong to the community's profile and are edited
there (`communities.services.community_update`), not here.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ConflictError, DomainError

from ..models import Campaign, SurveyLedger

SURVEY_FIELDS = [
    "forums_held",
    "households_visited",
    "questionnaires_issued",
    "questionnaires_returned",
    "problems_found",
    "problems_resolved",
]


class SurveyError(DomainError):
    pass


def _field_names(fields: list[str]) -> str:
    return _(", ").join(
        str(getattr(SurveyLedger._meta.get_field(f), "verbose_name", f)) for f in fields
    )


def _conflict(current: SurveyLedger, version: int) -> ConflictError:
    base = current.history.filter(version=version).order_by("-history_date").first()
    theirs = [f for f in SURVEY_FIELDS if base is None or getattr(base, f) != getattr(current, f)]
    return ConflictError(
        _(
            "Someone else saved this record while you were editing it, so your changes were not "
            "saved. The form now shows the current values; changed meanwhile: %(fields)s."
        )
        % {"fields": _field_names(theirs) or _("none of the fields on this form")},
        changed=theirs,
    )


def _check(ledger: SurveyLedger) -> None:
    if ledger.questionnaires_returned > ledger.questionnaires_issued:
        raise SurveyError(
            _("%(returned)s questionnaires returned is more than the %(issued)s issued.")
            % {
                "returned": ledger.questionnaires_returned,
                "issued": ledger.questionnaires_issued,
            }
        )
    if ledger.problems_resolved > ledger.problems_found:
        raise SurveyError(
            _("%(resolved)s problems resolved is more than the %(found)s found.")
            % {"resolved": ledger.problems_resolved, "found": ledger.problems_found}
        )


@transaction.atomic
def survey_update(
    *, ledger: SurveyLedger, version: int, data: Mapping[str, Any], by: User, reason: str = ""
) -> SurveyLedger:
    """Save the survey counts from a form that was loaded at `version`.

    Locks the ledger. Raises ConflictError naming the fields someone else changed since
    `version` (nothing is written), SurveyError when more questionnaires are returned than issued,
    more problems resolved than found, a count is negative, or the campaign is closed. A save that
    changes nothing writes nothing. History reason: `reason`, else "survey updated".
    """
    current = (
        SurveyLedger.objects.select_for_update().select_related("plan__campaign").get(pk=ledger.pk)
    )
    if current.version != version:
        raise _conflict(current, version)
    if current.plan.campaign.status == Campaign.Status.CLOSED:
        raise SurveyError(_("“%(name)s” is closed.") % {"name": current.plan.campaign.name})
    before = {f: getattr(current, f) for f in SURVEY_FIELDS}
    for field in SURVEY_FIELDS:
        if field in data:
            value = int(data[field])
            if value < 0:
                raise SurveyError(_("Counts cannot be negative."))
            setattr(current, field, value)
    _check(current)
    changed = [f for f in SURVEY_FIELDS if getattr(current, f) != before[f]]
    if not changed:
        return current
    current.version += 1
    current._history_user = by  # type: ignore[attr-defined]
    current._change_reason = reason.strip() or "survey updated"  # type: ignore[attr-defined]
    current.save(update_fields=[*changed, "version", "updated_at"])
    return current
