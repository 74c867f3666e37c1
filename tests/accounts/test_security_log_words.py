"""The security log says what happened in words, with a link, not class names and file paths."""

# ruff: noqa: RUF001

from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.events import security_event_describe
from accounts.models import SecurityEvent, User

LOG = reverse("accounts:security-log")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_refused_community_is_named_in_the_log(
    office: User, outsider: User, community: Any
) -> None:
    url = reverse("communities:community-detail", kwargs={"pk": community.pk})
    assert _client(outsider).get(url).status_code == 404
    event = SecurityEvent.objects.get(kind="denied")
    assert (event.object_type, event.object_id) == ("communities.community", community.pk)
    row = next(r for r in _client(office).get(LOG).context["rows"] if r.event == event)
    assert row.description.text == f"越权访问：社区 {community.name}"
    assert row.description.url == url
    page = _client(office).get(LOG).content.decode()
    assert f'<a href="{url}">越权访问：社区 {community.name}</a>' in page
    assert "OutOfScope" not in page


def test_a_refused_address_without_an_object_is_named_by_its_address(
    outsider: User, office: User
) -> None:
    assert _client(outsider).get(reverse("accounts:grant-list")).status_code == 404
    event = SecurityEvent.objects.get(kind="denied")
    assert security_event_describe(event).text == "越权访问：/accounts/grants/"


def test_a_refused_plan_reads_as_the_plan_of_its_community(db: None) -> None:
    event = SecurityEvent(
        kind="denied",
        path="/plans/7/",
        object_type="election.communityplan",
        object_id=7,
        object_name="东湖社区",
        params={"of_community": True},
    )
    assert security_event_describe(event).text == "越权访问：东湖社区的社区换届计划"


def test_a_report_download_reads_as_its_week_and_scope(db: None) -> None:
    event = SecurityEvent(
        kind="export",
        object_type="reports.reportrun",
        object_id=3,
        object_name="x",
        params={"iso_year": 2026, "iso_week": 48, "scope": "街道一"},
    )
    description = security_event_describe(event)
    assert description.text == "下载周报：2026年第48周 街道一"
    assert description.url == reverse("reports:archive")


def test_account_and_grant_events_are_sentences(office: User, street: Any) -> None:
    _client(office).post(
        reverse("accounts:account-create"),
        {
            "account-username": "cadre7",
            "account-display_name": "Cadre Seven",
            "account-role": "street",
            "account-scope": f"street:{street.pk}",
            "account-level": "edit",
        },
    )
    texts = [row.description.text for row in _client(office).get(LOG).context["rows"]]
    assert "创建账号：Cadre Seven" in texts
    assert f"授予 Cadre Seven 街道 {street.name} 的编辑权限" in texts


def test_old_events_fall_back_to_their_text(db: None) -> None:
    event = SecurityEvent(kind="grant", detail="assign view on street:3 (S) to bob")
    assert security_event_describe(event).text == "权限变更：assign view on street:3 (S) to bob"
    assert security_event_describe(SecurityEvent(kind="login")).text == "登录"
