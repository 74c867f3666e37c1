"""The security log page, and the log's append-only guarantee in Python and in PostgreSQL."""

import os
from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent, User
from accounts.permissions import can_read_security_log
from accounts.services import security_event_record
from tests.factories import UserFactory

URL = reverse("accounts:security-log")

# The trigger exists only on PostgreSQL. With REQUIRE_SERVICES=1 (CI) the test never skips: there
# the database must be PostgreSQL, and the test fails if it is not.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="the append-only trigger is installed on PostgreSQL only",
)


def _names(response: Any) -> list[str]:
    """User names on the page, leaving out what the fixtures write: grants and the reader's
    own sign-in."""
    page = response.context["page"]
    reader = response.wsgi_request.user.username
    return [e.username for e in page if e.kind != SecurityEvent.Kind.GRANT and e.username != reader]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _events(n: int, **kwargs: Any) -> None:
    for i in range(n):
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username=f"bulk{i}", **kwargs)


def _at(moment: datetime) -> Any:
    """Freeze the clock that `auto_now_add` reads, to place an event at `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_office_reads_the_security_log(office: User, street_official: User) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOGIN_FAILED, username="street1")
    response = _client(office).get(URL)
    assert response.status_code == 200
    assert _names(response) == ["street1"]


def test_superuser_reads_the_security_log(admin_user: User) -> None:
    assert _client(admin_user).get(URL).status_code == 200


def test_street_official_gets_404_on_the_security_log(street_official: User) -> None:
    assert _client(street_official).get(URL).status_code == 404
    # the attempt itself is a denial in the log
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.DENIED, user=street_official
    ).exists()


def test_only_active_office_users_and_superusers_may_read_the_log(
    office: User,
    admin_user: User,
    street_official: User,
    discipline: User,
    supervisor: User,
    leader: User,
) -> None:
    assert can_read_security_log(office)
    assert can_read_security_log(admin_user)
    for user in (street_official, discipline, supervisor, leader):
        assert not can_read_security_log(user)
    office.is_active = False
    assert not can_read_security_log(office)


def test_log_is_newest_first(office: User) -> None:
    with _at(datetime(2026, 3, 1, 8, 0, tzinfo=UTC)):
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username="early")
    with _at(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)):
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username="late")
    assert _names(_client(office).get(URL)) == ["late", "early"]


def test_log_filters_by_event_kind(office: User) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOGIN, username="a")
    security_event_record(kind=SecurityEvent.Kind.LOCKED_OUT, username="b")
    assert _names(_client(office).get(URL, {"kind": "locked_out"})) == ["b"]


def test_log_filters_by_user_name_or_display_name(office: User) -> None:
    user = UserFactory(username="wang", display_name="Wang Fang")
    security_event_record(kind=SecurityEvent.Kind.LOGIN, user=user)
    security_event_record(kind=SecurityEvent.Kind.LOGIN_FAILED, username="lihua")
    client = _client(office)
    assert _names(client.get(URL, {"user": "FANG"})) == ["wang"]
    assert _names(client.get(URL, {"user": "ihu"})) == ["lihua"]


def test_log_date_range_uses_local_days(office: User) -> None:
    # 17:30 UTC on 1 March is 01:30 on 2 March in Shanghai
    with _at(datetime(2026, 3, 1, 17, 30, tzinfo=UTC)):
        security_event_record(kind=SecurityEvent.Kind.LOGIN, username="night")
    client = _client(office)

    def names(**query: str) -> list[str]:
        return _names(client.get(URL, query))

    assert names(since="2026-03-02", until="2026-03-02") == ["night"]
    assert names(until="2026-03-01") == []
    assert names(since="2026-03-03") == []
    response = client.get(URL, {"since": "2026-03-02"})
    assert "2026-03-02 01:30:00" in response.content.decode()


def test_log_ignores_an_invalid_filter(office: User) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOGIN, username="a")
    response = _client(office).get(URL, {"since": "not-a-date"})
    assert response.status_code == 200
    assert _names(response) == ["a"]


def test_log_is_paginated_by_50(office: User) -> None:
    client = _client(office)
    _events(51 - SecurityEvent.objects.count())
    assert len(client.get(URL).context["page"]) == 50
    assert len(client.get(URL, {"page": 2}).context["page"]) == 1


def test_log_shows_translated_event_and_phone_labels(office: User) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOCKED_OUT, username="street1")
    content = _client(office).get(URL).content.decode()
    assert str(SecurityEvent.Kind.LOCKED_OUT.label) in content
    assert 'data-label="' in content


def test_log_query_count_is_fixed(
    office: User, admin_user: User, django_assert_num_queries: Any
) -> None:
    client = _client(office)
    client.get(URL)
    _events(3, user=admin_user)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    _events(60, user=office)
    with django_assert_num_queries(len(few)):
        client.get(URL)


def test_security_event_cannot_be_changed(db: None) -> None:
    event = security_event_record(kind=SecurityEvent.Kind.LOGIN, username="a")
    event.detail = "edited"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.detail == ""


def test_security_event_cannot_be_deleted(db: None) -> None:
    event = security_event_record(kind=SecurityEvent.Kind.LOGIN, username="a")
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_database_refuses_to_update_security_events(db: None) -> None:
    event = security_event_record(kind=SecurityEvent.Kind.LOGIN, username="a")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(detail="edited")
    assert SecurityEvent.objects.get(pk=event.pk).detail == ""


@postgresql_only
def test_database_refuses_to_delete_security_events(db: None) -> None:
    event = security_event_record(kind=SecurityEvent.Kind.LOGIN, username="a")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accounts_securityevent")
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_deleting_a_user_keeps_their_events_without_the_link(db: None) -> None:
    user = UserFactory(username="leaver")
    event = security_event_record(kind=SecurityEvent.Kind.LOGIN, user=user)
    user.delete()
    kept = SecurityEvent.objects.get(pk=event.pk)
    assert kept.user_id is None
    assert kept.username == "leaver"


@postgresql_only
def test_database_refuses_to_change_other_fields_while_clearing_the_user(db: None) -> None:
    user = UserFactory(username="leaver")
    event = security_event_record(kind=SecurityEvent.Kind.LOGIN, user=user)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(user=None, username="someone")
    assert SecurityEvent.objects.get(pk=event.pk).user_id == user.pk


def test_dates_in_filter_form_are_dates(office: User) -> None:
    form = _client(office).get(URL, {"since": "2026-03-02"}).context["form"]
    assert form.filters().since == date(2026, 3, 2)
