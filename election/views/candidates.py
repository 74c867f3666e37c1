"""The candidate register: a plan's nominees by committee, adding and editing one, one
candidate's page (reviews, answers, decision, history) with its actions, and the campaign-wide
list for the office and the streets.

Access: whoever may see the community reads (the office, its street's officials, an assigned
leader, discipline and supervision); the office and the street's officials write; the office
alone decides on a 不宜 hit. A member unit reads only the candidates in its queue, and only its
own answers. Anything else is a 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.permissions import OutOfScope
from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest

from ..models import Candidate
from ..permissions import access_candidate, access_plan, candidates_for_user
from ..selectors import plan_can_edit
from ..selectors.candidates import (
    CANDIDATE_PAGE_SIZE,
    campaign_candidates,
    campaign_streets,
    candidate_filters,
    candidate_history,
    candidate_reviews,
    candidate_rows,
)
from ..selectors.dashboard import access_dashboard
from ..selectors.plan_parts import candidate_page_parts
from ..services.candidates import candidate_create, candidate_street_approve, candidate_update
from ..services.candidates import candidate_withdraw as candidate_withdraw_service
from ..services.review import (
    candidate_decide,
    candidate_make_formal,
    candidates_send_to_review,
    formal_blockers,
)
from .candidate_forms import (
    CandidateForm,
    DecideForm,
    SendToReviewForm,
    StreetApprovalForm,
    VersionForm,
    WithdrawForm,
)

EDIT = "change_community"
MANAGE = "manage_campaigns"


def _errors(form: object) -> str:
    errors = getattr(form, "errors", {})
    return " ".join(str(e) for field in errors.values() for e in field)


# --- a plan's register -----------------------------------------------------------------------


@require_GET
@login_required
def plan_candidates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    context = {
        "plan": plan,
        "committees": candidate_rows(plan),
        "can_edit": plan_can_edit(request.user, plan),
        "has_negative_list": plan.campaign.negative_list_id is not None,
        "campaign_list": _campaign_list_url(request.user, plan.campaign_id),
    }
    return render(request, "election/candidates/plan_candidates.html", context)


def _campaign_list_url(user: Any, campaign_id: int) -> str:
    """The campaign-wide list's address, for a reader of it (the office, the streets, the
    district's discipline and supervision officers); "" for anyone else."""
    try:
        access_dashboard(user, campaign_id, perm="view_community")
    except OutOfScope:
        return ""
    return reverse("election:campaign-candidates", args=[campaign_id])


