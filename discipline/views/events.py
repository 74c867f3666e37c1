"""Pages of the major events (重大事件、重要信息): the list (unacknowledged first), filing one,
one event, and the office's acknowledgement and handling notes."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.permissions import OutOfScope
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest

from ..forms_publicity import AcknowledgeForm, EventForm, HandlingForm
from ..models import MajorEvent
from ..selectors import events as selectors
from ..services import events as services

PAGE_SIZE = 50


@require_GET
@login_required
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The events in scope, unacknowledged first; filter open / acknowledged."""
    if not selectors.event_reach(request.user):
        raise OutOfScope
    state = request.GET.get("state", "")
    if state not in (selectors.STATE_OPEN, selectors.STATE_ACKNOWLEDGED):
        state = ""
    page = Paginator(selectors.event_list(request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    events = list(page.object_list)
    context = {
        "page": page,
        "rows": [(event, selectors.time_to_acknowledge(event)) for event in events],
        "state": state,
        "states": [
            (selectors.STATE_OPEN, _("unacknowledged")),
            (selectors.STATE_ACKNOWLEDGED, _("acknowledged")),
        ],
        "query": urlencode({"state": state} if state else {}),
        "can_file": selectors.filing_communities(request.user).exists(),
    }
    return render(request, "discipline/events/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def event_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """File a major event for a community in the user's scope (street official, leader, office)."""
    communities = selectors.filing_communities(request.user)
    if not communities.exists():
        raise OutOfScope
    form = EventForm(
        request.POST or None,
        communities=communities,
        initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_file(
                community=data["community"],
                severity=data["severity"],
                occurred_at=data["occurred_at"],
                title=data["title"],
                facts=data["facts"],
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Event filed; the district office is told at once."))
            return redirect(reverse("discipline:event-detail", args=[event.pk]))
    return render(request, "discipline/events/new.html", {"form": form})


def _detail(
    request: AuthenticatedHttpRequest,
    event: MajorEvent,
    *,
    acknowledge_form: AcknowledgeForm | None = None,
    handling_form: HandlingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    initial = {"version": event.version, "handling": event.handling}
    context = {
        "event": event,
        "time_to_acknowledge": selectors.time_to_acknowledge(event),
        "can_acknowledge": selectors.event_can_acknowledge(request.user, event),
        "acknowledge_form": acknowledge_form or AcknowledgeForm(initial=initial),
        "handling_form": handling_form or HandlingForm(initial=initial),
    }
    return render(request, "discipline/events/detail.html", context, status=status)


@require_GET
@login_required
def event_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.access_event(request.user, pk))


def _to_detail(event: MajorEvent) -> HttpResponse:
    return redirect(reverse("discipline:event-detail", args=[event.pk]))


@require_POST
@login_required
def event_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office acknowledges an event of its district, with optional handling notes (anyone
    else: 404)."""
    event = selectors.access_event_to_acknowledge(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was saved."))
        return _to_detail(event)
    try:
        services.event_acknowledge(
            event=event,
            version=form.cleaned_data["version"],
            handling=form.cleaned_data["handling"],
            by=request.user,
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Event acknowledged."))
    return _to_detail(event)


@require_POST
@login_required
def event_handling(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office saves its notes on how the event is handled (anyone else: 404)."""
    event = selectors.access_event_to_acknowledge(request.user, pk)
    form = HandlingForm(request.POST)
    if form.is_valid():
        try:
            services.event_handling_update(
                event=event,
                version=form.cleaned_data["version"],
                handling=form.cleaned_data["handling"],
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return _to_detail(event)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Handling notes saved."))
            return _to_detail(event)
    return _detail(request, event, handling_form=form, status=400)
