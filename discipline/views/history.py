"""The change history of a report and its case (`report-history`): who changed what, and when.

Confidential as the report's text: only the officers on the case and the district's discipline
leads read it (`access_report_identity`); everyone else gets a 404, as for another scope's
report. The page shows no identity field and no text of the report, its entries or its
conclusion.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest

from ..permissions import access_report_identity
from ..selectors.history import report_history


@require_GET
@login_required
def report_history_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = access_report_identity(request.user, pk)
    context = {"report": report, "rows": report_history(report)}
    return render(request, "discipline/reports/history.html", context)
