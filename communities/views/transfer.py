"""Excel import of streets and communities, and export of the community list."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import SecurityEvent
from accounts.services import security_event_record
from core.http import AuthenticatedHttpRequest

from ..exporters import XLSX_CONTENT_TYPE, CommunityListExporter, xlsx_write
from ..forms import CommunityFilterForm, CommunityImportForm
from ..import_columns import import_template_workbook
from ..importing import CommunityImportError, ImportPreview
from ..importing.pages import job_page
from ..models import CommunityImport
from ..permissions import access_community_import, access_import_districts
from ..selectors import community_imports_recent, street_choices
from ..selectors import community_list as select_communities
from ..services.imports import (
    community_import_confirm,
    community_import_create,
    progress_cache_key,
)


@require_GET
@login_required
def community_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = CommunityFilterForm(request.GET or None, streets=street_choices(request.user))
    exporter = CommunityListExporter(select_communities(request.user, form.filters()))
    workbook = xlsx_write(exporter)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        detail=f"community list: {exporter.row_count} rows",
        params={"rows": exporter.row_count},
    )
    return FileResponse(
        workbook, as_attachment=True, filename=exporter.filename(), content_type=XLSX_CONTENT_TYPE
    )


@require_GET
@login_required
def import_template(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    access_import_districts(request.user)
    return FileResponse(
        import_template_workbook(),
        as_attachment=True,
        filename=_("community-import-template.xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    districts = access_import_districts(request.user)
    form = CommunityImportForm(request.POST or None, request.FILES or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        community_import = community_import_create(
            district=form.chosen_district(),
            file=form.cleaned_data["file"],
            by=request.user,
            request=request,
        )
        return redirect(community_import)
    return render(
        request,
        "communities/import_upload.html",
        {"form": form, "recent": community_imports_recent(request.user, districts)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def import_preview(request: AuthenticatedHttpRequest, token: UUID) -> HttpResponse:
    community_import = access_community_import(request.user, token)
    if request.method == "POST":
        try:
            community_import_confirm(community_import=community_import, by=request.user)
        except CommunityImportError as e:
            messages.error(request, str(e))
        return redirect(community_import)
    return render(request, "communities/import_preview.html", _page(community_import))


@require_GET
@login_required
def import_status(request: AuthenticatedHttpRequest, token: UUID) -> HttpResponse:
    community_import = access_community_import(request.user, token)
    return render(request, "imports/_job_status.html", _page(community_import))


def _page(community_import: CommunityImport) -> dict[str, Any]:
    """The shared import page, with what a community import shows of its own: the new streets
    and communities before confirming, and the streets and communities created after."""
    preview = ImportPreview.from_json(community_import.preview)
    context = job_page(
        community_import,
        columns=[],
        progress_cache_key=progress_cache_key,
        status_url=reverse("communities:import-status", args=[community_import.pk]),
        upload_url=reverse("communities:import-upload"),
        scope_label=_("District"),
        scope_text=community_import.district.name,
        uploaded_by=community_import.uploaded_by,
        problems=preview.problems,
    )
    context.update(
        {
            "community_import": community_import,
            "check": preview,
            "rows": preview.rows,
            "applying_text": _(
                "The communities are being imported. This updates by itself; you may leave this "
                "page."
            ),
            "applied_template": "communities/_import_applied.html",
            "preview_template": "communities/_import_rows.html",
        }
    )
    return context