@require_http_methods(["GET", "POST"])
@login_required
def candidate_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, perm=EDIT)
    form = CandidateForm(request.POST or None, plan=plan, initial={"body": request.GET.get("body")})
    if request.method == "POST" and form.is_valid():
        try:
            candidate = candidate_create(plan=plan, by=request.user, **form.fields_data())
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Nominee registered."))
            return redirect(reverse("election:candidate-detail", args=[candidate.pk]))
    return render(request, "election/candidates/candidate_form.html", {"plan": plan, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def candidate_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = access_candidate(request.user, pk, perm=EDIT)
    plan = candidate.plan
    form = CandidateForm(
        request.POST or None, plan=plan, initial=CandidateForm.initial_for(candidate)
    )
    if request.method == "POST" and form.is_valid():
        data = form.fields_data()
        if not data.get("id_number"):
            data.pop("id_number", None)  # empty: keep the number on file
        try:
            candidate_update(
                candidate=candidate,
                by=request.user,
                version=form.cleaned_data.get("version") or 0,
                **data,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("election:candidate-edit", args=[candidate.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Candidate saved."))
            return redirect(reverse("election:candidate-detail", args=[candidate.pk]))
    context = {"plan": plan, "form": form, "candidate": candidate}
    return render(request, "election/candidates/candidate_form.html", context)


@require_POST
@login_required
def candidates_review_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send a committee's nominees to the joint review."""
    plan = access_plan(request.user, pk, perm=EDIT)
    form = SendToReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the committee whose nominees go to review."))
    else:
        try:
            created = candidates_send_to_review(
                plan=plan, body=form.cleaned_data["body"], by=request.user
            )
        except DomainError as e:
            messages.error(request, str(e))
        else:
            messages.success(
                request,
                _("Sent to the joint review: %(count)s member-unit tasks.") % {"count": created},
            )
    return redirect(reverse("election:plan-candidates", args=[plan.pk]))


# --- one candidate -----------------------------------------------------------------------------


@require_GET
@login_required
def candidate_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    candidate = access_candidate(user, pk)
    in_scope = candidates_for_user(user).filter(pk=pk, plan__community__in=_communities(user))
    sees_all = in_scope.exists()
    can_edit = sees_all and candidates_for_user(user, perm=EDIT).filter(pk=pk).exists()
    can_decide = can_edit and candidates_for_user(user, perm=MANAGE).filter(pk=pk).exists()
    # a member unit reading through its queue sees its own answers only
    unit_id = None if sees_all else user.member_unit_id
    today = timezone.localdate()
    context = {
        "candidate": candidate,
        "plan": candidate.plan,
        "age": candidate.age_on(candidate.plan.election_on),
        "reviews": candidate_reviews(candidate, unit_id=unit_id),
        "history": candidate_history(candidate) if sees_all else [],
        "sees_all": sees_all,
        "can_edit": can_edit,
        "can_decide": can_decide and candidate.status == Candidate.Status.UNDER_REVIEW,
        "can_reopen": can_decide,
        "blockers": formal_blockers(candidate)
        if can_edit and candidate.status == Candidate.Status.UNDER_REVIEW
        else [],
        "today": today,
        "approval_form": StreetApprovalForm(
            initial={"version": candidate.version, "approved_on": today}
        ),
        "withdraw_form": WithdrawForm(initial={"version": candidate.version}),
        "is_active": candidate.is_active,
        # cards other apps add (discipline: substantiated reports against the candidate)
        "candidate_parts": candidate_page_parts(candidate, user),
    }
    return render(request, "election/candidates/candidate_detail.html", context)


def _communities(user: object) -> object:
    from communities.permissions import communities_for_user

    return communities_for_user(user, perm="view_community").values("pk")  # type: ignore[arg-type]


def _back(candidate: Candidate) -> HttpResponse:
    return redirect(reverse("election:candidate-detail", args=[candidate.pk]))


@require_POST
@login_required
def candidate_formal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The gate: make the candidate formal, or say in Chinese what blocks it."""
    candidate = access_candidate(request.user, pk, perm=EDIT)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; try again."))
        return _back(candidate)
    try:
        candidate_make_formal(
            candidate=candidate, by=request.user, version=form.cleaned_data["version"]
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The nominee is now a formal candidate."))
    return _back(candidate)


@require_POST
@login_required
def candidate_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the street Party working committee's approval of a Party nominee."""
    candidate = access_candidate(request.user, pk, perm=EDIT)
    form = StreetApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form) or _("The form was incomplete; try again."))
        return _back(candidate)
    try:
        candidate_street_approve(
            candidate=candidate,
            by=request.user,
            version=form.cleaned_data["version"],
            approved_on=form.cleaned_data["approved_on"],
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Approval recorded."))
    return _back(candidate)


@require_POST
@login_required
def candidate_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    candidate = access_candidate(request.user, pk, perm=EDIT)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form) or _("The form was incomplete; try again."))
        return _back(candidate)
    try:
        candidate_withdraw_service(
            candidate=candidate,
            by=request.user,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Withdrawal recorded."))
    return _back(candidate)


@require_http_methods(["GET", "POST"])
@login_required
def candidate_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office's decision on a 不宜 hit, with a reason."""
    candidate = access_candidate(request.user, pk, perm=MANAGE)
    form = DecideForm(request.POST or None, initial={"version": candidate.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidate_decide(
                candidate=candidate,
                by=request.user,
                version=data["version"],
                decision=data["decision"],
                reason=data["decision_reason"],
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("election:candidate-decide", args=[candidate.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Decision recorded."))
            return _back(candidate)
    context = {
        "candidate": candidate,
        "plan": candidate.plan,
        "form": form,
        "reviews": candidate_reviews(candidate),
    }
    return render(request, "election/candidates/candidate_decide.html", context)


# --- the campaign's list -------------------------------------------------------------------------


@require_GET
@login_required
def campaign_candidates_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every candidate of the campaign in the reader's district or streets, filtered, paged."""
    campaign, scope = access_dashboard(request.user, pk, perm="view_community")
    filters = candidate_filters(request.GET)
    rows = campaign_candidates(campaign, filters, street_ids=scope.street_ids)
    page = Paginator(rows, CANDIDATE_PAGE_SIZE).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.age = c.age_on(c.plan.election_on)
    context = {
        "campaign": campaign,
        "page": page,
        "filters": filters,
        "streets": campaign_streets(campaign, scope.street_ids),
        "statuses": Candidate.Status.choices,
        "bodies": Candidate._meta.get_field("body").choices,
        "query": filters.as_query(),
    }
    return render(request, "election/candidates/campaign_candidates.html", context)
