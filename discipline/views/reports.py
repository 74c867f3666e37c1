"""Pages of the reports (举报) entered by staff and of their cases.

- `reports`: every report of the communities the user sees, as number, community, category,
  channel, received, state, outcome and an overdue flag; filters and a workbook
  (`reports-xlsx`). Never the identity.
- `report-new`: a discipline officer of the district enters a report taken by phone, letter or
  visit (or referred); the receipt code is shown once, on the page answering the form.
- `report-detail`: everyone in scope reads the public part; the officers on the case and the
  district's leads also read the identity, the text, the attachments and the case's entries,
  and handle the case from here (`case-entry`, `case-stage`, `case-conclude`).
- `case-open` and `case-officers`: a lead of the district opens the case with its officers and
  changes them; while the district has no lead, any of its discipline officers may (so that
  a report never waits for a lead to be named).
- `lead-list`: the office names and removes the district's discipline leads.

Whoever may not do something gets a 404, as for another scope's report.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.models import Community
from communities.permissions import OutOfScope, communities_for_user
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest, id_parse
from election.models import Candidate

from ..exporters_reports import XLSX, reports_workbook
from ..forms_reports import (
    CaseConcludeForm,
    CaseEntryForm,
    CaseOfficersForm,
    CaseOpenForm,
    CaseStageForm,
    LeadForm,
    StaffReportForm,
)
from ..models import Case, DisciplineLead, Report
from ..permissions import (
    access_case,
    access_report,
    access_report_identity,
    can_assign_cases,
    can_see_identity,
    discipline_districts,
    discipline_officers,
    lead_list_districts,
)
from ..selectors.reports import (
    report_filters_parse,
    report_public,
    report_secret,
    report_streets,
    reports_list,
)
from ..services.cases import (
    case_conclude,
    case_entry_add,
    case_officers_set,
    case_open,
    case_stage_advance,
    lead_add,
    lead_remove,
)
from ..services.reports import report_receive

PAGE_SIZE = 50


def _detail_url(pk: int) -> str:
    return reverse("discipline:report-detail", args=[pk])


@require_GET
@login_required
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reports of the communities in the user's scope (a user who sees none: 404)."""
    user = request.user
    if not communities_for_user(user).exists():
        raise OutOfScope
    today = timezone.localdate()
    filters = report_filters_parse(request.GET)
    rows = reports_list(user, filters=filters, today=today)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": filters.query(),
        "streets": list(report_streets(user)),
        "states": Report.State.choices,
        "categories": Report.Category.choices,
        "can_enter": discipline_districts(user).exists(),
        "can_lead_list": lead_list_districts(user).exists(),
    }
    return render(request, "discipline/reports/list.html", context)


@require_GET
@login_required
def reports_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list's workbook, with the list's filters (public columns only)."""
    user = request.user
    if not communities_for_user(user).exists():
        raise OutOfScope
    today = timezone.localdate()
    rows = reports_list(user, filters=report_filters_parse(request.GET), today=today)
    response = HttpResponse(reports_workbook(rows, today=today), content_type=XLSX)
    name = _("reports-%(date)s.xlsx") % {"date": today.isoformat()}
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A discipline officer enters a report of their district; the answer shows the receipt
    code once (it is not kept: only its digest is)."""
    districts = discipline_districts(request.user)
    if not districts.exists():
        raise OutOfScope
    communities = (
        Community.objects.filter(street__district__in=districts.values("pk"))
        .select_related("street")
        .order_by("street__name", "name", "pk")
    )
    candidates = (
        Candidate.objects.filter(plan__community__in=communities.values("pk"))
        .select_related("plan__community")
        .order_by("plan__community__name", "name", "pk")
    )
    form = StaffReportForm(
        request.POST or None,
        request.FILES or None,
        communities=communities,
        candidates=candidates,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            received = report_receive(
                community=data["community"],
                candidate=data.get("candidate"),
                channel=data["channel"],
                category=data["category"],
                text=data["text"],
                anonymous=bool(data.get("anonymous")),
                reporter_name=data.get("reporter_name") or "",
                reporter_phone=data.get("reporter_phone") or "",
                reporter_address=data.get("reporter_address") or "",
                attachments=data.get("attachments") or [],
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            context = {"report": received.report, "receipt_code": received.receipt_code}
            response = render(request, "discipline/reports/received.html", context)
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "discipline/reports/new.html", {"form": form})


@require_GET
@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    report = report_public(user, pk)
    if report is None:
        raise OutOfScope
    case: Case | None = getattr(report, "case", None)
    secret = report_secret(report) if can_see_identity(user, report) else None
    assigner = can_assign_cases(user, report.district_id)
    officers = discipline_officers(report.district)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "report": report,
        "case": case,
        "secret": secret,
        "is_overdue": (
            case is None and report.state == Report.State.RECEIVED and report.open_due_on < today
        )
        or (case is not None and case.stage != Case.Stage.CONCLUDED and case.due_on < today),
        "open_form": CaseOpenForm(officers=officers) if assigner and case is None else None,
    }
    if case is not None and case.stage != Case.Stage.CONCLUDED:
        if assigner:
            context["officers_form"] = CaseOfficersForm(
                officers=officers,
                initial={
                    "version": case.version,
                    "officers": secret.officers if secret else list(case.officers.all()),
                },
            )
        if secret is not None:
            context["entry_form"] = CaseEntryForm()
            if case.stage == Case.Stage.VERIFYING:
                context["stage_form"] = CaseStageForm(initial={"version": case.version})
            context["conclude_form"] = CaseConcludeForm(initial={"version": case.version})
    return render(request, "discipline/reports/detail.html", context)


