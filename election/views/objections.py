"""Objections to the voter list of a plan: the list with its add form, and the decision on one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest

from ..forms import ObjectionDecideForm, ObjectionForm
from ..permissions import access_objection, access_plan
from ..selectors import plan_can_edit, plan_objections
from ..services.objections import objection_add, objection_decide

EDIT = "change_community"


@require_http_methods(["GET", "POST"])
@login_required
def objection_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the plan's objections, each with its last day, and (for its editors) a form to
    record one. POST: record it (editors only)."""
    plan = access_plan(
        request.user, pk, perm=EDIT if request.method == "POST" else "view_community"
    )
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_add(plan=plan, data=form.cleaned_data, by=request.user)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Objection recorded."))
            return redirect(reverse("election:plan-objections", args=[plan.pk]))
    context = {
        "plan": plan,
        "rows": plan_objections(plan, today=timezone.localdate()),
        "form": form,
        "can_edit": request.method == "POST" or plan_can_edit(request.user, plan),
    }
    return render(request, "election/objection_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def objection_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objection = access_objection(request.user, pk, perm=EDIT)
    form = ObjectionDecideForm(
        request.POST or None, instance=objection, initial={"version": objection.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection_decide(
                objection=objection,
                version=data["version"],
                decided_on=data["decided_on"],
                outcome=data["outcome"],
                by=request.user,
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect(reverse("election:objection-decide", args=[objection.pk]))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(reverse("election:plan-objections", args=[objection.plan_id]))
    return render(request, "election/objection_decide.html", {"objection": objection, "form": form})
