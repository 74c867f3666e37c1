"""Pages of the joint meetings of the member units: the list, recording and editing a meeting (with
its signed minutes as a file), its decisions with owner and deadline, and their follow-up. The
office records; the office, the discipline officers and the supervision team read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from communities.permissions import OutOfScope
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest

from ..forms_supervision import DecisionFollowUpForm, DecisionForm, MeetingForm
from ..permissions import (
    access_decision,
    access_meeting,
    can_record_meetings,
    can_write_meeting,
    office_districts,
    reading_districts,
)
from ..selectors.supervision import meeting_decisions, meeting_list, overdue_days
from ..services.files import file_response
from ..services.meetings import (
    decision_add as decision_record,
)
from ..services.meetings import (
    decision_follow_up,
    meeting_create,
    meeting_update,
)

PAGE_SIZE = 50


def _detail_url(pk: int) -> str:
    return reverse("discipline:meeting-detail", args=[pk])


@require_GET
@login_required
def meetings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The joint meetings of the user's districts, newest first, with their decisions counted."""
    if not reading_districts(request.user).exists():
        raise OutOfScope
    rows = meeting_list(request.user, today=timezone.localdate())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_record": can_record_meetings(request.user)}
    return render(request, "discipline/meetings/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a joint meeting (the office)."""
    districts = office_districts(request.user)
    if not districts.exists():
        raise OutOfScope
    form = MeetingForm(request.POST or None, request.FILES or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meeting_create(
                district=data["district"],
                data=data,
                file=data.get("signed_minutes"),
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Joint meeting recorded."))
            return redirect(_detail_url(meeting.pk))
    return render(request, "discipline/meetings/meeting_form.html", {"form": form, "meeting": None})


@require_GET
@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk)
    can_write = can_write_meeting(request.user, meeting)
    context = {
        "meeting": meeting,
        "units": list(meeting.units.order_by("name")),
        "rows": meeting_decisions(meeting, today=timezone.localdate()),
        "can_write": can_write,
        "decision_form": DecisionForm() if can_write else None,
    }
    return render(request, "discipline/meetings/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = access_meeting(request.user, pk, write=True)
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        instance=meeting,
        districts=None,
        initial={"version": meeting.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting_update(
                meeting=meeting,
                version=data.get("version") or 0,
                data=data,
                file=data.get("signed_minutes"),
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("discipline:meeting-edit", args=[meeting.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Joint meeting saved."))
            return redirect(_detail_url(meeting.pk))
    return render(
        request, "discipline/meetings/meeting_form.html", {"form": form, "meeting": meeting}
    )


@require_http_methods(["GET", "POST"])
@login_required
def decision_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a decision of the meeting: text, owner, deadline (the office)."""
    meeting = access_meeting(request.user, pk, write=True)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = decision_record(meeting=meeting, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(_detail_url(meeting.pk) + f"#decision-{decision.pk}")
    return render(
        request, "discipline/meetings/decision_form.html", {"form": form, "meeting": meeting}
    )


@require_http_methods(["GET", "POST"])
@login_required
def decision_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Follow a decision up: a note, and the day it was done (the office)."""
    decision = access_decision(request.user, pk)
    form = DecisionFollowUpForm(
        request.POST or None,
        initial={
            "version": decision.version,
            "follow_up": decision.follow_up,
            "done_on": decision.done_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision_follow_up(
                decision=decision,
                version=data["version"],
                follow_up=data.get("follow_up") or "",
                done_on=data.get("done_on"),
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("discipline:decision-update", args=[decision.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Decision followed up."))
            return redirect(_detail_url(decision.meeting_id) + f"#decision-{decision.pk}")
    context = {
        "form": form,
        "decision": decision,
        "meeting": decision.meeting,
        "overdue": overdue_days(decision.due_on, decision.done_on, timezone.localdate()),
    }
    return render(request, "discipline/meetings/decision_update.html", context)


@require_GET
@login_required
def meeting_minutes(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return file_response(access_meeting(request.user, pk))
