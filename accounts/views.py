"""Sign-in, sign-out, password change and the security log.

The office's access page (grants and accounts of its districts) needs the hierarchy, which sits
above accounts: it lives in `communities/views/grants.py`, under the same addresses and names.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest

from .events import security_event_rows
from .forms import SecurityLogFilterForm
from .permissions import access_security_log
from .selectors import security_event_list
from .services import account_password_changed


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
        account_password_changed(user=form.user, request=self.request)
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
        {
            "form": form,
            "page": page,
            "rows": security_event_rows(page.object_list),
            "query": query.urlencode(),
        },
    )
