"""Audit firms and engagements: engaging one firm for many communities at once, an engagement's
dates (its state follows them), its audited officials and its final report; the plan's audit
steps follow the engagements.

The plan's steps `audit-engage`, `audit-fieldwork` and `audit-report` are done when every
engagement of the plan has reached them (engaged, fieldwork ended, final report received), on the
latest such day; they are written through election's `step_update` (history, recomputation of
the plan). While a plan has an engagement those steps are not ticked by hand (`step_guard`).
"""

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District
from core.exceptions import DomainError
from core.locking import locked, save_changes, stale
from core.uploads import upload_name
from election.models import Campaign, CommunityPlan, PlanStep
from election.services.plans import step_update

from ..models import AuditFirm, AuditSubject, Engagement
from .files import file_check, file_store

FIRM_FIELDS = ["name", "contact_person", "phone", "address", "qualification", "is_active"]
DATE_FIELDS = [
    "engaged_on",
    "fieldwork_started_on",
    "fieldwork_ended_on",
    "draft_received_on",
    "report_received_on",
]
DETAIL_FIELDS = [*DATE_FIELDS, "amount_audited", "notes"]

# the plan's steps that follow the engagements: step code → the engagement's date that does it
STEP_DATES = {
    "audit-engage": "engaged_on",
    "audit-fieldwork": "fieldwork_ended_on",
    "audit-report": "report_received_on",
}


class AuditError(DomainError):
    pass


