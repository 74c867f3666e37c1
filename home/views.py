"""The signed-in user's home page (`/`): one page per kind of user, answering "what do I do now".

Reads only, through home.selectors; every figure links to the list behind it.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest
from discipline.selectors.dashboard import discipline_counts

from . import selectors

TEMPLATES = {
    selectors.OFFICE: "home/office.html",
    selectors.STREET: "home/street.html",
    selectors.LEADER: "home/leader.html",
    selectors.MEMBER_UNIT: "home/member_unit.html",
    selectors.OVERSIGHT: "home/oversight.html",
}


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    kind = selectors.home_kind(user)
    today = timezone.localdate()
    context: dict[str, Any] = {"kind": kind, "today": today}
    if kind == selectors.STREET:
        context["home"] = selectors.street_home(user, today=today)
    elif kind == selectors.LEADER:
        context["home"] = selectors.leader_home(user, today=today)
    elif kind == selectors.MEMBER_UNIT:
        context["home"] = selectors.member_unit_home(user, today=today)
    else:
        context["home"] = selectors.district_home(
            user, today=today, with_vetting=kind == selectors.OFFICE
        )
    if kind != selectors.MEMBER_UNIT:
        context["audits"] = selectors.audit_home(user, today=today)
        context["discipline"] = discipline_counts(user, today=today)
    return render(request, TEMPLATES[kind], context)
