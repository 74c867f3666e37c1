"""The public reporting channel (绿色通道): a form that needs no login, the receipt code shown once,
and the look-up of a report's status by its receipt code.

The receipt code never appears in a URL: it waits in the session until its page is shown once,
and is looked up by POST. Pages that show it or a report's status are never cached. Each client
address may send `PUBLIC_REPORT_LIMIT` reports and `PUBLIC_REPORT_ATTEMPT_LIMIT` submissions an
hour, and look up `RECEIPT_LOOKUP_LIMIT` codes an hour; past that it gets a 429 page.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from communities.models import Community
from core.exceptions import DomainError

from ..forms_public import PublicReportForm, ReceiptForm
from ..models import Case, Report
from ..services.reports import report_for_receipt, report_receive
from ..throttle import (
    ATTEMPTS,
    LOOKUPS,
    REPORTS,
    address_digest,
    request_address,
    throttle_exceeded,
    throttle_hit,
)

# the receipt code of the report just sent, until its page has shown it once
SESSION_KEY = "discipline_public_receipt"
TOO_MANY = 429


def _communities() -> Any:
    return Community.objects.select_related("street__district").order_by(
        "street__district__name", "street__name", "name", "pk"
    )


def _report_page(request: HttpRequest, form: PublicReportForm, **context: Any) -> HttpResponse:
    status = context.pop("status", 200)
    return render(
        request, "discipline/public/report.html", {"form": form, **context}, status=status
    )


@never_cache
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _report_page(request, PublicReportForm(communities=_communities()))
    address = request_address(request)
    if throttle_exceeded(address, REPORTS, settings.PUBLIC_REPORT_LIMIT) or throttle_exceeded(
        address, ATTEMPTS, settings.PUBLIC_REPORT_ATTEMPT_LIMIT
    ):
        # what was typed is shown again (not checked, nothing stored) so that it is not lost
        initial: dict[str, Any] = request.POST.dict()
        initial["anonymous"] = "anonymous" in request.POST
        initial.pop("website", None)
        form = PublicReportForm(initial=initial, communities=_communities())
        return _report_page(request, form, throttled=True, status=TOO_MANY)
    throttle_hit(address, ATTEMPTS)
    form = PublicReportForm(request.POST, request.FILES, communities=_communities())
    if form.is_valid():
        data = form.cleaned_data
        try:
            received = report_receive(
                community=data["community"],
                channel=Report.Channel.ONLINE,
                category=data["category"],
                text=data["text"],
                anonymous=data["anonymous"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_address=data["reporter_address"],
                attachments=data["attachments"],
                sender_digest=address_digest(address),
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            throttle_hit(address, REPORTS)
            request.session[SESSION_KEY] = {
                "code": received.receipt_code,
                "number": received.report.number,
            }
            return redirect("discipline:public-report-done")
    files_lost = any(request.FILES.getlist(name) for name in request.FILES)
    return _report_page(request, form, files_lost=files_lost)


@never_cache
@require_GET
def public_report_done(request: HttpRequest) -> HttpResponse:
    receipt = request.session.pop(SESSION_KEY, None)
    if not isinstance(receipt, dict) or not receipt.get("code"):
        messages.info(
            request,
            _(
                "A receipt code is shown only once, right after the report is sent. "
                "Look a report up with the code you wrote down."
            ),
        )
        return redirect("discipline:public-report")
    return render(
        request,
        "discipline/public/done.html",
        {"code": receipt["code"], "number": receipt.get("number", "")},
    )


def receipt_status(report: Report) -> dict[str, Any]:
    """All a receipt code shows of its report: the number, the dates, the state and, once
    concluded, the outcome and the reply to the reporter. Nothing else leaves this function."""
    case: Case | None = getattr(report, "case", None)
    concluded = report.state == Report.State.CONCLUDED and case is not None
    return {
        "number": report.number,
        "received_on": timezone.localdate(report.received_at),
        "state": report.get_state_display(),
        "state_code": report.state,
        "concluded_on": (
            timezone.localdate(case.concluded_at)
            if concluded and case is not None and case.concluded_at
            else None
        ),
        "outcome": case.get_outcome_display() if concluded and case is not None else "",
        "reply": case.reply if concluded and case is not None else "",
    }


@never_cache
@require_http_methods(["GET", "POST"])
def public_receipt(request: HttpRequest) -> HttpResponse:
    template = "discipline/public/receipt.html"
    if request.method != "POST":
        return render(request, template, {"form": ReceiptForm()})
    address = request_address(request)
    if throttle_exceeded(address, LOOKUPS, settings.RECEIPT_LOOKUP_LIMIT):
        return render(
            request, template, {"form": ReceiptForm(), "throttled": True}, status=TOO_MANY
        )
    throttle_hit(address, LOOKUPS)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        report = report_for_receipt(form.cleaned_data["code"])
        if report is not None:
            return render(
                request, template, {"form": ReceiptForm(), "receipt": receipt_status(report)}
            )
        form.add_error(
            "code",
            _("No report has this receipt code. Check the code and enter it again."),
        )
    return render(request, template, {"form": form})
