"""Stub views, replaced by the real ones."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from core.http import AuthenticatedHttpRequest


@login_required
def ruleset_list(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def ruleset_detail(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def ruleset_clone(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def step_template_edit(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def seat_rule_edit(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
