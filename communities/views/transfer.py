"""Excel import of streets and communities, and export of the community list."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from core.http import AuthenticatedHttpRequest


@login_required
def community_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


@login_required
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


@login_required
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


@login_required
def import_preview(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    raise Http404
