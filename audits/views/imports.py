"""Excel imports of audit engagements and findings.

The district office imports for its whole district; a street official for its own street's
communities (the check refuses the rows of any other). Anyone else, and another district's or
another user's import, gets a 404. The pages are the election imports' pages, with the district
in place of the campaign.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from communities.exporters import XLSX_CONTENT_TYPE
from communities.importing.pages import job_page
from communities.models import District, Street
from communities.permissions import OutOfScope, streets_for_user
from core.http import AuthenticatedHttpRequest
from election.views.imports import ElectionImportForm

from ..importing.columns import CTX, KINDS, PREVIEW_COLUMNS, template_workbook
from ..importing.services import (
    AuditImportError,
    audit_import_confirm,
    audit_import_create,
    progress_cache_key,
)
from ..models_imports import AuditImport
from ..permissions import audit_districts

RECENT = 10
Kind = AuditImport.Kind
Status = AuditImport.Status

KIND_HELP: dict[str, Any] = {
    Kind.ENGAGEMENTS: pgettext_lazy(
        CTX,
        "Record many communities' audits at once: the firm, the dates and the audited officials.",
    ),
    Kind.FINDINGS: pgettext_lazy(
        CTX, "Record the problems the audit reports found, with their rectification items."
    ),
}

# the upload form checks the file as the election imports do (an .xlsx we are willing to open)
AuditImportForm = ElectionImportForm


# --- access -----------------------------------------------------------------------------------


def _official_streets(user: User) -> Any:
    return streets_for_user(user, perm="change_community")


def import_scope(user: User) -> tuple[District, Street | None]:
    """The district the user imports into, and the street its imports are limited to (None: the
    office, the whole district); Http404 for anyone else."""
    district = audit_districts(user).order_by("pk").first()
    if district is not None:
        return district, None
    street = _official_streets(user).order_by("pk").first()
    if street is None:
        raise OutOfScope
    return street.district, street


def access_audit_import(user: User, pk: UUID) -> AuditImport:
    """An import of a district the user runs, or the user's own; Http404 otherwise."""
    audit_import = (
        AuditImport.objects.select_related("district", "created_by", "street").filter(pk=pk).first()
    )
    if audit_import is None:
        raise OutOfScope
    if audit_districts(user).filter(pk=audit_import.district_id).exists():
        return audit_import
    # a street official's own import, while it still runs a street of the district
    if (
        audit_import.street_id is not None
        and audit_import.created_by_id == user.pk
        and _official_streets(user).filter(district_id=audit_import.district_id).exists()
    ):
        return audit_import
    raise OutOfScope


def _kind(kind: str) -> str:
    if kind not in Kind.values:
        raise OutOfScope
    return kind


# --- pages ------------------------------------------------------------------------------------


def _page(audit_import: AuditImport) -> dict[str, Any]:
    context = job_page(
        audit_import,
        columns=PREVIEW_COLUMNS[audit_import.kind],
        progress_cache_key=progress_cache_key,
        status_url=reverse("audits:import-status", args=[audit_import.pk]),
        upload_url=reverse("audits:import-upload", args=[audit_import.kind]),
        scope_label=_("District"),
        scope_text=" · ".join(
            name
            for name in (
                audit_import.district.name,
                audit_import.street.name if audit_import.street else "",
                audit_import.get_kind_display(),
            )
            if name
        ),
    )
    context.update({"audit_import": audit_import})
    return context


def _recent(user: User, district: District, street: Street | None, kind: str = "") -> list[Any]:
    recent = AuditImport.objects.filter(district=district)
    if kind:
        recent = recent.filter(kind=kind)
    if street is not None:
        recent = recent.filter(created_by=user)
    return list(recent.select_related("created_by").order_by("-created_at")[:RECENT])


@require_GET
@login_required
def import_hub(request: AuthenticatedHttpRequest) -> HttpResponse:
    district, street = import_scope(request.user)
    kinds = [{"value": k, "label": Kind(k).label, "help": KIND_HELP[k]} for k in Kind.values]
    return render(
        request,
        "audits/imports/hub.html",
        {
            "district": district,
            "street": street,
            "kinds": kinds,
            "recent": _recent(request.user, district, street),
        },
    )


@require_GET
@login_required
def import_template(request: AuthenticatedHttpRequest, kind: str) -> HttpResponseBase:
    import_scope(request.user)
    kind = _kind(kind)
    return FileResponse(
        template_workbook(kind),
        as_attachment=True,
        filename=str(KINDS[kind].filename),
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    district, street = import_scope(request.user)
    kind = _kind(kind)
    form = AuditImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        audit_import = audit_import_create(
            district=district,
            kind=kind,
            file=form.cleaned_data["file"],
            by=request.user,
            street=street,
            request=request,
        )
        return redirect(audit_import)
    return render(
        request,
        "audits/imports/upload.html",
        {
            "form": form,
            "district": district,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "intro": KINDS[kind].intro,
            "street": street,
            "recent": _recent(request.user, district, street, kind),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_detail(request: AuthenticatedHttpRequest, token: UUID) -> HttpResponse:
    audit_import = access_audit_import(request.user, token)
    if request.method == "POST":
        try:
            audit_import_confirm(audit_import=audit_import, by=request.user)
        except AuditImportError as e:
            messages.error(request, str(e))
        return redirect(audit_import)
    return render(request, "audits/imports/detail.html", _page(audit_import))


@require_GET
@login_required
def import_status(request: AuthenticatedHttpRequest, token: UUID) -> HttpResponse:
    audit_import = access_audit_import(request.user, token)
    return render(request, "imports/_job_status.html", _page(audit_import))
