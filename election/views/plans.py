"""A community's plan, step entry (in place with htmx), evidence, public notices, closing and
reopening stages, and the street official's worklist."""

import mimetypes
from collections.abc import Iterator
from functools import partial
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.forms import Form, ModelForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest
from core.text import text_truncate

from ..forms import (
    NOTICE_PLACES,
    EvidenceForm,
    NoticeForm,
    PlanDatesForm,
    StageReopenForm,
    StepForm,
    WorklistFilterForm,
)
from ..models import PlanStep
from ..permissions import (
    access_evidence,
    access_notice,
    access_plan,
    access_stage,
    access_step,
    campaigns_for_user,
)
from ..selectors import plan_can_edit, plan_sections, step_files, step_row
from ..selectors.plan_parts import plan_page_parts, step_hand_edit_refusal
from ..selectors.terms import plan_voting_summary
from ..selectors.worklist import worklist_page, worklist_scope
from ..services.changes import ChangeNeedsConfirmation, StepImpact, plan_dates_change
from ..services.evidence import FILE_TYPES, download_name
from ..services.evidence import evidence_add as evidence_add_service
from ..services.notices import notice_add as notice_add_service
from ..services.plans import plan_refresh_if_stale, stage_close, stage_reopen, step_update

EDIT = "change_community"
PAGE_SIZE = 30


def _step_url(step: PlanStep) -> str:
    return f"{step.plan.get_absolute_url()}#step-{step.pk}"


def _in_worklist(request: AuthenticatedHttpRequest) -> bool:
    """Whether a step's row was opened from the worklist (its rows name the community)."""
    return request.GET.get("in") == "worklist"


