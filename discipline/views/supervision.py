"""Pages of the supervision: the inspections (weekly and joint) with their findings, the
rectification orders opened from a finding, their close-out with evidence, and the list of orders
with the overdue ones flagged. Access rules: `discipline.permissions`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from communities.permissions import OutOfScope
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest, id_parse

from ..forms_supervision import FindingForm, InspectionForm, OrderCloseForm, OrderForm
from ..models import Inspection
from ..permissions import (
    access_finding,
    access_inspection,
    access_order,
    can_close_order,
    can_record_inspections,
    can_write_inspection,
    community_scope,
    reading_districts,
    reads_whole,
    supervision_districts,
)
from ..selectors.supervision import (
    ORDER_FILTERS,
    inspection_communities,
    inspection_findings,
    inspection_list,
    month_parse,
    order_counts,
    order_list,
    order_streets,
    overdue_days,
)
from ..services.files import file_response
from ..services.supervision import finding_add, inspection_create, inspection_update, order_close
from ..services.supervision import order_add as order_open

PAGE_SIZE = 50


def _detail_url(pk: int) -> str:
    return reverse("discipline:inspection-detail", args=[pk])


def _reads_any(request: AuthenticatedHttpRequest) -> None:
    """A user who reads no inspection at all (no district, no community): 404."""
    user = request.user
    if not reading_districts(user).exists() and not community_scope(user).exists():
        raise OutOfScope


@require_GET
@login_required
def inspections(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The inspections the user reads, newest first; filters: kind, month (YYYY-MM)."""
    _reads_any(request)
    kind = request.GET.get("kind", "")
    if kind not in Inspection.Kind.values:
        kind = ""
    month = request.GET.get("month", "")
    if month_parse(month) is None:
        month = ""
    rows = inspection_list(request.user, kind=kind, month=month)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("kind", kind), ("month", month)) if v)
    context = {
        "page": page,
        "kind": kind,
        "month": month,
        "kinds": Inspection.Kind.choices,
        "query": query,
        "can_record": can_record_inspections(request.user),
    }
    return render(request, "discipline/supervision/inspection_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def inspection_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an inspection (the supervision team and the office)."""
    districts = supervision_districts(request.user)
    if not districts.exists():
        raise OutOfScope
    form = InspectionForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_create(data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect(_detail_url(inspection.pk))
    return render(
        request, "discipline/supervision/inspection_form.html", {"form": form, "inspection": None}
    )


@require_GET
@login_required
def inspection_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An inspection with the findings the user sees and their orders (overdue ones flagged)."""
    inspection = access_inspection(request.user, pk)
    can_write = can_write_inspection(request.user, inspection)
    context = {
        "inspection": inspection,
        "whole": reads_whole(request.user, inspection),
        "units": list(inspection.units.order_by("name")),
        "communities": inspection_communities(request.user, inspection),
        "rows": inspection_findings(request.user, inspection, today=timezone.localdate()),
        "can_write": can_write,
        "finding_form": FindingForm(inspection=inspection) if can_write else None,
    }
    return render(request, "discipline/supervision/inspection_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def inspection_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inspection = access_inspection(request.user, pk, write=True)
    form = InspectionForm(
        request.POST or None,
        instance=inspection,
        districts=supervision_districts(request.user).filter(pk=inspection.district_id),
        initial={"version": inspection.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection_update(
                inspection=inspection,
                version=form.cleaned_data.get("version") or 0,
                data=form.cleaned_data,
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("discipline:inspection-edit", args=[inspection.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Inspection saved."))
            return redirect(_detail_url(inspection.pk))
    context = {"form": form, "inspection": inspection}
    return render(request, "discipline/supervision/inspection_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def inspection_finding_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a finding in one of the communities the inspection visited."""
    inspection = access_inspection(request.user, pk, write=True)
    form = FindingForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            finding = finding_add(
                inspection=inspection,
                community=form.cleaned_data.get("community"),
                description=form.cleaned_data.get("description", ""),
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Finding recorded."))
            return redirect(_detail_url(inspection.pk) + f"#finding-{finding.pk}")
    context = {"form": form, "inspection": inspection}
    return render(request, "discipline/supervision/finding_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def order_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a rectification order from a finding: action, owner, deadline."""
    finding = access_finding(request.user, pk)
    form = OrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = order_open(finding=finding, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Rectification order opened."))
            return redirect(reverse("discipline:order-detail", args=[order.pk]))
    context = {"form": form, "finding": finding, "inspection": finding.inspection}
    return render(request, "discipline/supervision/order_form.html", context)


@require_GET
@login_required
def orders(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rectification orders of the user's communities, overdue and open first; filters:
    open, overdue, closed; street. A user who sees no community gets a 404."""
    if not community_scope(request.user).exists():
        raise OutOfScope
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state not in ORDER_FILTERS:
        state = ""
    streets = order_streets(request.user)
    street_id = id_parse(request.GET.get("street", ""))
    if street_id not in {s.pk for s in streets}:
        street_id = None
    rows = order_list(request.user, state=state, street=street_id, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    street_q = f"street={street_id}" if street_id else ""
    filters = [
        ("", _("All")),
        ("open", pgettext("order state", "Open")),
        ("overdue", _("Overdue")),
        ("closed", _("Closed")),
    ]
    context = {
        "page": page,
        "rows": [(o, overdue_days(o.due_on, o.closed_on, today)) for o in page.object_list],
        "state": state,
        "filters": filters,
        "counts": order_counts(request.user, today=today, street=street_id),
        "streets": streets if len(streets) > 1 else [],
        "street": street_id,
        "street_q": street_q,
        "query": "&".join(q for q in (f"state={state}" if state else "", street_q) if q),
    }
    return render(request, "discipline/supervision/order_list.html", context)


@require_GET
@login_required
def order_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    order = access_order(request.user, pk)
    context = {
        "order": order,
        "finding": order.finding,
        "inspection": order.finding.inspection,
        "overdue": overdue_days(order.due_on, order.closed_on, timezone.localdate()),
        "can_close": order.closed_on is None and can_close_order(request.user, order),
    }
    return render(request, "discipline/supervision/order_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def order_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close a rectification order with the day, how it was put right and the evidence."""
    order = access_order(request.user, pk, close=True)
    form = OrderCloseForm(
        request.POST or None,
        request.FILES or None,
        initial={"version": order.version, "closed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order_close(
                order=order,
                version=data["version"],
                closed_on=data["closed_on"],
                close_out=data["close_out"],
                evidence=data.get("evidence"),
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("discipline:order-close", args=[order.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Rectification order closed."))
            return redirect(reverse("discipline:order-detail", args=[order.pk]))
    context = {
        "order": order,
        "finding": order.finding,
        "inspection": order.finding.inspection,
        "form": form,
        "overdue": overdue_days(order.due_on, order.closed_on, timezone.localdate()),
    }
    return render(request, "discipline/supervision/order_close.html", context)


@require_GET
@login_required
def order_evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return file_response(access_order(request.user, pk))
