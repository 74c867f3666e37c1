"""The office's campaign pages, the survey and seat-sizing forms and summaries, and assignments
(分包) with their visits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from communities.models import Community, District
from communities.permissions import (
    OutOfScope,
    communities_for_user,
    districts_for_user,
    streets_for_user,
)
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest, id_parse

from ..forms import (
    AssignmentEndForm,
    AssignmentForm,
    CampaignEditForm,
    CampaignForm,
    FollowUpDoneForm,
    SeatsForm,
    SurveyForm,
    VisitForm,
)
from ..models import Campaign, SurveyLedger, Visit
from ..permissions import (
    access_assignment_for_visits,
    access_assignment_to_manage,
    access_campaign,
    access_plan,
)
from ..selectors import campaigns as selectors
from ..selectors.terms import committees_due_page
from ..services import assignments as assignment_services
from ..services import campaigns as campaign_services
from ..services.seats import SeatError, SeatInput, seats_update
from ..services.survey import SURVEY_FIELDS, survey_update

MANAGE = "manage_campaigns"
EDIT = "change_community"
SEATS_PAGE_SIZE = 100
ASSIGNMENTS_PAGE_SIZE = 50
# how often the campaign page asks whether the plans exist yet while a campaign starts
START_POLL_SECONDS = 2


def _managed_districts(user: User) -> QuerySet[District]:
    """The districts the user runs, or a 404: without one, the office pages do not exist."""
    districts = districts_for_user(user, perm=MANAGE).order_by("name")
    if not districts.exists():
        raise OutOfScope
    return districts


# --- campaigns ------------------------------------------------------------------------------------


@login_required
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _managed_districts(request.user)
    return render(
        request,
        "election/campaign_list.html",
        {"campaigns": list(selectors.campaign_list_for_user(request.user))},
    )


@login_required
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    districts = _managed_districts(request.user)
    form = CampaignForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_services.campaign_create(
                district=form.chosen_district(),
                rule_set=data["rule_set"],
                negative_list=data["negative_list"],
                name=data["name"],
                starts_on=data["starts_on"],
                election_on=data["election_on"],
                party_election_on=data["party_election_on"],
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("“%(name)s” created.") % {"name": campaign.name})
            return redirect("election:campaign-detail", pk=campaign.pk)
    return render(request, "election/campaign_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def campaign_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office edits a campaign's name, period and (while a draft) rule set."""
    campaign = access_campaign(request.user, pk, perm=MANAGE)
    form = CampaignEditForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign_services.campaign_update(
                campaign=campaign,
                data={f: data[f] for f in campaign_services.CAMPAIGN_EDITABLE},
                by=request.user,
                reason=data["reason"],
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": data["name"]})
            return redirect("election:campaign-detail", pk=campaign.pk)
    # a refused form shows the campaign as saved in the breadcrumb, not as typed
    campaign.refresh_from_db()
    return render(request, "election/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, perm=MANAGE)
    overview = selectors.campaign_overview(campaign)
    is_starting = campaign.status == Campaign.Status.RUNNING and (
        overview["plans"] == 0 and overview["communities"] > 0
    )
    context = {
        "campaign": campaign,
        "overview": overview,
        "is_starting": is_starting,
        "poll_seconds": START_POLL_SECONDS,
        "due": committees_due_page(campaign),
    }
    if request.htmx and request.GET.get("part") == "status":
        response = render(request, "election/_campaign_status.html", context)
        if not is_starting:
            # the plans exist: reload the page so that every count shows them
            response["HX-Refresh"] = "true"
        return response
    return render(request, "election/campaign_detail.html", context)


@require_POST
@login_required
def campaign_start_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, perm=MANAGE)
    try:
        campaign_services.campaign_start_request(campaign=campaign, by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("“%(name)s” is starting: a plan is being made for every community.")
            % {"name": campaign.name},
        )
    return redirect("election:campaign-detail", pk=campaign.pk)


# --- survey ---------------------------------------------------------------------------------------


@login_required
def survey_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, perm=EDIT)
    ledger = get_object_or_404(SurveyLedger, plan=plan)
    form = SurveyForm(request.POST or None, instance=ledger, initial={"version": ledger.version})
    if request.method == "POST" and form.is_valid():
        try:
            survey_update(
                ledger=ledger,
                version=form.cleaned_data["version"],
                data={f: form.cleaned_data[f] for f in SURVEY_FIELDS},
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect("election:survey-edit", pk=plan.pk)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("Survey of “%(name)s” saved.") % {"name": plan.community.name}
            )
            return redirect("election:survey-edit", pk=plan.pk)
    return render(
        request,
        "election/survey_edit.html",
        {"plan": plan, "form": form, "history": selectors.survey_history(ledger)},
    )


@login_required
def survey_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, perm=MANAGE)
    return render(
        request,
        "election/survey_summary.html",
        {"campaign": campaign, **selectors.survey_summary(campaign)},
    )


# --- seats ----------------------------------------------------------------------------------------


