"""Reads for accounts: the security log, the grants of a district and their history.

Every function runs a fixed number of queries, whatever the number of rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import (
    Community,
    CommunityUserObjectPermission,
    District,
    DistrictUserObjectPermission,
    Street,
    StreetUserObjectPermission,
)
from core.history import reason_label

from .models import SecurityEvent, User
from .permissions import accounts_in_districts, can_manage_account

# --- security log --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecurityLogFilters:
    kind: str = ""
    user: str = ""
    since: date | None = None
    until: date | None = None


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def security_event_list(filters: SecurityLogFilters | None = None) -> QuerySet[SecurityEvent]:
    """Security events, newest first, with their user; `since`/`until` are local calendar days,
    both included. Filters on ranges of `at`, so the index on it is used."""
    f = filters or SecurityLogFilters()
    qs = SecurityEvent.objects.select_related("user")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.user:
        qs = qs.filter(Q(username__icontains=f.user) | Q(user__display_name__icontains=f.user))
    if f.since:
        qs = qs.filter(at__gte=_local_midnight(f.since))
    if f.until:
        qs = qs.filter(at__lt=_local_midnight(f.until + timedelta(days=1)))
    return qs.order_by("-at", "-pk")


# --- grants --------------------------------------------------------------------------------------

LEVEL_LABELS: dict[str, Promise] = {
    "view": pgettext_lazy("grant level", "view"),
    "edit": pgettext_lazy("grant level", "edit"),
    "manage": pgettext_lazy("grant level", "manage"),
}

PERMISSION_LABELS: dict[str, Promise] = {
    "view_community": _("view communities"),
    "change_community": _("edit communities"),
    "manage_grants": _("manage access"),
    "import_communities": _("import communities"),
    "manage_campaigns": _("run campaigns"),
}

SCOPE_ORDER = {"district": 0, "street": 1, "community": 2}


def level_for_codenames(codenames: set[str]) -> str:
    """The level a set of permissions on one object amounts to."""
    if "manage_grants" in codenames:
        return "manage"
    if "change_community" in codenames:
        return "edit"
    return "view"


@dataclass
class GrantRow:
    """Everything one user holds on one district, street or community."""

    user: User
    kind: str
    obj: District | Street | Community
    district: District
    codenames: set[str] = field(default_factory=set)

    @property
    def level(self) -> str:
        return level_for_codenames(self.codenames)

    @property
    def level_label(self) -> Promise:
        return LEVEL_LABELS[self.level]

    @property
    def scope_value(self) -> str:
        return f"{self.kind}:{self.obj.pk}"

    @property
    def kind_label(self) -> Any:
        return self.obj._meta.verbose_name

    @property
    def path(self) -> str:
        """Where the object lies: "district" for a street, "district · street" for a community."""
        if isinstance(self.obj, Community):
            return f"{self.district.name} · {self.obj.street.name}"
        if isinstance(self.obj, Street):
            return self.district.name
        return ""


def _district_ids(districts: Sequence[District]) -> list[int]:
    return [d.pk for d in districts]


def grant_list(districts: Sequence[District]) -> list[GrantRow]:
    """Every grant on the districts, their streets and their communities, one row per user and
    object, ordered by district, scope level, object name and user (three queries)."""
    ids = _district_ids(districts)
    sources: list[tuple[str, QuerySet[Any]]] = [
        (
            "district",
            DistrictUserObjectPermission.objects.filter(content_object_id__in=ids).select_related(
                "user", "permission", "content_object"
            ),
        ),
        (
            "street",
            StreetUserObjectPermission.objects.filter(
                content_object__district_id__in=ids
            ).select_related("user", "permission", "content_object__district"),
        ),
        (
            "community",
            CommunityUserObjectPermission.objects.filter(
                content_object__street__district_id__in=ids
            ).select_related("user", "permission", "content_object__street__district"),
        ),
    ]
    rows: dict[tuple[str, int, int], GrantRow] = {}
    for kind, qs in sources:
        for grant in qs:
            obj = grant.content_object
            key = (kind, obj.pk, grant.user_id)
            if key not in rows:
                rows[key] = GrantRow(
                    user=grant.user, kind=kind, obj=obj, district=_district_of(obj)
                )
            rows[key].codenames.add(grant.permission.codename)
    return sorted(
        rows.values(),
        key=lambda r: (
            r.district.name,
            SCOPE_ORDER[r.kind],
            r.path,
            r.obj.name,
            str(r.user),
            r.user.pk,
        ),
    )


def _district_of(obj: District | Street | Community) -> District:
    if isinstance(obj, District):
        return obj
    if isinstance(obj, Street):
        return obj.district
    return obj.street.district


@dataclass(frozen=True)
class GrantChange:
    """One permission added to or removed from a user on one object."""

    at: datetime
    by: User | None
    user: User | None
    username: str
    kind_label: Any
    scope: str
    permission: Any
    is_added: bool
    reason: Any


def grant_history(districts: Sequence[District], *, limit: int = 50) -> list[GrantChange]:
    """The latest `limit` grant changes on the districts, their streets and their communities,
    newest first, read from the history tables (three queries). Changes on objects deleted since
    cannot be placed in a district and are left out."""
    ids = _district_ids(districts)
    sources: list[tuple[Any, QuerySet[Any]]] = [
        (
            District._meta.verbose_name,
            DistrictUserObjectPermission.history.filter(content_object_id__in=ids).select_related(
                "history_user", "user", "permission", "content_object"
            ),
        ),
        (
            Street._meta.verbose_name,
            StreetUserObjectPermission.history.filter(
                content_object__district_id__in=ids
            ).select_related("history_user", "user", "permission", "content_object"),
        ),
        (
            Community._meta.verbose_name,
            CommunityUserObjectPermission.history.filter(
                content_object__street__district_id__in=ids
            ).select_related("history_user", "user", "permission", "content_object__street"),
        ),
    ]
    changes = []
    for kind_label, qs in sources:
        for row in qs.order_by("-history_date", "-history_id")[:limit]:
            obj = row.content_object
            scope = obj.name
            if isinstance(obj, Community):
                scope = f"{obj.street.name} · {obj.name}"
            codename = row.permission.codename if row.permission else ""
            reason = row.history_change_reason or ""
            changes.append(
                GrantChange(
                    at=row.history_date,
                    by=row.history_user,
                    user=row.user,
                    username=row.user.username if row.user else "",
                    kind_label=kind_label,
                    scope=scope,
                    permission=PERMISSION_LABELS.get(codename, codename),
                    is_added=row.history_type != "-",
                    reason=reason_label(reason),
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]


def grant_scope_choices(districts: Sequence[District]) -> list[tuple[Any, list[tuple[str, str]]]]:
    """Option groups for the scope select: the districts, then their streets (one query).

    Communities are not listed here (a large district has tens of thousands); once a street is
    chosen, `street_community_choices` fills the community select for that street.
    """
    ids = _district_ids(districts)
    several = len(districts) > 1
    streets = list(
        Street.objects.filter(district_id__in=ids)
        .select_related("district")
        .order_by("district__name", "name", "pk")
    )
    groups: list[tuple[Any, list[tuple[str, str]]]] = [
        (_("Whole district"), [(f"district:{d.pk}", d.name) for d in districts]),
        (
            _("Whole street"),
            [
                (f"street:{s.pk}", f"{s.district.name} · {s.name}" if several else s.name)
                for s in streets
            ],
        ),
    ]
    return groups


def street_community_choices(street: Street) -> list[tuple[str, str]]:
    """The communities of one street, as scope values for the grant form (one query)."""
    return [
        (f"community:{pk}", name)
        for pk, name in Community.objects.filter(street=street)
        .order_by("name", "pk")
        .values_list("pk", "name")
    ]


# --- accounts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    user: User
    can_manage: bool


def account_list(actor: User, districts: Sequence[District]) -> list[AccountRow]:
    """Every account of the districts (see `accounts_in_districts`), with whether `actor` may
    disable or reset it (one query)."""
    return [
        AccountRow(user=u, can_manage=can_manage_account(actor, u))
        for u in accounts_in_districts(list(districts))
    ]
