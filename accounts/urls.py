"""Sign-in, password and security-log addresses. `config/urls.py` mounts them under /accounts/ in
the `accounts` namespace, together with the office's access page (`communities/grant_urls.py`)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("security-log/", views.security_log, name="security-log"),
]
