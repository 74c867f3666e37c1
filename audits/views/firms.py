"""Audit firms: the office's list, adding and editing a firm (contact, qualification)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest, OutOfScope

from ..forms import FirmForm
from ..models import AuditFirm
from ..permissions import access_firm, audit_districts
from ..selectors.engagements import firm_rows
from ..services.engagements import firm_create, firm_update


@require_GET
@login_required
def firm_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not audit_districts(request.user).exists():
        raise OutOfScope
    return render(request, "audits/firms/firm_list.html", {"firms": firm_rows(request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def firm_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    district = audit_districts(request.user).order_by("pk").first()
    if district is None:
        raise OutOfScope
    form = FirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            firm = firm_create(district=district, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": firm.name})
            return redirect("audits:firm-list")
    return render(request, "audits/firms/firm_form.html", {"form": form, "firm": None})


@require_http_methods(["GET", "POST"])
@login_required
def firm_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    firm: AuditFirm = access_firm(request.user, pk)
    form = FirmForm(request.POST or None, instance=firm, initial={"version": firm.version})
    if request.method == "POST" and form.is_valid():
        try:
            firm_update(
                firm=firm,
                version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
                by=request.user,
            )
        except ConflictError as e:
            firm = access_firm(request.user, pk)
            form = FirmForm(instance=firm, initial={"version": firm.version})
            messages.error(request, str(e))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("audits:firm-list")
    return render(request, "audits/firms/firm_form.html", {"form": form, "firm": firm})
