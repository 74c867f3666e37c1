"""Sign-in, sign-out, password change, the security log and the office's grant management."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communities.models import District
from core.exceptions import DomainError
from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest

from .forms import GrantAddForm, GrantRevokeForm, SecurityLogFilterForm, parse_scope
from .models import SecurityEvent, User
from .permissions import access_grant_management, access_grant_scope, access_security_log
from .selectors import (
    LEVEL_LABELS,
    grant_history,
    grant_list,
    grant_scope_choices,
    security_event_list,
    street_community_choices,
)
from .services import grant_assign, grant_revoke, security_event_record


class SignInForm(StyledFormMixin, AuthenticationForm):
    pass


class StyledPasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("dashboard")
    extra_context = {"title": gettext_lazy("Change password")}

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request)
        messages.success(self.request, _("Your password was changed."))
        return response


PAGE_SIZE = 50


@login_required
def security_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    access_security_log(request.user)
    form = SecurityLogFilterForm(request.GET or None)
    page = Paginator(security_event_list(form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/security_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _grant_page(
    request: AuthenticatedHttpRequest, districts: list[District], form: GrantAddForm
) -> HttpResponse:
    return render(
        request,
        "accounts/grant_list.html",
        {
            "districts": districts,
            "grants": grant_list(districts),
            "history": grant_history(districts),
            "form": form,
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
        {"choices": _community_choices(request.user, request.GET.get("scope", ""))},
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
