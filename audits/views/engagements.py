"""Audit engagements: the list of the user's scope, engaging one firm for many communities at
once (the office), an engagement's page with its dates, audited officials and final report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.permissions import communities_for_user
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest, OutOfScope

from ..forms import EngageForm, EngagementDatesForm, ReportForm, SubjectForm
from ..models import AuditSubject, Engagement
from ..permissions import access_engagement, audit_districts, engagements_for_user
from ..selectors.engagements import (
    can_edit_plan,
    engage_plans,
    engagement_filters,
    engagement_firms,
    engagement_rows,
    engagement_streets,
    engagement_subjects,
    subject_suggestions,
)
from ..services.engagements import (
    engagement_update,
    engagements_create,
    report_upload,
    subject_add,
    subject_remove,
)
from ..services.files import file_response

EDIT = "change_community"
PAGE_SIZE = 30


def _errors(form: object) -> str:
    errors = getattr(form, "errors", {})
    return " ".join(str(e) for field in errors.values() for e in field)


@require_GET
@login_required
def engagement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # the readers of communities' plans; a member unit has none
    if not communities_for_user(request.user).exists():
        raise OutOfScope
    filters = engagement_filters(request.GET)
    page = Paginator(engagement_rows(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "query": filters.as_query(),
        "streets": engagement_streets(request.user),
        "firms": engagement_firms(request.user),
        "states": Engagement.State.choices,
        "kinds": Engagement.Kind.choices,
        "can_engage": audit_districts(request.user).exists(),
    }
    return render(request, "audits/engagements/engagement_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def engage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Engage one firm for many communities of a running campaign at once (the office)."""
    districts = audit_districts(request.user)
    if not districts.exists():
        raise OutOfScope
    form = EngageForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plans = engage_plans(
            data["campaign"].pk,
            [s.pk for s in data["streets"]],
            [c.pk for c in data["communities"]],
        )
        try:
            created, skipped = engagements_create(
                campaign=data["campaign"],
                plans=plans,
                firm=data["firm"],
                kind=data["kind"],
                engaged_on=data["engaged_on"],
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("%(created)s audits engaged; %(skipped)s communities already had one.")
                % {"created": len(created), "skipped": skipped},
            )
            return redirect("audits:engagement-list")
    return render(request, "audits/engagements/engage.html", {"form": form})


def _detail(
    request: AuthenticatedHttpRequest,
    engagement: Engagement,
    *,
    dates_form: EngagementDatesForm | None = None,
    subject_form: SubjectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = can_edit_plan(request.user, engagement.plan_id)
    context = {
        "engagement": engagement,
        "plan": engagement.plan,
        "subjects": engagement_subjects(engagement),
        "suggestions": subject_suggestions(engagement) if can_edit else [],
        "can_edit": can_edit,
        "dates_form": dates_form
        or EngagementDatesForm(instance=engagement, initial={"version": engagement.version}),
        "subject_form": subject_form or SubjectForm(),
        "report_form": ReportForm(),
    }
    return render(request, "audits/engagements/engagement_detail.html", context, status=status)


@require_GET
@login_required
def engagement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_engagement(request.user, pk))


@require_POST
@login_required
def engagement_dates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = access_engagement(request.user, pk, perm=EDIT)
    form = EngagementDatesForm(request.POST, instance=engagement)
    if not form.is_valid():
        return _detail(request, engagement, dates_form=form, status=400)
    data = {f: form.cleaned_data[f] for f in EngagementDatesForm.Meta.fields}
    try:
        engagement_update(
            engagement=engagement,
            version=form.cleaned_data["version"],
            data=data,
            by=request.user,
        )
    except ConflictError as e:
        engagement = access_engagement(request.user, pk, perm=EDIT)
        fresh = EngagementDatesForm(instance=engagement, initial={"version": engagement.version})
        messages.error(request, str(e))
        return _detail(request, engagement, dates_form=fresh, status=409)
    except DomainError as e:
        engagement = access_engagement(request.user, pk, perm=EDIT)
        form.add_error(None, str(e))
        return _detail(request, engagement, dates_form=form, status=400)
    messages.success(request, _("The audit's dates are saved."))
    return redirect("audits:engagement-detail", pk=pk)


@require_POST
@login_required
def subject_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = access_engagement(request.user, pk, perm=EDIT)
    form = SubjectForm(request.POST)
    if not form.is_valid():
        return _detail(request, engagement, subject_form=form, status=400)
    try:
        subject = subject_add(engagement=engagement, data=form.cleaned_data, by=request.user)
    except DomainError as e:
        form.add_error(None, str(e))
        return _detail(request, engagement, subject_form=form, status=400)
    messages.success(request, _("%(name)s added.") % {"name": subject.name})
    return redirect("audits:engagement-detail", pk=pk)


@require_POST
@login_required
def subject_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = (
        AuditSubject.objects.filter(
            pk=pk,
            engagement__in=engagements_for_user(request.user, perm=EDIT).values("pk"),
        )
        .select_related("engagement")
        .first()
    )
    if subject is None:
        raise OutOfScope
    engagement_pk = subject.engagement_id
    subject_remove(subject=subject, by=request.user)
    messages.success(request, _("%(name)s removed.") % {"name": subject.name})
    return redirect("audits:engagement-detail", pk=engagement_pk)


@require_POST
@login_required
def report_upload_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    engagement = access_engagement(request.user, pk, perm=EDIT)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _errors(form) or _("Choose a photo or PDF to upload."))
        return redirect("audits:engagement-detail", pk=pk)
    try:
        report_upload(engagement=engagement, file=form.cleaned_data["file"], by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The final report is attached."))
    return redirect("audits:engagement-detail", pk=pk)


@require_GET
@login_required
def report_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    engagement = access_engagement(request.user, pk)
    return file_response(engagement.report_file, engagement.report_name, engagement.report_type)
