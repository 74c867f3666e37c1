"""The report archive, generate-now with its progress, and downloads behind the access check.

Report files are never served from the media root; `download` is the only way to one.
"""

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from accounts.models import SecurityEvent
from accounts.services import security_event_record
from core.exceptions import DomainError
from core.http import AuthenticatedHttpRequest, id_parse

from .forms import ReportRequestForm
from .models import ReportRun
from .permissions import (
    access_report_file,
    access_report_scope,
    access_run,
    report_districts_for_user,
    report_streets_for_user,
    runs_for_user,
)
from .services import current_iso_week, report_run_request

PER_PAGE = 30
POLL_SECONDS = 1
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@login_required
def archive(request: AuthenticatedHttpRequest) -> HttpResponse:
    # newest week first; in a week, the district's own report before its streets'
    runs = (
        runs_for_user(request.user)
        .select_related("file", "requested_by")
        .order_by(
            "-iso_year",
            "-iso_week",
            "district__name",
            F("street__name").asc(nulls_first=True),
            "kind",
            "-version",
        )
    )
    page = Paginator(runs, PER_PAGE).get_page(request.GET.get("page"))
    current = None
    if (run_id := id_parse(request.GET.get("run"))) is not None:
        current = runs_for_user(request.user).select_related("file").filter(pk=run_id).first()
    year, week = current_iso_week()
    context = {
        "page": page,
        "current": current,
        "districts": list(report_districts_for_user(request.user)),
        "streets": list(report_streets_for_user(request.user)),
        "this_week": f"{year}-W{week:02d}",
        "kinds": ReportRun.Kind.choices,
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "reports/archive.html", context)


def _refused(request: AuthenticatedHttpRequest, errors: list[str]) -> HttpResponse:
    # htmx puts the answer where the run's progress goes; a plain form gets the archive back
    if request.htmx:
        return render(request, "reports/_request_refused.html", {"errors": errors})
    for error in errors:
        messages.error(request, error)
    return redirect("reports:archive")


@require_POST
@login_required
def generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    district, street = access_report_scope(request.user, scope=request.POST.get("scope", ""))
    form = ReportRequestForm(request.POST, district=district)
    if not form.is_valid():
        return _refused(request, [str(e) for errors in form.errors.values() for e in errors])
    iso_year, iso_week = form.cleaned_data["week"]
    try:
        run = report_run_request(
            district=district,
            street=street,
            iso_year=iso_year,
            iso_week=iso_week,
            kind=form.cleaned_data["kind"],
            by=request.user,
            force=True,
        )
    except DomainError as e:
        return _refused(request, [str(e)])
    if request.htmx:
        return redirect("reports:run-status", pk=run.pk)
    return redirect(f"{reverse('reports:archive')}?run={run.pk}")


@require_GET
@login_required
def run_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = access_run(request.user, pk)
    return render(request, "reports/_run_status.html", {"run": run, "poll_seconds": POLL_SECONDS})


def _chunks(path: Path) -> Iterator[bytes]:
    # opened on the first read and closed at the end, or when the response is dropped unread
    with path.open("rb") as f:
        yield from iter(partial(f.read, 64 * 1024), b"")


@require_GET
@login_required
def download(request: AuthenticatedHttpRequest, pk: UUID) -> FileResponse:
    report_file = access_report_file(request.user, pk)
    path = Path(settings.MEDIA_ROOT) / report_file.path
    if not path.is_file():
        raise Http404
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        detail=f"report {report_file.run_id}: {report_file.path}",
        obj=report_file.run,
        params={
            "iso_year": report_file.run.iso_year,
            "iso_week": report_file.run.iso_week,
            "scope": (report_file.run.street or report_file.run.district).name,
        },
    )
    response = FileResponse(
        _chunks(path),
        content_type=CONTENT_TYPES.get(report_file.run.kind, "application/octet-stream"),
    )
    response["Content-Length"] = str(report_file.size)
    response["Content-Disposition"] = (
        content_disposition_header(True, report_file.download_name) or "attachment"
    )
    return response
