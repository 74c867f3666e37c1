"""Negative-list screens for the office: the list of versions, one version's criteria, and
cloning a version (the clone's criteria are then edited in the admin)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import DomainError
from core.http import AuthenticatedHttpRequest

from ..permissions import access_negative_list, access_rule_sets
from ..selectors import negative_lists as selectors
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
        _("Copied “%(name)s” to version %(version)s. Edit its criteria in the admin.")
        % {"name": negative_list.name, "version": clone.version},
    )
    return redirect("election:negative-list-detail", pk=clone.pk)
