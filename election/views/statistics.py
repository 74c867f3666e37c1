"""The statistics of a campaign (换届统计): the table per street with its charts, the people behind
each figure, and the table as the official workbook.

Readable as the dashboard is: a view grant on the campaign's district (the office, discipline
officers, the supervision team) reads the district; a grant on whole streets of it (a street
official) reads those streets only, counted again in SQL over them. Anyone else gets a 404.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import SecurityEvent
from accounts.services import security_event_record
from communities.models import Street
from communities.permissions import OutOfScope, streets_for_user
from core import formatting
from core.http import AuthenticatedHttpRequest, id_parse

from ..models import Campaign
from ..permissions import campaigns_for_user
from ..selectors.dashboard import DashboardScope, access_dashboard
from ..selectors.statistics import (
    BODIES,
    BODY_LABELS,
    CURRENT,
    PARTY,
    PREVIOUS,
    TERM_LABELS,
    TERMS,
    UNIT_YEARS,
    Column,
    StatisticsRow,
    StatisticsTable,
    column_groups,
    statistics_columns,
    statistics_people,
    statistics_table_cached,
)
from ..statistics_export import statistics_workbook

STATISTICS_PERM = "view_community"
PEOPLE_PAGE_SIZE = 50
STREETS_PER_PAGE = 50
CHART_STREETS = 15
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _streets_in_scope(campaign: Campaign, scope: DashboardScope) -> list[tuple[int, str]]:
    """The streets the reader may pick: the district's, or the official's own (no query)."""
    if scope.street_ids is not None:
        return list(zip(scope.street_ids, scope.street_names, strict=True))
    return list(
        Street.objects.filter(district_id=campaign.district_id)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def _picked_street(query: QueryDict, streets: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The `street` of the query, which must be one the reader may read (else a 404)."""
    raw = query.get("street")
    if not raw:
        return None
    pk = id_parse(raw)
    for street in streets:
        if street[0] == pk:
            return street
    raise OutOfScope


def _scope_of(
    request: AuthenticatedHttpRequest, pk: int
) -> tuple[Campaign, DashboardScope, list[tuple[int, str]], tuple[int, str] | None]:
    campaign, scope = access_dashboard(request.user, pk, perm=STATISTICS_PERM)
    streets = _streets_in_scope(campaign, scope)
    picked = _picked_street(request.GET, streets)
    return campaign, scope, streets, picked


def _table_for(
    campaign: Campaign, scope: DashboardScope, picked: tuple[int, str] | None
) -> StatisticsTable:
    street: Any = picked[0] if picked else scope.street_ids
    return statistics_table_cached(campaign=campaign, street=street)


def _behind(row: StatisticsRow) -> tuple[float, str]:
    party = row.get(PARTY, CURRENT).done_pct or 0.0
    residents = row.get("residents", CURRENT).done_pct or 0.0
    return (party + residents, row.name)


def _charts(table: StatisticsTable) -> dict[str, Any]:
    """The charts' data: completion in the streets furthest behind (at most CHART_STREETS), and
    the new term against the previous one."""
    rows = sorted(table.rows, key=_behind)[:CHART_STREETS]
    base = reverse("election:statistics-people", args=[table.campaign.pk])
    streets = [
        {
            "name": row.name,
            "party": row.get(PARTY, CURRENT).done_pct,
            "residents": row.get("residents", CURRENT).done_pct,
            "party_url": table.people_url("done", PARTY, CURRENT, row.street_id),
            "residents_url": table.people_url("done", "residents", CURRENT, row.street_id),
        }
        for row in rows
    ]
    shares = [
        ("women", _("Women"), "women_pct"),
        ("party_members", _("Party members"), "party_members_pct"),
        ("cross", _("Cross-appointed"), "cross_pct"),
        ("first_time", _("First-time members"), "first_time_pct"),
    ]
    compare: dict[str, Any] = {}
    for body in BODIES:
        items = []
        for figure, label, attr in shares:
            items.append(
                {
                    "name": label,
                    "current": getattr(table.total.get(body, CURRENT), attr),
                    "previous": getattr(table.total.get(body, PREVIOUS), attr),
                    "current_url": table.people_url(figure, body, CURRENT),
                    "previous_url": table.people_url(figure, body, PREVIOUS),
                }
            )
        for index, band in enumerate(table.age_bands + table.education_bands):
            is_age = index < len(table.age_bands)
            position = index if is_age else index - len(table.age_bands)
            current = table.total.get(body, CURRENT)
            previous = table.total.get(body, PREVIOUS)
            items.append(
                {
                    "name": band.label,
                    "current": current.age_band_pct(position)
                    if is_age
                    else current.education_band_pct(position),
                    "previous": previous.age_band_pct(position)
                    if is_age
                    else previous.education_band_pct(position),
                    "current_url": table.people_url(band.key, body, CURRENT),
                    "previous_url": table.people_url(band.key, body, PREVIOUS),
                }
            )
        compare[body] = items
    return {
        "streets": streets,
        "compare": compare,
        "people_url": base,
        "labels": {
            "party": str(BODY_LABELS[PARTY]),
            "residents": str(BODY_LABELS["residents"]),
            "current": str(TERM_LABELS[CURRENT]),
            "previous": str(TERM_LABELS[PREVIOUS]),
        },
    }


