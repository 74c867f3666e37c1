"""A plan's candidate list notice and printable list, its election results (rounds with the
law's checks), forming the new committee, and the committees' members.

Readers: everyone whose scope holds the community (office, its street's official, leader,
discipline, supervisor); writers: the office and the street's official. Anyone else: 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import DomainError
from core.http import AuthenticatedHttpRequest

from ..forms import NOTICE_PLACES, NoticeForm
from ..models import CommunityPlan, ElectionResult, SeatPlan, SeatRule
from ..permissions import access_plan
from ..selectors import plan_can_edit
from ..selectors.competition import body_shortfalls
from ..selectors.results import formal_candidates, plan_members, plan_results
from ..services.competition import candidate_list_notice_post, candidate_list_step
from ..services.results import (
    committee_form,
    elected_candidates,
    posts_for,
    result_record,
    runoff_seats,
    voting_rule_for,
)
from .result_forms import ACCOUNT_FIELDS, CommitteeForm, ResultForm

EDIT = "change_community"


def _body(request: AuthenticatedHttpRequest, plan: CommunityPlan) -> SeatPlan:
    """The committee named by `?body=`, one of the plan's; else 404."""
    body = request.GET.get("body", "")
    if body not in SeatRule.Body.values:  # checked before the query: no odd bytes reach SQL
        raise Http404
    seat_plan = SeatPlan.objects.filter(plan=plan, body=body).first()
    if seat_plan is None:
        raise Http404
    return seat_plan


def _results_url(plan: CommunityPlan) -> str:
    return reverse("election:result-list", args=[plan.pk])


@require_GET
@login_required
def result_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Each committee's competition, its rounds with votes and outcome, and what comes next."""
    plan = access_plan(request.user, pk)
    context = {
        "plan": plan,
        "rows": plan_results(plan),
        "rule": voting_rule_for(plan),
        "can_edit": plan_can_edit(request.user, plan),
    }
    return render(request, "election/results/result_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def result_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the ballot account of one round (`?body=&round=`) with a votes field per formal
    candidate. POST: record it; the checks' failures come back on the form."""
    plan = access_plan(request.user, pk, perm=EDIT)
    seat_plan = _body(request, plan)
    round_ = request.GET.get("round") or ElectionResult.Round.FIRST
    if round_ not in ElectionResult.Round.values:
        raise Http404
    candidates = formal_candidates(plan, seat_plan.body)
    seats = seat_plan.planned_seats
    if round_ == ElectionResult.Round.RUNOFF:
        # a runoff: the seats left, among those not elected yet
        won = {c.pk for c in elected_candidates(plan, seat_plan.body)}
        candidates = [c for c in candidates if c.pk not in won]
        seats = runoff_seats(plan, seat_plan.body)
    form = ResultForm(
        request.POST or None,
        candidates=candidates,
        initial={"held_on": timezone.localdate(), "seats_to_fill": seats},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = result_record(
                plan=plan,
                body=seat_plan.body,
                round=round_,
                by=request.user,
                held_on=data["held_on"],
                votes=form.votes(),
                **{f: data[f] for f in ACCOUNT_FIELDS},
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            if not result.is_valid:
                messages.warning(request, _("The election is invalid; a new election is needed."))
            elif result.seats_filled < result.seats_to_fill:
                messages.warning(
                    request, _("Seats are left unfilled; a runoff is needed for them.")
                )
            else:
                messages.success(request, _("Result recorded; every seat is filled."))
            return redirect(_results_url(plan))
    context = {
        "plan": plan,
        "seat_plan": seat_plan,
        "round_label": ElectionResult.Round(round_).label,
        "form": form,
        "rule": voting_rule_for(plan),
        "vote_fields": [form[f"vote_{c.pk}"] for c in candidates],
    }
    return render(request, "election/results/result_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def committee_form_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: those elected with a post each. POST: form the committee, closing the old term."""
    plan = access_plan(request.user, pk, perm=EDIT)
    seat_plan = _body(request, plan)
    elected = elected_candidates(plan, seat_plan.body)
    form = CommitteeForm(
        request.POST or None,
        candidates=elected,
        posts=posts_for(seat_plan.body),
        initial={"formed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            committee_form(
                plan=plan,
                body=seat_plan.body,
                by=request.user,
                posts=form.posts(),
                formed_on=form.cleaned_data["formed_on"],
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The new committee is formed; the old term is closed."))
            return redirect(reverse("election:plan-members", args=[plan.pk]))
    context = {"plan": plan, "seat_plan": seat_plan, "form": form, "elected": elected}
    return render(request, "election/results/committee_form.html", context)


@require_GET
@login_required
def plan_members_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The community's committees: current members with their posts, and the term closed."""
    plan = access_plan(request.user, pk)
    context = {"plan": plan, "groups": plan_members(plan)}
    return render(request, "election/results/members.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def candidate_notice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the committee's formal candidate list and the notice form. POST: post the list as a
    public notice on its step (refused while the list is short or empty)."""
    plan = access_plan(request.user, pk, perm=EDIT)
    seat_plan = _body(request, plan)
    candidates = formal_candidates(plan, seat_plan.body)
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "title": _("Formal candidates of the %(committee)s")
            % {"committee": seat_plan.get_body_display()},
            "posted_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            candidate_list_notice_post(
                plan=plan,
                body=seat_plan.body,
                data=form.cleaned_data,
                photo=form.cleaned_data["photo"],
                by=request.user,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The candidate list is posted as a public notice."))
            return redirect(_results_url(plan))
    context = {
        "plan": plan,
        "seat_plan": seat_plan,
        "rows": [(c, c.age_on(plan.election_on)) for c in candidates],
        "shortfalls": body_shortfalls(plan, seat_plan.body),
        "step": candidate_list_step(plan, seat_plan.body),
        "form": form,
        "places": NOTICE_PLACES,
        "today": timezone.localdate(),
    }
    return render(request, "election/results/candidate_notice.html", context)


@require_GET
@login_required
def candidate_list_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A printable list of the committee's formal candidates: name, gender, age, education, post
    stood for (never an ID number)."""
    plan = access_plan(request.user, pk)
    seat_plan = _body(request, plan)
    context = {
        "plan": plan,
        "seat_plan": seat_plan,
        "rows": [(c, c.age_on(plan.election_on)) for c in formal_candidates(plan, seat_plan.body)],
    }
    return render(request, "election/results/candidate_list_print.html", context)