@login_required
def seats_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, perm=EDIT)
    seat_plans = selectors.seat_plans_with_rules(plan)
    form = SeatsForm(
        request.POST or None,
        seat_plans=seat_plans,
        initial={
            "version": plan.version,
            "one_shoulder": plan.planned_one_shoulder,
            "cross_appointments": plan.planned_cross_appointments,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            seats_update(
                plan=plan,
                versions=form.versions(),
                seats={b: SeatInput(*v) for b, v in form.seats().items()},
                one_shoulder=form.cleaned_data["one_shoulder"],
                cross_appointments=form.cleaned_data["cross_appointments"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect("election:seats-edit", pk=plan.pk)
        except SeatError as e:
            for problem in e.problems:
                form.add_error(None, problem)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request, _("Seats of “%(name)s” saved.") % {"name": plan.community.name}
            )
            return redirect("election:seats-edit", pk=plan.pk)
    return render(
        request,
        "election/seats_edit.html",
        {"plan": plan, "form": form, "seat_plans": seat_plans},
    )


@login_required
def seats_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = access_campaign(request.user, pk, perm=MANAGE)
    summary = selectors.seats_summary(campaign)
    page = Paginator(summary.pop("rows"), SEATS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "election/seats_summary.html",
        {"campaign": campaign, "page": page, "query": "", **summary},
    )


# --- assignments and visits -----------------------------------------------------------------------


def _assignment_form(user: User, data: object = None) -> AssignmentForm:
    communities = communities_for_user(user, perm=MANAGE).order_by("name", "pk")
    people = User.objects.filter(
        is_active=True, role__in=[User.Role.LEADER, User.Role.STREET]
    ).order_by("role", "display_name", "username")
    return AssignmentForm(
        data,
        streets=streets_for_user(user, perm=MANAGE).order_by("name", "pk"),
        communities=communities,
        people=people,
        communities_url=reverse("election:assignment-communities"),
    )


@login_required
def assignment_communities(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The community options of the street chosen in the assignment form (htmx)."""
    _managed_districts(request.user)
    street = id_parse(request.GET.get("street"))
    communities = (
        communities_for_user(request.user, perm=MANAGE).filter(street_id=street).order_by("name")
        if street is not None
        else Community.objects.none()
    )
    return render(request, "election/_community_options.html", {"communities": communities})


@login_required
def assignment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own assignments; for the office, also every assignment of its districts."""
    manages = districts_for_user(request.user, perm=MANAGE).exists()
    context: dict[str, object] = {
        "own": list(selectors.assignments_own(request.user)),
        "manages": manages,
    }
    if manages:
        context["page"] = Paginator(
            selectors.assignments_managed(request.user), ASSIGNMENTS_PAGE_SIZE
        ).get_page(request.GET.get("page"))
        context["form"] = _assignment_form(request.user)
        context["query"] = ""
    return render(request, "election/assignment_list.html", context)


@require_POST
@login_required
def assignment_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _managed_districts(request.user)
    form = _assignment_form(request.user, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("election:assignment-list")
    data = form.cleaned_data
    try:
        assignment = assignment_services.assignment_create(
            community=data["community"], user=data["user"], kind=data["kind"], by=request.user
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("%(person)s now follows “%(community)s”.")
            % {"person": assignment.user, "community": assignment.community.name},
        )
    return redirect("election:assignment-list")


@require_http_methods(["GET", "POST"])
@login_required
def assignment_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask for confirmation and a reason (GET), then end the assignment with it (POST)."""
    assignment = access_assignment_to_manage(request.user, pk)
    form = AssignmentEndForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(
            request, "election/assignment_end.html", {"assignment": assignment, "form": form}
        )
    reason = form.cleaned_data["reason"]
    try:
        assignment_services.assignment_end(assignment=assignment, by=request.user, reason=reason)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            _("%(person)s no longer follows “%(community)s”.")
            % {"person": assignment.user, "community": assignment.community.name},
        )
    return redirect("election:assignment-list")


@login_required
def visit_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a visit to an assigned community, or close a visit's follow-up (`action=follow_up`).

    Only the assigned person (while the assignment is active) and the office may do this.
    """
    assignment = access_assignment_for_visits(request.user, pk)
    today = timezone.localdate()
    is_follow_up = request.method == "POST" and request.POST.get("action") == "follow_up"
    form = VisitForm(
        request.POST if request.method == "POST" and not is_follow_up else None,
        initial={"visited_on": today},
    )
    if is_follow_up:
        done = FollowUpDoneForm(request.POST)
        if done.is_valid():
            visit = get_object_or_404(Visit, pk=done.cleaned_data["visit"], assignment=assignment)
            try:
                assignment_services.visit_follow_up_done(
                    visit=visit, on=done.cleaned_data["on"], by=request.user
                )
            except DomainError as e:
                messages.error(request, str(e))
            else:
                messages.success(request, _("Follow-up marked done."))
        else:
            messages.error(request, _("Give the day the follow-up was done."))
        return redirect("election:visit-add", pk=assignment.pk)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_services.visit_create(
                assignment=assignment, data=form.cleaned_data, by=request.user
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Visit recorded."))
            return redirect("election:visit-add", pk=assignment.pk)
    return render(
        request,
        "election/visit_form.html",
        {
            "assignment": assignment,
            "form": form,
            "visits": selectors.assignment_visits(assignment),
            "today": today,
        },
    )
