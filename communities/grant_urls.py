"""The office's access page (grants and accounts). Its views need the hierarchy, so they live
here, but the addresses and names stay where users and templates know them: `config/urls.py`
mounts these patterns under /accounts/ in the `accounts` namespace (`accounts:grant-list` …)."""

from django.urls import path

from .views import grants as views

urlpatterns = [
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
