"""Negative-list screens for the office: the list of versions, one version's criteria, cloning
a version, and editing a version's criteria (change, add, delete, move up or down). A list used
by a campaign whose joint review has started is read-only; its pages say so and offer to clone
it."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.permissions import OutOfScope
from core.exceptions import ConflictError, DomainError
from core.history import REASON_MAX
from core.http import AuthenticatedHttpRequest
from core.text import text_truncate

from ..forms import NegativeCriterionForm
from ..models import NegativeCriterion
from ..permissions import access_negative_list, access_rule_sets
from ..selectors import negative_lists as selectors
from ..services import negative_lists as services
from ..services.negative_lists import negative_list_clone


@login_required
def negative_list_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    access_rule_sets(request.user)
    context = {"negative_lists": selectors.negative_list_list()}
    return render(request, "election/negative_list_list.html", context)


@login_required
def negative_list_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    negative_list = access_negative_list(request.user, pk)
    context = {
        "negative_list": negative_list,
        "criteria": selectors.negative_list_criteria(negative_list),
        "campaigns": list(selectors.negative_list_campaigns(negative_list)),
        "is_locked": services.negative_list_is_locked(negative_list),
    }
    return render(request, "election/negative_list_detail.html", context)


@require_POST
@login_required
def negative_list_clone_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    negative_list = access_negative_list(request.user, pk)
    try:
        clone = negative_list_clone(negative_list=negative_list, by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("election:negative-list-detail", pk=negative_list.pk)
    messages.success(
        request,
        _("Copied “%(name)s” to version %(version)s. This version can be edited.")
        % {"name": negative_list.name, "version": clone.version},
    )
    return redirect("election:negative-list-detail", pk=clone.pk)


# --- editing criteria ----------------------------------------------------------------------------


def _access_criterion(user: Any, pk: int) -> NegativeCriterion:
    """A criterion with its list, for the users who may manage rule sets; else Http404."""
    access_rule_sets(user)
    criterion = NegativeCriterion.objects.select_related("negative_list").filter(pk=pk).first()
    if criterion is None:
        raise OutOfScope
    return criterion


def _criteria_url(negative_list_id: int, anchor: str = "criteria") -> str:
    return f"{reverse('election:negative-list-detail', args=[negative_list_id])}#{anchor}"


def _data(form: NegativeCriterionForm) -> dict[str, Any]:
    return {f: form.cleaned_data[f] for f in services.CRITERION_EDITABLE}


@login_required
def negative_criterion_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _access_criterion(request.user, pk)
    form = NegativeCriterionForm(request.POST or None, criterion=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.negative_criterion_update(
                criterion=criterion,
                data=_data(form),
                by=request.user,
                reason=form.cleaned_data["reason"],
                fingerprint=form.cleaned_data["fingerprint"] or None,
            )
        except ConflictError as e:
            # show what is saved now, with its digest, so that a second save is deliberate
            criterion.refresh_from_db()
            saved = NegativeCriterionForm(criterion=criterion).initial
            data = {k: "" if v is None else v for k, v in saved.items()}
            form = NegativeCriterionForm(data, criterion=criterion)
            form.is_valid()
            form.add_error(None, str(e))
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Criterion %(order)s saved.") % {"order": criterion.order})
            return redirect(_criteria_url(criterion.negative_list_id, f"criterion-{criterion.pk}"))
    context = {
        "form": form,
        "criterion": criterion,
        "negative_list": criterion.negative_list,
        "is_locked": services.negative_list_is_locked(criterion.negative_list),
    }
    return render(request, "election/negative_list_criterion_form.html", context)


@login_required
def negative_criterion_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    negative_list = access_negative_list(request.user, pk)
    form = NegativeCriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.negative_criterion_add(
                negative_list=negative_list,
                data=_data(form),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Criterion %(order)s added.") % {"order": criterion.order})
            return redirect(_criteria_url(negative_list.pk, f"criterion-{criterion.pk}"))
    context = {
        "form": form,
        "criterion": None,
        "negative_list": negative_list,
        "is_locked": services.negative_list_is_locked(negative_list),
    }
    return render(request, "election/negative_list_criterion_form.html", context)


@require_POST
@login_required
def negative_criterion_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _access_criterion(request.user, pk)
    reason = str(request.POST.get("reason", ""))[:REASON_MAX]
    try:
        services.negative_criterion_delete(criterion=criterion, by=request.user, reason=reason)
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("election:negative-criterion-edit", pk=criterion.pk)
    messages.success(
        request,
        _("Criterion %(order)s deleted: “%(text)s”.")
        % {"order": criterion.order, "text": text_truncate(criterion.text)},
    )
    return redirect(_criteria_url(criterion.negative_list_id))


@require_POST
@login_required
def negative_criterion_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _access_criterion(request.user, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("Choose whether to move the criterion up or down."))
        return redirect(_criteria_url(criterion.negative_list_id))
    try:
        services.negative_criterion_move(criterion=criterion, up=direction == "up", by=request.user)
    except DomainError as e:
        messages.error(request, str(e))
    return redirect(_criteria_url(criterion.negative_list_id, f"criterion-{criterion.pk}"))
