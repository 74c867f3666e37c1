from typing import Any

from accounts.models import User
from tests.url_matrix import FOUND, OK, Case, World, everyone, office_only

OFFICE_ROLES = ("office", "admin_user")


def _grant_member_unit_user_on_community(world: World) -> dict[str, Any]:
    return {
        "user": world.users["member_unit_user"].username,
        "scope": f"community:{world.community.pk}",
        "level": "view",
    }


def _revoke_leader_on_community(world: World) -> dict[str, Any]:
    return {"user": world.users["leader"].pk, "scope": f"community:{world.community.pk}"}


def _new_street_account(world: World) -> dict[str, Any]:
    return {
        "account-username": "new_cadre",
        "account-display_name": "New Cadre",
        "account-role": "street",
        "account-scope": f"street:{world.street.pk}",
        "account-level": "edit",
    }


def _leader_pk(world: World) -> dict[str, Any]:
    return {"pk": world.users["leader"].pk}


def _created_only_by_the_office(world: World, role: str, response: Any) -> None:
    account = User.objects.filter(username="new_cadre").first()
    if role in OFFICE_ROLES:
        assert account is not None and account.must_change_password
        assert account.has_perm("communities.change_community", world.street)
    else:
        assert account is None


def _disabled_only_by_the_office(world: World, role: str, response: Any) -> None:
    leader = User.objects.get(pk=world.users["leader"].pk)
    assert leader.is_active is (role not in OFFICE_ROLES)


def _leader_stays_active(world: World, role: str, response: Any) -> None:
    assert User.objects.get(pk=world.users["leader"].pk).is_active


def _reset_only_by_the_office(world: World, role: str, response: Any) -> None:
    leader = User.objects.get(pk=world.users["leader"].pk)
    assert leader.must_change_password is (role in OFFICE_ROLES)


ENTRIES = {
    "accounts:login": Case(expect=everyone(FOUND, anonymous=OK)),
    "accounts:logout": Case(method="post", expect=everyone(FOUND, anonymous=FOUND)),
    "accounts:password-change": Case(expect=everyone(OK)),
    # only the office (manage grant on the district) and superusers; others do not see it exists
    "accounts:security-log": Case(expect=office_only(OK)),
    "accounts:grant-list": Case(expect=office_only(OK)),
    "accounts:grant-add": Case(
        method="post", data=_grant_member_unit_user_on_community, expect=office_only(FOUND)
    ),
    "accounts:grant-scope-communities": Case(
        query=lambda w: f"?scope=street:{w.street.pk}", expect=office_only(OK)
    ),
    "accounts:account-create": Case(
        method="post",
        data=_new_street_account,
        expect=office_only(OK),
        after=_created_only_by_the_office,
    ),
    "accounts:account-disable": Case(
        method="post",
        kwargs=_leader_pk,
        expect=office_only(FOUND),
        after=_disabled_only_by_the_office,
    ),
    "accounts:account-enable": Case(
        method="post", kwargs=_leader_pk, expect=office_only(FOUND), after=_leader_stays_active
    ),
    "accounts:account-password-reset": Case(
        method="post", kwargs=_leader_pk, expect=office_only(OK), after=_reset_only_by_the_office
    ),
    "accounts:grant-revoke": Case(
        method="post", data=_revoke_leader_on_community, expect=office_only(FOUND)
    ),
}
