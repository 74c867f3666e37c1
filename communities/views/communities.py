"""The community list, a community's page, its edit forms and its history."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.exceptions import ConflictError, DomainError
from core.http import AuthenticatedHttpRequest

from ..forms import CommitteeForm, CommunityFilterForm, CommunityForm
from ..models import Committee
from ..permissions import access_community, can_import_communities, has_community_perm
from ..selectors import community_history_entries, community_page_parts, street_choices
from ..selectors import community_list as select_communities
from ..services import committee_update, community_update

PAGE_SIZE = 50


@login_required
def community_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CommunityFilterForm(request.GET or None, streets=street_choices(request.user))
    communities = select_communities(request.user, form.filters())
    page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows_only = bool(request.htmx)
    template = (
        "communities/_community_rows.html" if rows_only else "communities/community_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_query": query.urlencode(),
            "can_import": can_import_communities(request.user),
        },
    )


@login_required
def community_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    community = access_community(request.user, pk)
    return render(
        request,
        "communities/community_detail.html",
        {
            "community": community,
            "committees": list(community.committees.order_by("kind")),
            "can_edit": has_community_perm(request.user, community, perm="change_community"),
            # the plans of the election app, and whatever other apps above add
            **community_page_parts(request.user, community),
        },
    )


@login_required
def community_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    community = access_community(request.user, pk, perm="change_community")
    form = CommunityForm(
        request.POST or None, instance=community, initial={"version": community.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            community_update(
                community=community,
                version=form.cleaned_data["version"],
                data=data,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect("communities:community-edit", pk=pk)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": data["name"]})
            return redirect(community)
    return render(
        request, "communities/community_edit.html", {"community": community, "form": form}
    )


@login_required
def committee_edit(request: AuthenticatedHttpRequest, pk: int, committee_pk: int) -> HttpResponse:
    community = access_community(request.user, pk, perm="change_community")
    committee = get_object_or_404(Committee, pk=committee_pk, community=community)
    form = CommitteeForm(
        request.POST or None, instance=committee, initial={"version": committee.version}
    )
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = {
            f: form.cleaned_data[f] for f in form.fields if f in form.Meta.fields
        }
        try:
            committee_update(
                committee=committee,
                version=form.cleaned_data["version"],
                data=data,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ConflictError as e:
            messages.error(request, str(e))
            return redirect("communities:committee-edit", pk=pk, committee_pk=committee_pk)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("Committee saved."))
            return redirect(community)
    return render(
        request,
        "communities/committee_edit.html",
        {"community": community, "committee": committee, "form": form},
    )


@login_required
def community_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    community = access_community(request.user, pk)
    return render(
        request,
        "communities/community_history.html",
        {"community": community, "entries": community_history_entries(community)},
    )