def _history(obj: Any, by: User, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason


# --- firms ----------------------------------------------------------------------------------------


def _firm_name_check(district: District, name: str, exclude: int | None = None) -> None:
    others = AuditFirm.objects.filter(district=district, name=name)
    if exclude:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise AuditError(_("An audit firm named “%(name)s” already exists.") % {"name": name})


@transaction.atomic
def firm_create(*, district: District, data: dict[str, Any], by: User) -> AuditFirm:
    """Add an audit firm to the district. Raises AuditError if the name is taken."""
    _firm_name_check(district, data["name"])
    firm = AuditFirm(district=district, **{f: data[f] for f in FIRM_FIELDS if f in data})
    _history(firm, by, "audit firm added")
    firm.save()
    return firm


@transaction.atomic
def firm_update(*, firm: AuditFirm, version: int, data: dict[str, Any], by: User) -> AuditFirm:
    """Save a firm's details from a form at `version` (ConflictError if someone saved since)."""
    firm = locked(AuditFirm, firm.pk, version, conflict=stale(AuditFirm, form_refilled=True))
    _firm_name_check(firm.district, data["name"], exclude=firm.pk)
    values = {f: data[f] for f in FIRM_FIELDS if f in data}
    save_changes(firm, values, by=by, reason="audit firm updated")
    return firm


# --- the plan's steps -----------------------------------------------------------------------------


def steps_follow(*, plan: CommunityPlan, by: User) -> None:
    """Bring the plan's audit steps in line with its engagements (call inside the transaction
    that changed them). Raises PlanError if a step to change lies in a closed stage."""
    engagements = list(Engagement.objects.filter(plan=plan).values(*STEP_DATES.values()))
    if not engagements:
        return
    steps = PlanStep.objects.filter(plan=plan, template__code__in=STEP_DATES).select_related(
        "template"
    )
    for step in steps:
        days = [e[STEP_DATES[step.template.code]] for e in engagements]
        if all(days):
            status, done_on = PlanStep.Status.DONE, max(days)
        else:
            status, done_on = PlanStep.Status.IN_PROGRESS, None
        if step.status == status and step.done_on == done_on:
            continue
        step_update(
            step=step,
            version=step.version,
            data={"status": status, "done_on": done_on},
            by=by,
            reason="follows the audit engagements",
        )


def step_guard(step: PlanStep) -> str:
    """Why an audit step may not be ticked by hand: its plan has an engagement."""
    if step.template.code not in STEP_DATES:
        return ""
    if not Engagement.objects.filter(plan_id=step.plan_id).exists():
        return ""
    return _(
        "This step follows the plan's audit engagements: it is done when every engagement "
        "reaches it. Enter the dates on the engagement instead."
    )


# --- engaging -------------------------------------------------------------------------------------


def _not_future(day: date | None, label: str) -> None:
    if day and day > timezone.localdate():
        raise AuditError(_("%(what)s cannot be a day still to come.") % {"what": label})


@transaction.atomic
def engagements_create(
    *,
    campaign: Campaign,
    plans: QuerySet[CommunityPlan],
    firm: AuditFirm,
    kind: str,
    engaged_on: date,
    by: User,
) -> tuple[list[Engagement], int]:
    """Engage `firm` for an audit of `kind` in each of `plans` (of the running `campaign`).

    Plans that already have an engagement of this kind are skipped. All or nothing: if one plan
    cannot take it (a closed stage), none is created. Returns (the engagements created, the
    number skipped). History reason "engaged"; the plans' audit steps follow.
    """
    if campaign.status != Campaign.Status.RUNNING:
        raise AuditError(_("Audits are engaged only for a running campaign."))
    if firm.district_id != campaign.district_id or not firm.is_active:
        raise AuditError(_("Choose an active audit firm of the campaign's district."))
    _not_future(engaged_on, str(Engagement._meta.get_field("engaged_on").verbose_name))
    locked = list(
        CommunityPlan.objects.select_for_update(of=("self",))
        .filter(pk__in=plans.values("pk"), campaign=campaign)
        .select_related("community")
        .order_by("pk")
    )
    if not locked:
        raise AuditError(_("Choose at least one community of the campaign."))
    taken = set(
        Engagement.objects.filter(plan__in=locked, kind=kind).values_list("plan_id", flat=True)
    )
    created = []
    for plan in locked:
        if plan.pk in taken:
            continue
        engagement = Engagement(
            plan=plan, firm=firm, kind=kind, engaged_on=engaged_on, created_by=by
        )
        _history(engagement, by, "engaged")
        try:
            with transaction.atomic():
                engagement.save()
        except IntegrityError as e:  # engaged by someone else meanwhile
            raise stale(Engagement, form_refilled=True) from e
        created.append(engagement)
        steps_follow(plan=plan, by=by)
    return created, len(taken)


def _state(engagement: Engagement) -> str:
    if engagement.state == Engagement.State.POSTED:
        return engagement.state
    if engagement.report_received_on:
        return Engagement.State.REPORTED
    if engagement.draft_received_on:
        return Engagement.State.DRAFT
    if engagement.fieldwork_started_on:
        return Engagement.State.FIELDWORK
    return Engagement.State.ENGAGED


def state_from_dates(engagement: Engagement) -> str:
    """The state an engagement's dates give it, whether or not its results are posted."""
    return _state(Engagement(**{f: getattr(engagement, f) for f in DATE_FIELDS}))


def dates_check(values: dict[str, Any]) -> None:
    """The dates in their order, none to come; a later one needs the ones before it."""

    def label(name: str) -> str:
        return str(Engagement._meta.get_field(name).verbose_name)  # type: ignore[union-attr]

    for name in DATE_FIELDS:
        _not_future(values.get(name), label(name))
    needs = {
        "fieldwork_ended_on": "fieldwork_started_on",
        "draft_received_on": "fieldwork_ended_on",
        "report_received_on": "fieldwork_ended_on",
    }
    for name, before in needs.items():
        if values.get(name) and not values.get(before):
            raise AuditError(
                _("Enter “%(before)s” before “%(after)s”.")
                % {"before": label(before), "after": label(name)}
            )
    previous = None
    for name in DATE_FIELDS:
        day = values.get(name)
        if not day:
            continue
        if previous and day < values[previous]:
            raise AuditError(
                _("“%(after)s” cannot be earlier than “%(before)s”.")
                % {"after": label(name), "before": label(previous)}
            )
        previous = name


@transaction.atomic
def engagement_update(
    *, engagement: Engagement, version: int, data: dict[str, Any], by: User
) -> Engagement:
    """Save an engagement's dates (and amount and notes) from a form at `version`.

    Raises ConflictError if someone saved it since, AuditError for dates out of order or still
    to come, or for clearing the report day of posted results. The state follows the dates;
    the plan's audit steps follow. History reason "dates updated".
    """
    engagement = locked(
        Engagement.objects.select_for_update(of=("self",)),
        engagement.pk,
        version,
        conflict=stale(Engagement, form_refilled=True),
    )
    values = {f: data.get(f, getattr(engagement, f)) for f in DETAIL_FIELDS}
    if not values["engaged_on"]:
        raise AuditError(_("Enter the day the firm was engaged."))
    dates_check(values)
    if engagement.state == Engagement.State.POSTED and not values["report_received_on"]:
        raise AuditError(
            _("The results are already posted; the final report's day cannot be cleared.")
        )
    if all(getattr(engagement, f) == values[f] for f in DETAIL_FIELDS):
        return engagement
    # the state follows the new dates (posted results stay posted)
    values["state"] = _state(Engagement(state=engagement.state, **values))
    save_changes(engagement, values, by=by, reason="dates updated")
    steps_follow(plan=engagement.plan, by=by)
    return engagement


@transaction.atomic
def report_upload(*, engagement: Engagement, file: UploadedFile, by: User) -> Engagement:
    """Attach the final report (a PDF or photo, checked by its content and size; AuditError or
    EvidenceError otherwise), replacing any earlier one. History reason "report uploaded"."""
    content_type = file_check(file)
    engagement = Engagement.objects.select_for_update(of=("self",)).get(pk=engagement.pk)
    file_store(engagement.report_file, file, content_type)
    save_changes(
        engagement,
        {"report_name": upload_name(file), "report_type": content_type},
        by=by,
        reason="report uploaded",
        also=["report_file"],
    )
    return engagement


# --- audited officials ----------------------------------------------------------------------------


@transaction.atomic
def subject_add(*, engagement: Engagement, data: dict[str, Any], by: User) -> AuditSubject:
    """Add an outgoing official (name, post, term) to the engagement. Raises AuditError if the
    same name and post are already listed or the term ends before it starts."""
    engagement = Engagement.objects.select_for_update(of=("self",)).get(pk=engagement.pk)
    name, post = data["name"].strip(), data["post"].strip()
    if not name or not post:
        raise AuditError(_("Enter the official's name and post."))
    started, ended = data.get("term_started_on"), data.get("term_ended_on")
    if started and ended and ended < started:
        raise AuditError(_("The term cannot end before it starts."))
    if AuditSubject.objects.filter(engagement=engagement, name=name, post=post).exists():
        raise AuditError(_("%(name)s (%(post)s) is already listed.") % {"name": name, "post": post})
    subject = AuditSubject(
        engagement=engagement,
        name=name,
        post=post,
        term_started_on=started,
        term_ended_on=ended,
    )
    _history(subject, by, "audited official added")
    subject.save()
    return subject


@transaction.atomic
def subject_remove(*, subject: AuditSubject, by: User) -> None:
    Engagement.objects.select_for_update(of=("self",)).get(pk=subject.engagement_id)
    _history(subject, by, "audited official removed")
    subject.delete()