@require_GET
@login_required
def report_attachment(
    request: AuthenticatedHttpRequest, pk: int, attachment_pk: int
) -> FileResponse:
    """A file sent with the report: for the officers on the case and the leads only."""
    report = access_report_identity(request.user, pk)
    attachment = report.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise OutOfScope
    from ..services.files import file_response

    return file_response(attachment)


def _assignable_report(request: AuthenticatedHttpRequest, pk: int) -> Report:
    report = access_report(request.user, pk)
    if not can_assign_cases(request.user, report.district_id):
        raise OutOfScope
    return report


@require_POST
@login_required
def case_open_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _assignable_report(request, pk)
    form = CaseOpenForm(request.POST, officers=discipline_officers(report.district))
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(_detail_url(report.pk))
    try:
        case_open(report=report, officers=list(form.cleaned_data["officers"]), by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Case opened."))
    return redirect(_detail_url(report.pk))


@require_POST
@login_required
def case_officers_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _assignable_report(request, pk)
    case = Case.objects.filter(report=report).first()
    if case is None:
        raise OutOfScope
    form = CaseOfficersForm(request.POST, officers=discipline_officers(report.district))
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(_detail_url(report.pk))
    try:
        case_officers_set(
            case=case,
            officers=list(form.cleaned_data["officers"]),
            version=form.cleaned_data["version"],
            by=request.user,
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Officers on the case saved."))
    return redirect(_detail_url(report.pk))


@require_POST
@login_required
def case_entry_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = CaseEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(_detail_url(pk))
    try:
        case_entry_add(
            case=case,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            by=request.user,
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Entry recorded."))
    return redirect(_detail_url(pk))


@require_POST
@login_required
def case_stage_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = CaseStageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect(_detail_url(pk))
    try:
        case_stage_advance(case=case, version=form.cleaned_data["version"], by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The investigation has started."))
    return redirect(_detail_url(pk))


@require_POST
@login_required
def case_conclude_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    form = CaseConcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(_detail_url(pk))
    data = form.cleaned_data
    try:
        case_conclude(
            case=case,
            outcome=data["outcome"],
            measures=data.get("measures") or "",
            reply=data.get("reply") or "",
            version=data["version"],
            by=request.user,
        )
    except ConflictError as e:
        messages.error(request, str(e))
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Case concluded."))
    return redirect(_detail_url(pk))


def _errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_http_methods(["GET", "POST"])
@login_required
def lead_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office's page of the district's discipline leads: name one of the district's
    discipline officers, or remove one (POST)."""
    districts = list(lead_list_districts(request.user).order_by("name", "pk"))
    if not districts:
        raise OutOfScope
    raw = request.POST.get("district") or request.GET.get("district") or ""
    chosen = id_parse(raw)
    district = next((d for d in districts if d.pk == chosen), None if raw else districts[0])
    if district is None:
        raise OutOfScope  # another district's leads do not exist for this office
    officers = discipline_officers(district)
    form = LeadForm(request.POST or None, officers=officers)
    if request.method == "POST":
        if form.is_valid():
            user, action = form.cleaned_data["user"], form.cleaned_data["action"]
            try:
                if action == "add":
                    lead_add(district=district, user=user, by=request.user)
                    messages.success(
                        request, _("%(name)s now leads the discipline work.") % {"name": user}
                    )
                else:
                    lead_remove(district=district, user=user, by=request.user)
                    messages.success(
                        request, _("%(name)s no longer leads the discipline work.") % {"name": user}
                    )
            except DomainError as e:
                messages.error(request, str(e))
        else:
            messages.error(request, _errors(form))
        return redirect(reverse("discipline:lead-list") + f"?district={district.pk}")
    leads = list(
        DisciplineLead.objects.filter(district=district)
        .select_related("user")
        .order_by("user__display_name", "user__username")
    )
    lead_ids = {lead.user_id for lead in leads}
    context = {
        "districts": districts,
        "district": district,
        "leads": leads,
        "candidates": [u for u in officers if u.pk not in lead_ids],
    }
    return render(request, "discipline/reports/leads.html", context)
