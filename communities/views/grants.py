"""The office's access page: the grants on its districts, streets and communities, and the
street, leader and member-unit accounts of those districts (create, disable, enable, reset).

It needs the hierarchy, so it lives here rather than in `accounts` (below the hierarchy); its
addresses and URL names stay under `/accounts/` and `accounts:` (`grant_urls.py`, mounted by
`config/urls.py`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import AccountCreateForm, GrantAddForm, GrantRevokeForm, parse_scope
from accounts.models import User
from accounts.selectors import LEVEL_LABELS
from accounts.services import (
    account_create,
    account_disable,
    account_enable,
    account_password_reset,
    grant_assign,
    grant_revoke,
)
from core.exceptions import DomainError
from core.http import AuthenticatedHttpRequest

from ..models import District
from ..permissions import access_account, access_grant_management, access_grant_scope
from ..selectors import (
    account_list,
    grant_history,
    grant_list,
    grant_scope_choices,
    street_community_choices,
)


def _grant_page(
    request: AuthenticatedHttpRequest,
    districts: list[District],
    form: GrantAddForm,
    account_form: AccountCreateForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "accounts/grant_list.html",
        {
            "districts": districts,
            "grants": grant_list(districts),
            "history": grant_history(districts),
            "accounts": account_list(request.user, districts),
            "form": form,
            "account_form": account_form or _account_form(request, districts, bound=False),
        },
    )


def _community_choices(user: User, scope: str) -> list[tuple[str, str]]:
    """The chosen street's communities, if `scope` names a street the user manages."""
    try:
        kind, pk = parse_scope(scope)
    except ValidationError:
        return []
    if kind != "street":
        return []
    street = access_grant_scope(user, kind=kind, pk=pk)
    return street_community_choices(street)  # type: ignore[arg-type]


def _grant_form(request: AuthenticatedHttpRequest, districts: Any) -> GrantAddForm:
    data = request.POST if request.method == "POST" else None
    return GrantAddForm(
        data,
        scope_choices=grant_scope_choices(districts),
        community_choices=_community_choices(request.user, data.get("scope", "") if data else ""),
        communities_url=reverse("accounts:grant-scope-communities"),
    )


def _account_form(
    request: AuthenticatedHttpRequest, districts: Any, *, bound: bool = True
) -> AccountCreateForm:
    data = request.POST if bound and request.method == "POST" else None
    return AccountCreateForm(
        data,
        scope_choices=grant_scope_choices(districts),
        community_choices=_community_choices(
            request.user, data.get("account-scope", "") if data else ""
        ),
        communities_url=reverse("accounts:grant-scope-communities"),
    )


@login_required
def grant_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    districts = access_grant_management(request.user)
    return _grant_page(request, districts, _grant_form(request, districts))


@login_required
def grant_scope_communities(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The options of the community select for the street chosen in the grant form (htmx)."""
    access_grant_management(request.user)
    return render(
        request,
        "accounts/_community_options.html",
        {
            "choices": _community_choices(
                request.user,
                # the grant form's select is "scope", the account form's "account-scope"
                request.GET.get("scope") or request.GET.get("account-scope", ""),
            )
        },
    )


@require_POST
@login_required
def grant_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    districts = access_grant_management(request.user)
    form = _grant_form(request, districts)
    if not form.is_valid():
        return _grant_page(request, districts, form)
    kind, pk = form.cleaned_data["scope"]
    obj = access_grant_scope(request.user, kind=kind, pk=pk)
    user, level = form.cleaned_data["user"], form.cleaned_data["level"]
    names = {"user": user, "scope": obj, "level": LEVEL_LABELS[level]}
    try:
        created = grant_assign(user=user, obj=obj, level=level, by=request.user, request=request)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        if created:
            messages.success(request, _("%(user)s now has %(level)s access to %(scope)s.") % names)
        else:
            messages.info(request, _("%(user)s already had %(level)s access to %(scope)s.") % names)
    return redirect("accounts:grant-list")


@require_POST
@login_required
def grant_revoke_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    access_grant_management(request.user)
    form = GrantRevokeForm(request.POST)
    if not form.is_valid():
        raise Http404
    kind, pk = form.cleaned_data["scope"]
    obj = access_grant_scope(request.user, kind=kind, pk=pk)
    user = form.cleaned_data["user"]
    try:
        removed = grant_revoke(user=user, obj=obj, by=request.user, request=request)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        names = {"user": user, "scope": obj}
        if removed:
            messages.success(request, _("%(user)s no longer has access to %(scope)s.") % names)
        else:
            messages.info(request, _("%(user)s had no access to %(scope)s.") % names)
    return redirect("accounts:grant-list")


def _password_page(
    request: AuthenticatedHttpRequest, account: User, password: str, *, created: bool
) -> HttpResponse:
    """The temporary password, shown this once: the page is not stored by the browser."""
    response = render(
        request,
        "accounts/account_password.html",
        {"account": account, "password": password, "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def account_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    districts = access_grant_management(request.user)
    form = _account_form(request, districts)
    if not form.is_valid():
        return _grant_page(request, districts, _grant_form(request, districts), form)
    kind, pk = form.cleaned_data["scope"]
    scope = access_grant_scope(request.user, kind=kind, pk=pk)
    data = form.cleaned_data
    try:
        account, password = account_create(
            username=data["username"],
            display_name=data["display_name"],
            role=data["role"],
            member_unit=data["member_unit"],
            scope=scope,
            level=data["level"],
            by=request.user,
            request=request,
        )
    except DomainError as e:
        form.add_error(None, str(e))
        return _grant_page(request, districts, _grant_form(request, districts), form)
    return _password_page(request, account, password, created=True)


@require_POST
@login_required
def account_disable_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = access_account(request.user, pk)
    try:
        account_disable(user=account, by=request.user, request=request)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request, _("%(user)s is disabled and can no longer sign in.") % {"user": account}
        )
    return redirect("accounts:grant-list")


@require_POST
@login_required
def account_enable_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = access_account(request.user, pk)
    try:
        account_enable(user=account, by=request.user, request=request)
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("%(user)s can sign in again.") % {"user": account})
    return redirect("accounts:grant-list")


@require_POST
@login_required
def account_password_reset_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = access_account(request.user, pk)
    try:
        password = account_password_reset(user=account, by=request.user, request=request)
    except DomainError as e:
        messages.error(request, str(e))
        return redirect("accounts:grant-list")
    return _password_page(request, account, password, created=False)
