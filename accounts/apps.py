from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Sign-in events come from django.contrib.auth and axes, which only announce them by signal;
        # the receivers just hand them to the security log service.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        user_logged_in.connect(_on_login, dispatch_uid="security_log_login")
        user_logged_out.connect(_on_logout, dispatch_uid="security_log_logout")
        user_login_failed.connect(_on_login_failed, dispatch_uid="security_log_login_failed")
        user_locked_out.connect(_on_locked_out, dispatch_uid="security_log_locked_out")


def _record(kind: str, request: HttpRequest | None, **kwargs: Any) -> None:
    from .services import security_event_record

    security_event_record(kind=kind, request=request, **kwargs)


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _record("login", request, user=user)


def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _record("logout", request, user=user)


def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    _record("login_failed", request, username=str(credentials.get("username", ""))[:150])


def _on_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str = "", **kwargs: Any
) -> None:
    _record("locked_out", request, username=(username or "")[:150])