def _next_url(request: AuthenticatedHttpRequest) -> str:
    """Where the user came from (`next`, in the query or the form), if it is a page of this site;
    else "". A save returns there instead of the top of the plan."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe and url.startswith("/") else ""


def _back_to(request: AuthenticatedHttpRequest, step: PlanStep) -> str:
    """After a save without htmx: the page the user came from at the step's row, else the step
    on its plan (the plan page opens the step's stage)."""
    url = _next_url(request)
    return f"{url.split('#')[0]}#step-{step.pk}" if url else _step_url(step)


def _errors(form: Form | ModelForm) -> str:  # type: ignore[type-arg]
    """A form's error messages as one flash message (for forms posted from another page)."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _step_query(request: AuthenticatedHttpRequest) -> str:
    """The query string that keeps a step's editor and row in the worklist's form, and the page
    to return to after a save."""
    params = {"in": "worklist"} if _in_worklist(request) else {}
    if url := _next_url(request):
        params["next"] = url
    return f"?{urlencode(params)}" if params else ""


def _row(request: AuthenticatedHttpRequest, step: PlanStep, *, saved: bool = False) -> HttpResponse:
    """A step's row, sent back in place. On the worklist, its Edit link opened as a page returns
    to the worklist as the browser shows it (htmx names the current address; same site only)."""
    here = request.htmx.current_url_abs_path if request.htmx else None
    link_query = ""
    if _in_worklist(request) and here:
        link_query = f"?{urlencode({'in': 'worklist', 'next': here})}"
    return render(
        request,
        "election/_step_row.html",
        {
            "step": step_row(step, today=timezone.localdate()),
            "can_edit": True,
            "show_community": _in_worklist(request),
            "step_query": _step_query(request),
            "link_query": link_query,
            "just_saved": saved,
        },
    )


def _chunks(file: FieldFile) -> Iterator[bytes]:
    # opened on the first read and closed at the end, or when the response is dropped unread
    with file.open("rb") as f:
        yield from iter(partial(f.read, 64 * 1024), b"")


def _download(file: FieldFile, filename: str, content_type: str = "") -> FileResponse:
    """Stream a stored file as an attachment named `filename`."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    # a generator, so FileResponse leaves the headers of a file object to us
    response = FileResponse(_chunks(file), content_type=content_type)
    response["Content-Length"] = str(file.size)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


# --- the plan -------------------------------------------------------------------------------------


def _plan_page(
    request: AuthenticatedHttpRequest,
    plan: Any,
    *,
    dates_form: PlanDatesForm | None = None,
    impact: list[StepImpact] | None = None,
) -> HttpResponse:
    """The plan page. Finished stages are folded, the current one open; the page opens at the
    current stage unless it shows the days form again (an error, or steps to confirm)."""
    today = timezone.localdate()
    sections = plan_sections(plan, today=today)
    current = next((s for s in sections if s.stage.template_id == plan.current_stage_id), None)
    return render(
        request,
        "election/plan_detail.html",
        {
            "plan": plan,
            "sections": sections,
            "current_stage": current.stage if current else None,
            "can_edit": plan_can_edit(request.user, plan),
            "dates_form": dates_form
            or PlanDatesForm(instance=plan, initial={"version": plan.version}),
            "dates_open": dates_form is not None,
            "impact": impact or [],
            "voting": plan_voting_summary(plan),
            "can_postpone": campaigns_for_user(request.user).filter(pk=plan.campaign_id).exists(),
            "reopen_form": StageReopenForm(),
            "today": today,
            "plan_parts": plan_page_parts(plan, request.user),
        },
    )


@require_GET
@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # a plan an older rule engine computed is recomputed before it is shown
    plan = plan_refresh_if_stale(plan=access_plan(request.user, pk))
    return _plan_page(request, plan)


@require_POST
@login_required
def plan_dates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move the plan's days. When the new days make a step red or overdue, the plan page comes
    back with those steps listed and the form ready to confirm; nothing is saved until then."""
    plan = access_plan(request.user, pk, perm=EDIT)
    form = PlanDatesForm(request.POST, instance=plan)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(plan)
    data = form.cleaned_data
    try:
        plan_dates_change(
            plan=plan,
            version=data["version"],
            election_on=data["election_on"],
            party_election_on=data["party_election_on"],
            committee_formed_on=data["committee_formed_on"],
            by=request.user,
            reason=data["reason"],
            confirmed=form.is_confirmed(),
        )
    except ChangeNeedsConfirmation as e:
        form.ask_confirmation()
        messages.warning(request, str(e))
        return _plan_page(request, plan, dates_form=form, impact=e.steps)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Election days saved; due dates and flags recomputed."))
    return redirect(plan)


# --- steps ----------------------------------------------------------------------------------------


def _editor(
    request: AuthenticatedHttpRequest,
    step: PlanStep,
    form: StepForm,
    *,
    error: str = "",
) -> HttpResponse:
    """The step's editor: its form, its files and notices, the upload form. A partial for htmx
    (it replaces the step's row), else a page. Uploads and notices are swapped in place inside
    it, so they never reset what the user typed in the form."""
    evidence, notices = step_files(step)
    context = {
        "step": step,
        "form": form,
        "error": error,
        "evidence": evidence,
        "notices": notices,
        "evidence_form": EvidenceForm(),
        "in_worklist": _in_worklist(request),
        "step_query": _step_query(request),
        "back_url": _back_to(request, step),
        # as a page, the form posts plainly, so that a save returns where the user came from
        "as_page": not request.htmx,
    }
    template = "election/_step_edit.html" if request.htmx else "election/step_edit.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def step_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the step's editor. POST: save through step_update, then the updated row (htmx) or
    the page the user came from (`next`: the worklist with its filters), else the step on its
    plan. A stale save shows the current values and says why; a refused one (closed stage, a date
    still to come) shows the form again with the message."""
    step = access_step(request.user, pk, perm=EDIT)
    if request.method == "GET" and request.htmx and request.GET.get("show") == "row":
        return _row(request, step)  # the editor's Cancel
    form = StepForm(request.POST or None, instance=step, initial={"version": step.version})
    # a step that follows records kept elsewhere (an audit's dates) is not ticked by hand
    if refusal := step_hand_edit_refusal(step):
        return _editor(request, step, form, error=refusal)
    if request.method != "POST" or not form.is_valid():
        return _editor(request, step, form)
    data = {f: form.cleaned_data[f] for f in StepForm.Meta.fields}
    try:
        saved = step_update(
            step=step, version=form.cleaned_data["version"], data=data, by=request.user
        )
    except ConflictError as e:
        step = access_step(request.user, pk, perm=EDIT)
        current = StepForm(instance=step, initial={"version": step.version})
        return _editor(request, step, current, error=str(e))
    except DomainError as e:
        return _editor(request, step, form, error=str(e))
    if not request.htmx:
        messages.success(request, _("“%(step)s” saved.") % {"step": step.template.title})
        return redirect(_back_to(request, step))
    return _row(request, saved, saved=True)


# --- evidence and notices -------------------------------------------------------------------------


@require_POST
@login_required
def evidence_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a photo or PDF to a step. With htmx only the editor's evidence part comes back
    (the file listed, or the reason it was refused), so the step's form keeps what the user typed;
    without, the page the user came from with a flash message."""
    step = access_step(request.user, pk, perm=EDIT)
    form = EvidenceForm(request.POST, request.FILES)
    error = notice = ""
    if not form.is_valid():
        # the field says what is wrong: no file chosen, an empty file, a name too long
        errors = [str(e) for e in form.errors.get("file") or []]
        error = " ".join(errors) or _("Choose a photo or PDF to upload.")
    else:
        try:
            evidence = evidence_add_service(
                step=step, file=form.cleaned_data["file"], by=request.user
            )
        except DomainError as e:
            error = str(e)
        else:
            notice = _("“%(name)s” attached.") % {"name": text_truncate(evidence.original_name)}
    if request.htmx:
        evidence_files, _notices = step_files(step)
        context = {
            "step": step,
            "evidence": evidence_files,
            "evidence_form": EvidenceForm(),
            "error": error,
            "notice": notice,
            "step_query": _step_query(request),
        }
        return render(request, "election/_step_evidence.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(_back_to(request, step))


@require_GET
@login_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    evidence = access_evidence(request.user, pk)
    return _download(evidence.file, download_name(evidence.original_name, evidence.content_type))


def _notices(request: AuthenticatedHttpRequest, step: PlanStep, *, saved: str = "") -> HttpResponse:
    """The editor's notices part; with it, out of band, the step's flags (a notice can turn the
    step red or lift the warning that it needs one)."""
    step = access_step(request.user, step.pk, perm=EDIT)  # its red flag as just recomputed
    _evidence, notices = step_files(step)
    context = {
        "step": step,
        "notices": notices,
        "saved": saved,
        "step_query": _step_query(request),
        "oob": True,
    }
    return render(request, "election/_step_notices.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def notice_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a public notice of a step. With htmx, inside the step's editor: GET the form in
    place of the notices (`show=list`: the notices again, the form's Cancel), POST saves and
    returns the notices; the step's own form is left as the user typed it. Without htmx, a page
    that returns to where the user came from."""
    step = access_step(request.user, pk, perm=EDIT)
    if request.htmx and request.method == "GET" and request.GET.get("show") == "list":
        return _notices(request, step)
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice_add_service(
                step=step,
                data=form.cleaned_data,
                photo=form.cleaned_data["photo"],
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            if request.htmx:
                return _notices(request, step, saved=_("Public notice recorded."))
            messages.success(request, _("Public notice recorded."))
            return redirect(_back_to(request, step))
    template = "election/_notice_form.html" if request.htmx else "election/notice_add.html"
    context = {
        "step": step,
        "form": form,
        "places": NOTICE_PLACES,
        "step_query": _step_query(request),
        "back_url": _back_to(request, step),
    }
    return render(request, template, context)


@require_GET
@login_required
def notice_photo(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    notice = access_notice(request.user, pk)
    if not notice.photo:
        raise Http404
    extension = PurePath(notice.photo.name).suffix.lower()
    content_type = next((t for t, ext in FILE_TYPES.items() if ext == extension), "")
    return _download(notice.photo, download_name(notice.title, content_type), content_type)


# --- stages ---------------------------------------------------------------------------------------


@require_POST
@login_required
def stage_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stage = access_stage(request.user, pk, perm=EDIT)
    try:
        stage_close(stage=stage, by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("“%(stage)s” closed.") % {"stage": stage.template.title})
    return redirect(stage.plan)


@require_POST
@login_required
def stage_reopen_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    stage = access_stage(request.user, pk, perm=EDIT)
    form = StageReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(stage.plan)
    try:
        stage_reopen(stage=stage, reason=form.cleaned_data["reason"], by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("“%(stage)s” reopened.") % {"stage": stage.template.title})
    return redirect(stage.plan)


# --- the worklist ---------------------------------------------------------------------------------


@require_GET
@login_required
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The open steps of the user's communities, most urgent first. With htmx (the filters),
    only the rows."""
    scope = worklist_scope(request.user)
    form = WorklistFilterForm(request.GET or None, stages=scope.stages)
    page = worklist_page(
        scope,
        form.filters(),
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
        today=timezone.localdate(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "election/worklist_rows.html" if request.htmx else "election/worklist.html"
    # an editor opened as a page (no htmx) returns here, with these filters, after a save
    link_query = "?" + urlencode({"in": "worklist", "next": request.get_full_path()})
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_edit": scope.can_edit,
        "link_query": link_query,
    }
    return render(request, template, context)
