"""Stub views, replaced by the real ones."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from core.http import AuthenticatedHttpRequest


@login_required
def campaign_dashboard(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def campaign_steps(request: AuthenticatedHttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
