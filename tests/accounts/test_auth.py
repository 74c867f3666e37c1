"""Sign-in, lock-out, sign-out, password change, idle time-out and denials, and their log
entries."""

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import SecurityEvent, User
from tests.factories import PASSWORD

LOGIN_URL = reverse("accounts:login")


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password})


def _kinds(user: User | None = None, username: str = "") -> list[str]:
    """The kinds of the user's log entries, oldest first (force_login writes a `login`)."""
    qs = SecurityEvent.objects.order_by("at", "pk")
    if user is not None:
        qs = qs.filter(user=user)
    if username:
        qs = qs.filter(username=username)
    return list(qs.values_list("kind", flat=True))


def test_sign_in_lands_on_the_dashboard_and_is_logged(street_official: User) -> None:
    client = Client()
    response = client.post(LOGIN_URL, {"username": "street1", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"] == street_official
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN)
    assert event.user == street_official
    assert event.ip_address == "127.0.0.1"


def test_wrong_password_shows_a_chinese_error_and_is_logged(street_official: User) -> None:
    response = _sign_in(Client(), "street1", "wrong-password")
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = AuthenticationForm.error_messages["invalid_login"] % {
            "username": User._meta.get_field("username").verbose_name
        }
    # the default language is Simplified Chinese, whatever the browser asks for
    assert _has_chinese(expected)
    assert escape(expected) in response.content.decode()
    assert _kinds(username="street1") == [SecurityEvent.Kind.LOGIN_FAILED]
    assert not response.wsgi_request.user.is_authenticated


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    street_official: User,
) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "street1", "wrong-password")
    # axes answers the failure that reaches the limit with its lock-out page
    assert response.status_code == 429
    response = _sign_in(client, "street1", PASSWORD)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert not response.wsgi_request.user.is_authenticated
    kinds = _kinds(username="street1")
    # the refused attempt with the right password counts as one more failure
    assert kinds.count(SecurityEvent.Kind.LOGIN_FAILED) == settings.AXES_FAILURE_LIMIT + 1
    assert kinds.count(SecurityEvent.Kind.LOCKED_OUT) == 2
    assert SecurityEvent.Kind.LOGIN not in kinds


def test_failures_below_the_limit_do_not_lock(street_official: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "street1", "wrong-password")
    response = _sign_in(client, "street1", PASSWORD)
    assert response.status_code == 302
    assert SecurityEvent.Kind.LOCKED_OUT not in _kinds(username="street1")


def test_sign_out_is_logged(street_official: User) -> None:
    client = Client()
    client.force_login(street_official)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert _kinds(street_official) == [SecurityEvent.Kind.LOGIN, SecurityEvent.Kind.LOGOUT]
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_works_and_is_logged(street_official: User) -> None:
    client = Client()
    client.force_login(street_official)
    new = "a-longer-Passw0rd-for-2026"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    street_official.refresh_from_db()
    assert street_official.check_password(new)
    assert _kinds(street_official) == [
        SecurityEvent.Kind.LOGIN,
        SecurityEvent.Kind.PASSWORD_CHANGED,
    ]
    # the session survives the change
    assert client.get(reverse("dashboard")).status_code == 200


def test_password_change_with_wrong_old_password_changes_nothing(street_official: User) -> None:
    client = Client()
    client.force_login(street_official)
    new = "a-longer-Passw0rd-for-2026"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "not-it", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    street_official.refresh_from_db()
    assert street_official.check_password(PASSWORD)
    assert _kinds(street_official) == [SecurityEvent.Kind.LOGIN]


def test_idle_session_is_signed_out(street_official: User) -> None:
    client = Client()
    client.force_login(street_official)
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _kinds(street_official) == [SecurityEvent.Kind.LOGIN, SecurityEvent.Kind.LOGOUT]


def test_recent_session_stays_signed_in(street_official: User) -> None:
    client = Client()
    client.force_login(street_official)
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200


def test_outsider_opening_another_streets_community_gets_404_and_is_logged(
    outsider: User, community: Any
) -> None:
    client = Client()
    client.force_login(outsider)
    url = reverse("communities:community-detail", args=[community.pk])
    response = client.get(url)
    assert response.status_code == 404
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.DENIED)
    assert event.user == outsider
    assert event.path == url
