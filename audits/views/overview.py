"""The overview of the departure audits and handovers (its page with charts, and its workbook).

The office reads its district, a street official their own streets, discipline and supervision
the district; a leader (a community grant only), a member unit and anyone else get a 404. The
numbers link to the list behind them, filtered to exactly the rows counted: the audits by street
and state, the postings late or missing by street (the audits list's postings filter), the
rectification items by street and state, the handovers by street and state (due, overdue, done),
the findings (all, and by category: the findings list), the unacknowledged refusals.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest

from ..exporters import XLSX, overview_workbook
from ..models import Engagement
from ..selectors.overview import STATES, Overview, StreetRow, overview_scope, overview_take


def list_url(name: str, **params: Any) -> str:
    """The list `audits:<name>` filtered by `params` (empty ones left out)."""
    base = reverse(f"audits:{name}")
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


def _cell(value: Any, url: str) -> dict[str, Any]:
    return {"value": value, "url": url if value else ""}


def _row_cells(row: StreetRow) -> dict[str, Any]:
    """A street's (or the total's, street_id 0) numbers, each with its list."""
    street = row.street_id or ""
    return {
        "states": [
            _cell(row.states[state], list_url("engagement-list", state=state, street=street))
            for state in STATES
        ],
        "engagements": _cell(row.engagements, list_url("engagement-list", street=street)),
        "rectifications_open": _cell(
            row.rectifications_open, list_url("rectification-list", state="open", street=street)
        ),
        "rectifications_overdue": _cell(
            row.rectifications_overdue,
            list_url("rectification-list", state="overdue", street=street),
        ),
        "handovers_done": _cell(
            row.handovers_done, list_url("handover-list", state="done", street=street)
        ),
        "handovers_open": _cell(
            row.handovers_open, list_url("handover-list", state="due", street=street)
        ),
        "handovers_overdue": _cell(
            row.handovers_overdue, list_url("handover-list", state="overdue", street=street)
        ),
        "postings_late": _cell(
            row.postings_late, list_url("engagement-list", posting="late", street=street)
        ),
        "postings_missing": _cell(
            row.postings_missing, list_url("engagement-list", posting="missing", street=street)
        ),
    }


def _charts(overview: Overview) -> dict[str, Any]:
    labels = dict(Engagement.State.choices)
    return {
        "streets": [row.name for row in overview.rows],
        "states": [
            {
                "name": str(labels[state]),
                "data": [
                    {
                        "value": row.states[state],
                        "url": list_url("engagement-list", state=state, street=row.street_id),
                    }
                    for row in overview.rows
                ],
            }
            for state in STATES
        ],
        "categories": [
            {
                "name": c["name"],
                "value": c["count"],
                "amount": float(c["amount"]),
                "url": list_url("findings-list", category=c["category_id"]),
            }
            for c in overview.categories
        ],
        "labels": {
            "count": pgettext("audits overview", "Findings"),
            "amount": pgettext("audits overview", "Amount involved (yuan)"),
        },
    }


@require_GET
@login_required
def overview_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = overview_scope(request.user)
    overview = overview_take(scope, today=timezone.localdate())
    labels = dict(Engagement.State.choices)
    return render(
        request,
        "audits/overview/page.html",
        {
            "overview": overview,
            "state_labels": [labels[state] for state in STATES],
            "lines": [{"row": row, "cells": _row_cells(row)} for row in overview.rows],
            "total": _row_cells(overview.total),
            "categories": [
                {**c, "url": list_url("findings-list", category=c["category_id"])}
                for c in overview.categories
            ],
            "findings_url": list_url("findings-list"),
            "refusals_url": list_url("handover-refusal-list", state="unacknowledged"),
            "charts": _charts(overview),
        },
    )


@require_GET
@login_required
def overview_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = overview_scope(request.user)
    today = timezone.localdate()
    overview = overview_take(scope, today=today)
    content = overview_workbook(overview)
    response = HttpResponse(content, content_type=XLSX)
    name = pgettext("audits overview", "audits-overview-%(date)s.xlsx") % {
        "date": today.isoformat()
    }
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response
