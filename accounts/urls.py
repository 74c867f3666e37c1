from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("security-log/", views.security_log, name="security-log"),
    path("grants/", views.grant_list_view, name="grant-list"),
    path("grants/add/", views.grant_add, name="grant-add"),
    path("grants/communities/", views.grant_scope_communities, name="grant-scope-communities"),
    path("grants/revoke/", views.grant_revoke_view, name="grant-revoke"),
    path("users/add/", views.account_create_view, name="account-create"),
    path("users/<id:pk>/disable/", views.account_disable_view, name="account-disable"),
    path("users/<id:pk>/enable/", views.account_enable_view, name="account-enable"),
    path(
        "users/<id:pk>/password-reset/",
        views.account_password_reset_view,
        name="account-password-reset",
    ),
]
