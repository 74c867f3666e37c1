"""Stub views, replaced by the real ones."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from core.http import AuthenticatedHttpRequest


@login_required
def worklist(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def plan_detail(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def plan_dates(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def step_edit(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def evidence_add(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def evidence_download(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def notice_add(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def notice_photo(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def stage_close_view(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def stage_reopen_view(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
