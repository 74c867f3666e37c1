"""Writes of the cases (有报必查): opening a case on a report with its officers, changing them,
recording the steps of the investigation, moving from verification to investigation, and
concluding with an outcome, the measures taken and the reply to the reporter; and the office
naming the district's discipline leads.

Each write runs in one transaction, locks its row, checks the version the user saw where an edit
form exists, and records history with the user and a reason (the report's history has no
identity fields; case entries have no history). Refusals are `CaseError`s with a message in the
user's language.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District
from core.exceptions import ConflictError, DomainError
from core.locking import locked, save_changes
from core.text import text_clean
from election.models import Campaign, RuleSet

from ..models import Case, CaseEntry, DisciplineLead, Report
from ..permissions import discipline_officers

# without a campaign (and so a rule set), a case is due this many days after opening
DEFAULT_CASE_DAYS = RuleSet._meta.get_field("case_days").default
TEXT_LIMIT = 5000


class CaseError(DomainError):
    pass


def _stale() -> ConflictError:
    return ConflictError(
        _("Someone else saved this case since you opened it; reload the page and try again.")
    )


def _case_days(report: Report) -> int:
    campaign = report.campaign
    if campaign is None:
        campaign = (
            Campaign.objects.filter(district_id=report.district_id, status=Campaign.Status.RUNNING)
            .select_related("rule_set")
            .order_by("-pk")
            .first()
        )
    if campaign is None:
        return int(DEFAULT_CASE_DAYS)
    return int(campaign.rule_set.case_days)


def _officers_check(district: District, officers: list[User]) -> list[User]:
    if not officers:
        raise CaseError(_("Choose at least one discipline officer for the case."))
    allowed = set(
        discipline_officers(district)
        .filter(pk__in=[u.pk for u in officers])
        .values_list("pk", flat=True)
    )
    for officer in officers:
        if officer.pk not in allowed:
            raise CaseError(
                _("%(name)s is not a discipline officer of the district.") % {"name": officer}
            )
    return officers


def _text(value: str, *, required: str = "") -> str:
    text = text_clean(value or "")
    if required and not text:
        raise CaseError(required)
    if len(text) > TEXT_LIMIT:
        raise CaseError(_("The text is longer than %(limit)s characters.") % {"limit": TEXT_LIMIT})
    return text


def _case_lock(case: Case, version: int | None) -> Case:
    return locked(Case.objects.select_related("report"), case.pk, version, conflict=_stale())


@transaction.atomic
def case_open(*, report: Report, officers: list[User], by: User) -> Case:
    """Open the case of a received report with its officers; it is due the rule set's
    `case_days` after today (the report's campaign, else the district's running campaign, else
    the rule sets' default). The report moves to "under investigation".

    Raises CaseError if the report already has a case, or without officers, or for an officer
    who is not a discipline officer of the report's district. History reasons "case opened"
    (case) and "case opened" (report).
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != Report.State.RECEIVED or Case.objects.filter(report=report).exists():
        raise CaseError(_("A case is already open for report %(number)s.") % {"number": report})
    _officers_check(report.district, officers)
    now = timezone.now()
    case = Case(
        report=report,
        opened_at=now,
        due_on=timezone.localdate(now) + timedelta(days=_case_days(report)),
        created_by=by,
    )
    case._history_user = by  # type: ignore[attr-defined]
    case._change_reason = "case opened"  # type: ignore[attr-defined]
    case.save()
    case.officers.set(officers)
    save_changes(report, {"state": Report.State.OPEN}, by=by, reason="case opened")
    return case


@transaction.atomic
def case_officers_set(*, case: Case, officers: list[User], version: int, by: User) -> Case:
    """Replace the officers on a case. Raises ConflictError if the case changed since `version`,
    CaseError for a concluded case, no officers or someone who is not a discipline officer of
    the district. Setting the same officers again changes nothing. History "officers changed"."""
    case = _case_lock(case, version)
    if case.stage == Case.Stage.CONCLUDED:
        raise CaseError(_("The case is concluded; its officers no longer change."))
    _officers_check(case.report.district, officers)
    if {u.pk for u in officers} == set(case.officers.values_list("pk", flat=True)):
        return case
    save_changes(case, {}, by=by, reason="officers changed", force=True)
    case.officers.set(officers)
    return case


@transaction.atomic
def case_entry_add(*, case: Case, kind: str, text: str, by: User) -> CaseEntry:
    """Record a step of the investigation (verification, investigation or a note). Raises
    CaseError for a concluded case, an unknown kind or an empty text. Entries are confidential
    and have no history of their own."""
    case = _case_lock(case, None)
    if case.stage == Case.Stage.CONCLUDED:
        raise CaseError(_("The case is concluded; no more entries can be added."))
    if kind not in CaseEntry.Kind.values:
        raise CaseError(_("Choose what kind of entry this is."))
    body = _text(text, required=_("Write what was done or found."))
    return CaseEntry.objects.create(case=case, kind=kind, text=body, created_by=by)


@transaction.atomic
def case_stage_advance(*, case: Case, version: int, by: User) -> Case:
    """Move a case from verification to investigation. Raises ConflictError if the case changed
    since `version`, CaseError if it is not being verified. History "investigation started"."""
    case = _case_lock(case, version)
    if case.stage != Case.Stage.VERIFYING:
        raise CaseError(_("Only a case being verified moves on to investigation."))
    save_changes(case, {"stage": Case.Stage.INVESTIGATING}, by=by, reason="investigation started")
    return case


@transaction.atomic
def case_conclude(
    *, case: Case, outcome: str, measures: str, reply: str, version: int, by: User
) -> Case:
    """Conclude a case with its outcome (属实 / 部分属实 / 不属实), the measures taken (required
    when the report is substantiated, even in part) and the reply the reporter reads with the
    receipt code. The report is concluded too.

    Raises ConflictError if the case changed since `version`; CaseError if it is already
    concluded, without an outcome, or substantiated without measures. History "case concluded".
    """
    case = _case_lock(case, version)
    if case.stage == Case.Stage.CONCLUDED:
        raise CaseError(_("The case of report %(number)s is already concluded.") % {"number": case})
    if outcome not in Case.Outcome.values:
        raise CaseError(_("Choose the outcome of the case."))
    measures_text = _text(measures)
    if outcome != Case.Outcome.UNFOUNDED and not measures_text:
        raise CaseError(_("A substantiated report needs the measures taken."))
    values = {
        "stage": Case.Stage.CONCLUDED,
        "outcome": outcome,
        "measures": measures_text,
        "reply": _text(reply),
        "concluded_at": timezone.now(),
    }
    save_changes(case, values, by=by, reason="case concluded")
    report = locked(Report, case.report_id, None)
    save_changes(report, {"state": Report.State.CONCLUDED}, by=by, reason="case concluded")
    return case


# --- the district's discipline leads ------------------------------------------------------------


@transaction.atomic
def lead_add(*, district: District, user: User, by: User) -> DisciplineLead:
    """Make a discipline officer of the district one of its leads. Raises CaseError for anyone
    else; naming a lead twice changes nothing. History "lead named"."""
    District.objects.select_for_update().filter(pk=district.pk).first()
    if not discipline_officers(district).filter(pk=user.pk).exists():
        raise CaseError(_("%(name)s is not a discipline officer of the district.") % {"name": user})
    lead = DisciplineLead.objects.filter(district=district, user=user).first()
    if lead is not None:
        return lead
    lead = DisciplineLead(district=district, user=user)
    lead._history_user = by  # type: ignore[attr-defined]
    lead._change_reason = "lead named"  # type: ignore[attr-defined]
    lead.save()
    return lead


@transaction.atomic
def lead_remove(*, district: District, user: User, by: User) -> bool:
    """Remove a lead of the district (they stay a discipline officer). Returns whether one was
    removed; removing twice removes nothing. History "lead removed"."""
    District.objects.select_for_update().filter(pk=district.pk).first()
    lead = DisciplineLead.objects.filter(district=district, user=user).first()
    if lead is None:
        return False
    lead._history_user = by  # type: ignore[attr-defined]
    lead._change_reason = "lead removed"  # type: ignore[attr-defined]
    lead.delete()
    return True
