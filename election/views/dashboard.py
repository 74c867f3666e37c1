"""The district dashboard of a campaign and the lists behind its numbers.

Readable with a district-level view grant (the office, discipline officers, the supervision
team) over the whole district; with a grant on whole streets of the district (a street official)
over those streets only, every figure counted again over them. A leader, whose grant stops at a
community, gets a 404, as does anyone outside the district.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest

from ..selectors.dashboard import (
    DASHBOARD_LIST_PAGE_SIZE,
    access_dashboard,
    dashboard_get,
    dashboard_list_context,
    dashboard_list_filters,
    dashboard_plans,
    dashboard_steps,
)
from ..services.rollups import campaign_rollups_request

# the grant that opens the dashboard: a view grant on the campaign's district (or on streets of it)
DASHBOARD_PERM = "view_community"

# the step list's tabs (the plan lists have none)
STEP_FLAG_TABS = [
    ("", _("All")),
    ("open", _("Open")),
    ("done", _("Done")),
    ("overdue", _("Overdue")),
    ("red", _("Breaking a time limit")),
    ("soon", _("Due within 7 days")),
]


@require_GET
@login_required
def campaign_dashboard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign, scope = access_dashboard(request.user, pk, perm=DASHBOARD_PERM)
    today = timezone.localdate()
    all_streets = request.GET.get("streets") == "all"
    page_number = request.GET.get("page")
    dashboard = dashboard_get(
        campaign, today=today, all_streets=all_streets, page_number=page_number, scope=scope
    )
    if dashboard.is_stale and campaign.status == campaign.Status.RUNNING:
        # no worker counted today: ask for the recount; without a broker it has run by now
        queued = campaign_rollups_request(campaign_id=campaign.pk, today=today)
        if queued and settings.CELERY_TASK_ALWAYS_EAGER:
            dashboard = dashboard_get(
                campaign,
                today=today,
                all_streets=all_streets,
                page_number=page_number,
                scope=scope,
            )
    return render(
        request,
        "election/dashboard.html",
        {"dashboard": dashboard, "all_streets": all_streets, "today": today},
    )


@require_GET
@login_required
def campaign_steps(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign, scope = access_dashboard(request.user, pk, perm=DASHBOARD_PERM)
    today = timezone.localdate()
    filters = dashboard_list_filters(request.GET)
    rows = (
        dashboard_plans(campaign, filters, scope)
        if filters.is_plan_list
        else dashboard_steps(campaign, filters, today=today, scope=scope)
    )
    page = Paginator(rows, DASHBOARD_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "election/dashboard_steps.html",
        {
            "campaign": campaign,
            "filters": filters,
            "context": dashboard_list_context(campaign, filters, scope),
            "page": page,
            "query": query.urlencode(),
            "flag_tabs": STEP_FLAG_TABS,
            "today": today,
        },
    )
