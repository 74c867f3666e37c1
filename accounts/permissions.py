"""Who may read the security log and manage grants, and which objects a grant may go on.

The hierarchy rule itself lives in `communities/permissions.py`; these helpers only ask it for the
districts on which a user holds `manage_grants`. Refusals raise `OutOfScope`, a 404 that the denial
middleware writes to the security log.
"""

from django.db.models import QuerySet

from communities.models import Community, District, Street
from communities.permissions import OutOfScope, districts_for_user

from .models import User

Scope = District | Street | Community

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
