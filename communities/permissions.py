"""The scope rule, in one place.

A user reaches a community through a grant on the community itself, on its street or on its
district (guardian object permissions in our direct foreign-key tables; guardian itself does not
inherit down the tree). Every list and every access helper asks `communities_for_user`, which
filters in SQL in one query. Out-of-scope objects are a 404: they do not exist for that user.

Permission names are the same codename at every level (`view_community`, `change_community`), given
either bare or as `communities.<codename>`.
"""

from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User

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


class OutOfScope(Http404):
    """The object exists but not for this user; logged as a denial, answered as a plain 404."""


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