@require_GET
@login_required
def statistics_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign, scope, streets, picked = _scope_of(request, pk)
    body = request.GET.get("body") or PARTY
    if body not in BODIES:
        raise Http404
    table = _table_for(campaign, scope, picked)
    columns = statistics_columns(table, body)
    # the streets a page at a time (a district may have hundreds), the total on every page
    page = Paginator(table.rows, STREETS_PER_PAGE).get_page(request.GET.get("page"))
    lines = []
    for row in [*page.object_list, table.total]:
        for term in TERMS:
            figures = row.get(body, term)
            cells = []
            for column in columns:
                value = column.value(figures)
                if term != CURRENT and column.figure in ("turnout", "first_round"):
                    value = None
                url = (
                    table.people_url(column.figure, body, term, row.street_id or _picked_id(picked))
                    if value is not None
                    else ""
                )
                cells.append({"text": _format(column, value), "column": column, "url": url})
            lines.append({"row": row, "term": term, "label": TERM_LABELS[term], "cells": cells})
    query = request.GET.copy()
    query.pop("body", None)
    query.pop("page", None)
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return render(
        request,
        "election/statistics/page.html",
        {
            "campaign": campaign,
            "scope": scope,
            "table": table,
            "body": body,
            "bodies": [(b, BODY_LABELS[b]) for b in BODIES],
            "columns": columns,
            "groups": column_groups(columns),
            "lines": lines,
            "streets": streets,
            "picked": picked,
            "query": query.urlencode(),
            "page_query": page_query.urlencode(),
            "charts": _charts(table),
            "page": page,
        },
    )


def _format(column: Column, value: int | float | None) -> str:
    if column.is_percent:
        return formatting.percent(value)
    if column.unit == UNIT_YEARS:
        return formatting.DASH if value is None else f"{value:.1f}"
    return formatting.thousands(value)


def _figure_title(figure: str, body: str) -> str:
    titles = {
        "due": _("Communities due for re-election"),
        "done": _("Communities whose committee is formed"),
        "members": _("Members"),
        "age": _("Members"),
        "heads": _("Secretaries") if body == PARTY else _("Directors"),
        "one_shoulder": _("Secretary and director one person"),
        "cross": _("Cross-appointed"),
        "women": _("Women"),
        "women_heads": _("Women secretaries") if body == PARTY else _("Women directors"),
        "party_members": _("Party members"),
        "minorities": _("Ethnic minorities"),
        "first_time": _("First-time members"),
        "re_elected": _("Re-elected members"),
        "turnout": _("Communities with a first round"),
        "first_round": _("First-round success"),
    }
    return titles.get(figure, "")


def _picked_id(picked: tuple[int, str] | None) -> int | None:
    return picked[0] if picked else None


@require_GET
@login_required
def statistics_people_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign, scope, _streets, picked = _scope_of(request, pk)
    figure = request.GET.get("figure", "")
    body = request.GET.get("body", "")
    term = request.GET.get("term", "")
    street: Any = picked[0] if picked else scope.street_ids
    people = statistics_people(
        campaign=campaign, figure=figure, body=body, term=term, street=street
    )
    page = Paginator(people.rows, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    title = people.label or _figure_title(figure, body)
    back = reverse("election:statistics", args=[campaign.pk])
    back_query = QueryDict(mutable=True)
    back_query["body"] = body
    if picked:
        back_query["street"] = str(picked[0])
    return render(
        request,
        "election/statistics/people.html",
        {
            "campaign": campaign,
            "scope": scope,
            "people": people,
            "title": title,
            "body_label": BODY_LABELS[body],
            "term_label": TERM_LABELS[term],
            "picked": picked,
            "page": page,
            "query": query.urlencode(),
            "back_url": f"{back}?{back_query.urlencode()}",
        },
    )


@require_GET
@login_required
def statistics_xlsx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign, scope, _streets, picked = _scope_of(request, pk)
    table = _table_for(campaign, scope, picked)
    today = timezone.localdate()
    if picked:
        unit_name = picked[1]
    elif scope.street_ids is not None:
        unit_name = "、".join(scope.street_names)
    else:
        unit_name = campaign.district.name
    workbook = statistics_workbook(table, unit_name=unit_name, today=today)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        detail=f"statistics of campaign {campaign.pk}",
        obj=campaign,
        params={"scope": unit_name},
    )
    name = _("%(campaign)s statistics %(date)s.xlsx") % {
        "campaign": campaign.name,
        "date": today.strftime("%Y-%m-%d"),
    }
    response = HttpResponse(workbook.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@require_GET
@login_required
def statistics_latest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The menu's entry: the statistics of the newest campaign the reader may read. A reader of a
    district or of whole streets without a campaign yet is told so; anyone else (a leader, a
    member unit) gets the 404 that the statistics pages give them."""
    campaigns = campaigns_for_user(request.user, perm=STATISTICS_PERM)
    campaign = campaigns.order_by("-starts_on", "-pk").first()
    if campaign is not None:
        return redirect("election:statistics", pk=campaign.pk)
    # a street official: the newest campaign of a district where it holds whole streets
    streets = streets_for_user(request.user, perm=STATISTICS_PERM)
    campaign = (
        Campaign.objects.filter(district_id__in=streets.values("district_id"))
        .order_by("-starts_on", "-pk")
        .first()
    )
    if campaign is not None:
        return redirect("election:statistics", pk=campaign.pk)
    if streets.exists():
        return render(request, "election/statistics/none.html")
    raise OutOfScope
