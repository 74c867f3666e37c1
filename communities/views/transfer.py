"""Excel import of streets and communities, and export of the community list."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import SecurityEvent
from accounts.services import security_event_record
from core.http import AuthenticatedHttpRequest

from ..exporters import XLSX_CONTENT_TYPE, CommunityListExporter, xlsx_write
from ..forms import CommunityFilterForm, CommunityImportForm
from ..import_columns import import_template_workbook
from ..importing import CommunityImportError
from ..permissions import access_community_import, access_import_districts
from ..selectors import community_import_page, community_imports_recent, street_choices
from ..selectors import community_list as select_communities
from ..services.imports import community_import_confirm, community_import_create

# how often the import page asks for the state of a running check or import
POLL_SECONDS = 1


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
    context = {**community_import_page(community_import), "poll_seconds": POLL_SECONDS}
    return render(request, "communities/import_preview.html", context)


@require_GET
@login_required
def import_status(request: AuthenticatedHttpRequest, token: UUID) -> HttpResponse:
    community_import = access_community_import(request.user, token)
    context = {**community_import_page(community_import), "poll_seconds": POLL_SECONDS}
    return render(request, "communities/_import_status.html", context)
