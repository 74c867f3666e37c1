"""The scope rule, in one place.

A user reaches a community through a grant on the community itself, on its street or on its
district (guardian object permissions in our direct foreign-key tables; guardian itself does not
inherit down the tree). Every list and every access helper asks `communities_for_user`, which
filters in SQL in one query. Out-of-scope objects are a 404: they do not exist for that user.

Permission names are the same codename at every level (`view_community`, `change_community`), given
either bare or as `communities.<codename>`.

Refusals raise `OutOfScope` (defined in `core.http`, so that the security log of `accounts`, below
this app, can catch it without importing it; re-exported here for the apps above).
"""

from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.permissions import can_manage_account
from core.http import OutOfScope as OutOfScope

from .models import (
    Community,
    CommunityImport,
    CommunityQuerySet,
    CommunityUserObjectPermission,
    District,
    DistrictUserObjectPermission,
    Street,
    StreetUserObjectPermission,
)


def _codename(perm: str) -> str:
    return perm.split(".", 1)[1] if "." in perm else perm


def _grants(model: type, user: User, perm: str) -> QuerySet:  # type: ignore[type-arg]
    return model.objects.filter(user=user, permission__codename=_codename(perm))  # type: ignore[attr-defined,no-any-return]


def communities_for_user(user: User, *, perm: str = "view_community") -> CommunityQuerySet:
    """Communities the user may `perm`, as one SQL query (the grants are subqueries)."""
    qs = Community.objects.select_related("street__district")
    if not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    own = _grants(CommunityUserObjectPermission, user, perm).filter(content_object=OuterRef("pk"))
    streets = _grants(StreetUserObjectPermission, user, perm).values("content_object_id")
    districts = _grants(DistrictUserObjectPermission, user, perm).values("content_object_id")
    return qs.filter(
        Q(Exists(own)) | Q(street_id__in=streets) | Q(street__district_id__in=districts)
    )


def streets_for_user(user: User, *, perm: str = "view_community") -> QuerySet[Street]:
    """Streets the user reaches as a whole (grant on the street or its district)."""
    qs = Street.objects.select_related("district")
    if not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    streets = _grants(StreetUserObjectPermission, user, perm).values("content_object_id")
    districts = _grants(DistrictUserObjectPermission, user, perm).values("content_object_id")
    return qs.filter(Q(pk__in=streets) | Q(district_id__in=districts))


def districts_for_user(user: User, *, perm: str) -> QuerySet[District]:
    """Districts on which the user holds `perm` directly (office-level rights)."""
    if not user.is_active:
        return District.objects.none()
    if user.is_superuser:
        return District.objects.all()
    return District.objects.filter(
        pk__in=_grants(DistrictUserObjectPermission, user, perm).values("content_object_id")
    )


def access_community(user: User, pk: int, *, perm: str = "view_community") -> Community:
    """Fetch a community the user may `perm`, or raise Http404 (one query)."""
    community = communities_for_user(user, perm=perm).with_track().filter(pk=pk).first()
    if community is None:
        raise OutOfScope
    return community


def has_community_perm(user: User, community: Community, *, perm: str) -> bool:
    """Whether the user may `perm` this community (for showing or hiding buttons)."""
    return communities_for_user(user, perm=perm).filter(pk=community.pk).exists()


IMPORT_PERM = "import_communities"


def can_import_communities(user: User) -> bool:
    """Whether the user may import into at least one district (for showing the button)."""
    return districts_for_user(user, perm=IMPORT_PERM).exists()


def access_import_districts(user: User) -> QuerySet[District]:
    """The districts the user may import into, or Http404: without one, the import pages do not
    exist for them."""
    districts = districts_for_user(user, perm=IMPORT_PERM).order_by("name")
    if not districts.exists():
        raise OutOfScope
    return districts


def access_community_import(user: User, pk: UUID) -> CommunityImport:
    """An import the user uploaded (any import, for a superuser) into a district they may still
    import into, or Http404 (one query)."""
    imports = CommunityImport.objects.select_related("district", "uploaded_by").filter(
        pk=pk, district__in=districts_for_user(user, perm=IMPORT_PERM)
    )
    if not user.is_superuser:
        imports = imports.filter(uploaded_by=user)
    community_import = imports.first()
    if community_import is None:
        raise OutOfScope
    return community_import


# --- grants and accounts: the office's access page -----------------------------------------------
# An office manages the grants and the accounts of the districts on which it holds `manage_grants`.


def grant_districts(user: User) -> QuerySet[District]:
    """Districts whose grants the user manages (all of them for a superuser)."""
    return districts_for_user(user, perm="manage_grants").order_by("name", "pk")


def access_grant_management(user: User) -> list[District]:
    """The districts the user manages grants of, or OutOfScope if there are none (one query)."""
    districts = list(grant_districts(user))
    if not districts:
        raise OutOfScope
    return districts


def access_grant_scope(user: User, *, kind: str, pk: int) -> District | Street | Community:
    """Fetch the district, street or community `kind:pk` if it lies in a district the user
    manages grants of; otherwise raise OutOfScope (one query)."""
    managed = grant_districts(user).values("pk")
    obj: District | Street | Community | None
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


def access_account(user: User, pk: int) -> User:
    """Fetch the account `pk` that `user` (an office) may create, disable and reset: a street,
    leader or member-unit account whose grants all lie in the office's districts. Anything else
    is OutOfScope (a 404), so an office never learns of another district's accounts."""
    districts = access_grant_management(user)
    account = accounts_in_districts(districts).filter(pk=pk).first()
    if account is None or not can_manage_account(user, account):
        raise OutOfScope
    return account
