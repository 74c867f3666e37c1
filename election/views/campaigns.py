"""Stub views, replaced by the real ones."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from core.http import AuthenticatedHttpRequest


@login_required
def campaign_list(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def campaign_create(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def campaign_start_view(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def survey_summary(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def seats_summary(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def survey_edit(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def seats_edit(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def assignment_list(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def assignment_add(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def assignment_end(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def visit_add(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
