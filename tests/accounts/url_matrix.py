from typing import Any

from tests.url_matrix import FOUND, OK, Case, World, everyone, office_only


def _grant_member_unit_user_on_community(world: World) -> dict[str, Any]:
    return {
        "user": world.users["member_unit_user"].username,
        "scope": f"community:{world.community.pk}",
        "level": "view",
    }


def _revoke_leader_on_community(world: World) -> dict[str, Any]:
    return {"user": world.users["leader"].pk, "scope": f"community:{world.community.pk}"}


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
    "accounts:grant-revoke": Case(
        method="post", data=_revoke_leader_on_community, expect=office_only(FOUND)
    ),
}
