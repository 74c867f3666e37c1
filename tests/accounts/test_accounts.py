"""The office creates, disables and resets street, leader and member-unit accounts."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent, User
from accounts.services import (
    AccountError,
    account_create,
    account_disable,
    account_enable,
    grant_assign,
)
from tests.factories import CommunityFactory, DistrictFactory, MemberUnitFactory, UserFactory

LIST = reverse("accounts:grant-list")
CREATE = reverse("accounts:account-create")
LOGIN = reverse("accounts:login")
CHANGE = reverse("accounts:password-change")
HOME = reverse("dashboard")
NEW_PASSWORD = "Lantern-Harbour-2026!"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sign_in(username: str, password: str) -> tuple[Client, int]:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response.status_code


def _disable_url(user: User) -> str:
    return reverse("accounts:account-disable", kwargs={"pk": user.pk})


def _reset_url(user: User) -> str:
    return reverse("accounts:account-password-reset", kwargs={"pk": user.pk})


def _new_account(street: Any, **overrides: str) -> dict[str, str]:
    data = {
        "account-username": "cadre7",
        "account-display_name": "Cadre Seven",
        "account-role": "street",
        "account-scope": f"street:{street.pk}",
        "account-level": "edit",
    }
    data.update(overrides)
    return data


def test_created_account_signs_in_once_with_the_temporary_password_and_must_change_it(
    office: User, street: Any, community: Any
) -> None:
    response = _client(office).post(CREATE, _new_account(street))
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    account = User.objects.get(username="cadre7")
    assert account.must_change_password
    assert account.has_perm("communities.change_community", street)

    client, status = _sign_in("cadre7", password)
    assert status == 302
    # every page but the password change sends the user there first
    assert client.get(HOME)["Location"] == CHANGE
    assert client.get(reverse("election:worklist"))["Location"] == CHANGE
    page = client.get(CHANGE)
    assert "临时密码" in page.content.decode()
    response = client.post(
        CHANGE,
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    account.refresh_from_db()
    assert not account.must_change_password
    # the temporary password works no more; the chosen one does
    assert _sign_in("cadre7", password)[1] == 200
    assert _sign_in("cadre7", NEW_PASSWORD)[1] == 302

    kinds = list(
        SecurityEvent.objects.filter(object_id=account.pk, object_type="accounts.user")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["account_created", "password_changed"]
    created = SecurityEvent.objects.get(kind="account_created")
    assert created.user == office and created.object_name == "Cadre Seven"
    grant = SecurityEvent.objects.get(kind="grant", params__account="Cadre Seven")
    assert grant.object_type == "communities.street" and grant.object_id == street.pk


def test_disabled_account_cannot_sign_in_and_its_open_session_ends(
    office: User, leader: User
) -> None:
    leader.set_password(NEW_PASSWORD)
    leader.save(update_fields=["password"])
    leader_client = _client(leader)
    assert leader_client.get(HOME).status_code == 200

    response = _client(office).post(_disable_url(leader))
    assert response.status_code == 302
    leader.refresh_from_db()
    assert not leader.is_active
    # the session opened before is over: the next page asks to sign in
    assert leader_client.get(HOME)["Location"].startswith(LOGIN)
    assert _sign_in("leader1", NEW_PASSWORD)[1] == 200
    event = SecurityEvent.objects.get(kind="account_disabled")
    assert (event.user, event.object_id) == (office, leader.pk)

    _client(office).post(reverse("accounts:account-enable", kwargs={"pk": leader.pk}))
    assert _sign_in("leader1", NEW_PASSWORD)[1] == 302
    assert SecurityEvent.objects.filter(kind="account_enabled", object_id=leader.pk).count() == 1


def test_reset_gives_a_new_temporary_password_and_ends_the_old_one(
    office: User, leader: User
) -> None:
    leader.set_password(NEW_PASSWORD)
    leader.save(update_fields=["password"])
    leader_client = _client(leader)

    response = _client(office).post(_reset_url(leader))
    assert response.status_code == 200
    password = response.context["password"]
    assert password != NEW_PASSWORD
    assert leader_client.get(HOME)["Location"].startswith(LOGIN)
    assert _sign_in("leader1", NEW_PASSWORD)[1] == 200
    client, status = _sign_in("leader1", password)
    assert status == 302
    assert client.get(HOME)["Location"] == CHANGE
    assert SecurityEvent.objects.filter(kind="password_reset", object_id=leader.pk).count() == 1


def test_account_with_a_grant_in_another_district_is_not_the_office_s(
    office: User, leader: User, admin_user: User
) -> None:
    elsewhere = CommunityFactory(street__district=DistrictFactory(), committees=False)
    grant_assign(user=leader, obj=elsewhere, level="view", by=admin_user)
    client = _client(office)
    assert client.post(_disable_url(leader)).status_code == 404
    assert client.post(_reset_url(leader)).status_code == 404
    leader.refresh_from_db()
    assert leader.is_active and not leader.must_change_password
    assert leader not in [row.user for row in client.get(LIST).context["accounts"]]


def test_office_of_another_district_gets_404(leader: User, admin_user: User) -> None:
    other_office = UserFactory(username="office2", role=User.Role.OFFICE)
    grant_assign(user=other_office, obj=DistrictFactory(), level="manage", by=admin_user)
    client = _client(other_office)
    assert client.post(_disable_url(leader)).status_code == 404
    assert client.post(_reset_url(leader)).status_code == 404
    leader.refresh_from_db()
    assert leader.is_active
    assert not SecurityEvent.objects.filter(kind__startswith="account").exists()


def test_street_official_cannot_manage_accounts(
    street_official: User, leader: User, street: Any
) -> None:
    client = _client(street_official)
    assert client.post(CREATE, _new_account(street)).status_code == 404
    assert client.post(_disable_url(leader)).status_code == 404
    assert not User.objects.filter(username="cadre7").exists()
    leader.refresh_from_db()
    assert leader.is_active


def test_office_accounts_and_its_own_are_not_managed_here(office: User, district: Any) -> None:
    colleague = UserFactory(username="office_b", role=User.Role.OFFICE)
    grant_assign(user=colleague, obj=district, level="manage", by=office)
    client = _client(office)
    assert client.post(_disable_url(colleague)).status_code == 404
    assert client.post(_disable_url(office)).status_code == 404
    colleague.refresh_from_db()
    office.refresh_from_db()
    assert colleague.is_active and office.is_active


def test_member_unit_account_needs_its_unit_and_names_are_unique(office: User, street: Any) -> None:
    client = _client(office)
    response = client.post(CREATE, _new_account(street, **{"account-role": "member_unit"}))
    assert response.status_code == 200
    assert "成员单位" in str(response.context["account_form"].errors["member_unit"])
    assert not User.objects.filter(username="cadre7").exists()

    UserFactory(username="Cadre7")
    response = client.post(CREATE, _new_account(street))
    assert "cadre7" in str(response.context["account_form"].non_field_errors())
    assert User.objects.filter(username__iexact="cadre7").count() == 1


def test_member_unit_account_is_created_with_its_unit(office: User, district: Any) -> None:
    unit = MemberUnitFactory()
    data = _new_account(
        district,
        **{
            "account-role": "member_unit",
            "account-member_unit": str(unit.pk),
            "account-scope": f"district:{district.pk}",
            "account-level": "view",
        },
    )
    assert _client(office).post(CREATE, data).status_code == 200
    account = User.objects.get(username="cadre7")
    assert account.member_unit == unit and account.role == User.Role.MEMBER_UNIT


def test_services_are_idempotent_and_refuse_oneself(office: User, leader: User) -> None:
    assert account_disable(user=leader, by=office) is True
    assert account_disable(user=leader, by=office) is False
    assert account_enable(user=leader, by=office) is True
    assert account_enable(user=leader, by=office) is False
    with pytest.raises(AccountError):
        account_disable(user=office, by=office)


def test_create_refuses_an_office_role(office: User, district: Any) -> None:
    with pytest.raises(AccountError):
        account_create(
            username="boss",
            display_name="Boss",
            role=User.Role.OFFICE,
            member_unit=None,
            scope=district,
            level="manage",
            by=office,
        )
    assert not User.objects.filter(username="boss").exists()


def test_every_account_appears_on_the_grants_page(
    office: User, member_unit_user: User, leader: User
) -> None:
    page = _client(office).get(LIST)
    users = [row.user for row in page.context["accounts"]]
    # the member unit's account holds no grant yet, and still appears
    assert member_unit_user in users and leader in users and office in users
    manageable = {row.user for row in page.context["accounts"] if row.can_manage}
    assert leader in manageable and office not in manageable
    assert "请选择" in page.content.decode()
    assert "---------" not in page.content.decode()


def test_grants_page_query_count_does_not_grow_with_accounts(
    office: User, django_assert_num_queries: Any
) -> None:
    client = _client(office)
    client.get(LIST)
    UserFactory(role=User.Role.LEADER)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(15):
        UserFactory(role=User.Role.MEMBER_UNIT, member_unit=MemberUnitFactory())
    with django_assert_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["accounts"]) > 15
