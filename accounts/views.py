"""Sign-in, sign-out, password change, the security log and the office's grant management."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import Http404, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import StyledFormMixin
from core.http import AuthenticatedHttpRequest

from .models import SecurityEvent
from .services import security_event_record


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


@login_required
def security_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


@login_required
def grant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


@login_required
def grant_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404


@login_required
def grant_revoke_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    raise Http404
