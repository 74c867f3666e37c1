"""A plan's vote (voter figures, voting mode, runoff, new election, Party meeting) and the
postponement of its election."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import DomainError
from core.http import AuthenticatedHttpRequest

from ..forms import PlanVotingForm, PostponementForm
from ..permissions import access_plan, access_plan_to_manage
from ..selectors.terms import plan_voting_summary
from ..services.changes import (
    ChangeNeedsConfirmation,
    StepImpact,
    plan_postpone_change,
    plan_voting_change,
)
from ..services.terms import postpone_latest_on
from ..services.voting import VOTING_FIELDS, voting_rules_for

EDIT = "change_community"


@require_http_methods(["GET", "POST"])
@login_required
def plan_voting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the form with the rules of the plan's track. POST: save it (the plan's editors)."""
    plan = access_plan(request.user, pk, perm=EDIT)
    track = plan.community.election_track
    rules = voting_rules_for(plan, track)
    form = PlanVotingForm(
        request.POST or None,
        instance=plan,
        initial={"version": plan.version},
        track=track,
        modes=[r.mode for r in rules],
        direct_election=plan.campaign.rule_set.allows_party_direct_election,
    )
    impact: list[StepImpact] = []
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in VOTING_FIELDS if f in form.cleaned_data}
        try:
            plan_voting_change(
                plan=plan,
                version=form.cleaned_data["version"],
                data=data,
                by=request.user,
                reason=form.cleaned_data["reason"],
                confirmed=form.is_confirmed(),
            )
        except ChangeNeedsConfirmation as e:
            # a runoff or new election moves the handover: list what breaks, save on confirmation
            impact = e.steps
            form.ask_confirmation()
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The vote's record is saved."))
            return redirect(plan)
    context = {
        "plan": plan,
        "form": form,
        "rules": rules,
        "summary": plan_voting_summary(plan),
        "impact": impact,
    }
    return render(request, "election/plan_voting.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def plan_postpone_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the plan's postponements and the form. POST: postpone (the district office only);
    when the new day makes a step red or overdue, the steps are listed and nothing is saved until
    the same day is submitted again."""
    plan = access_plan_to_manage(request.user, pk)
    form = PostponementForm(request.POST or None, initial={"version": plan.version})
    impact: list[StepImpact] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_postpone_change(
                plan=plan,
                version=data["version"],
                approved_by_body=data["approved_by_body"],
                approved_on=data["approved_on"],
                reason=data["reason"],
                new_on=data["new_on"],
                by=request.user,
                confirmed=form.is_confirmed(),
            )
        except ChangeNeedsConfirmation as e:
            # nothing saved: list what breaks and ask for the same day again to confirm
            impact = e.steps
            form.ask_confirmation()
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The election is postponed; due dates recomputed."))
            return redirect(plan)
    context = {
        "plan": plan,
        "form": form,
        "latest_on": postpone_latest_on(plan),
        "impact": impact,
        "postponements": list(plan.postponements.select_related("created_by")),
    }
    return render(request, "election/plan_postpone.html", context)
