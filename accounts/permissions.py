"""Who may read the security log and manage grants, and which objects a grant may go on.

The hierarchy rule itself lives in `communities/permissions.py`; these helpers only ask it for the
districts on which a user holds `manage_grants`. Refusals raise `OutOfScope`, a 404 that the denial
middleware writes to the security log.
"""

from django.db.models import Exists, OuterRef, QuerySet

from communities.models import (
    Community,
    CommunityUserObjectPermission,
    District,
    DistrictUserObjectPermission,
    Street,
    StreetUserObjectPermission,
)
from communities.permissions import OutOfScope, districts_for_user

from .models import User

Scope = District | Street | Community

# roles whose accounts the office creates and looks after; office accounts stay with the superuser
MANAGED_ROLES = (User.Role.STREET, User.Role.LEADER, User.Role.MEMBER_UNIT)

SCOPE_MODELS: dict[str, type[Scope]] = {
    "district": District,
    "street": Street,
    "community": Community,
}


def can_read_security_log(user: User) -> bool:
    """The district office and superusers read the security log; nobody else knows it exists."""
    if not user.is_active:
        return False
    return user.is_superuser or user.role == User.Role.OFFICE


def access_security_log(user: User) -> None:
    if not can_read_security_log(user):
        raise OutOfScope


def grant_districts(user: User) -> QuerySet[District]:
    """Districts whose grants the user manages (all of them for a superuser)."""
    return districts_for_user(user, perm="manage_grants").order_by("name", "pk")


def access_grant_management(user: User) -> list[District]:
    """The districts the user manages grants of, or OutOfScope if there are none (one query)."""
    districts = list(grant_districts(user))
    if not districts:
        raise OutOfScope
    return districts


def access_grant_scope(user: User, *, kind: str, pk: int) -> Scope:
    """Fetch the district, street or community `kind:pk` if it lies in a district the user
    manages grants of; otherwise raise OutOfScope (one query)."""
    managed = grant_districts(user).values("pk")
    obj: Scope | None
    if kind == "district":
        obj = District.objects.filter(pk=pk, pk__in=managed).first()
    elif kind == "street":
        obj = Street.objects.select_related("district").filter(pk=pk, district__in=managed).first()
    elif kind == "community":
        obj = (
            Community.objects.select_related("street__district")
            .filter(pk=pk, street__district__in=managed)
            .first()
        )
    else:
        obj = None
    if obj is None:
        raise OutOfScope
    return obj


def accounts_in_districts(districts: list[District]) -> QuerySet[User]:
    """Every account but the superusers' whose grants all lie in `districts`, including accounts
    without any grant, with their member unit (one query). An account holding a grant in another
    district belongs to that district's office too, and is left out."""
    ids = [d.pk for d in districts]
    outside = (
        Exists(
            DistrictUserObjectPermission.objects.filter(user=OuterRef("pk")).exclude(
                content_object_id__in=ids
            )
        )
        | Exists(
            StreetUserObjectPermission.objects.filter(user=OuterRef("pk")).exclude(
                content_object__district_id__in=ids
            )
        )
        | Exists(
            CommunityUserObjectPermission.objects.filter(user=OuterRef("pk")).exclude(
                content_object__street__district_id__in=ids
            )
        )
    )
    return (
        User.objects.filter(is_superuser=False)
        .exclude(outside)
        .select_related("member_unit")
        .order_by("role", "username", "pk")
    )


def can_manage_account(actor: User, account: User) -> bool:
    """Whether the page offers actions on `account`: not one's own, and a role the office runs."""
    return account.pk != actor.pk and account.role in MANAGED_ROLES


def access_account(user: User, pk: int) -> User:
    """Fetch the account `pk` that `user` (an office) may create, disable and reset: a street,
    leader or member-unit account whose grants all lie in the office's districts. Anything else
    is OutOfScope (a 404), so an office never learns of another district's accounts."""
    districts = access_grant_management(user)
    account = accounts_in_districts(districts).filter(pk=pk).first()
    if account is None or not can_manage_account(user, account):
        raise OutOfScope
    return account
