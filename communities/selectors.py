"""Reads for the hierarchy: querysets for pages and exports. Everything aggregates in SQL and is
scoped through `communities.permissions`, so a page's query count does not grow with the data."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import can_manage_account
from accounts.selectors import LEVEL_LABELS
from core.history import reason_label

from .models import (
    Committee,
    Community,
    CommunityImport,
    CommunityQuerySet,
    CommunityUserObjectPermission,
    District,
    DistrictUserObjectPermission,
    Street,
    StreetUserObjectPermission,
)
from .permissions import accounts_in_districts, communities_for_user


@dataclass(frozen=True)
class CommunityFilters:
    street: int | None = None
    kind: str = ""
    track: str = ""
    difficult: bool | None = None
    q: str = ""


def community_list(user: User, filters: CommunityFilters | None = None) -> CommunityQuerySet:
    """The communities in the user's scope, filtered, with street, track and committees."""
    f = filters or CommunityFilters()
    qs = communities_for_user(user).with_track()
    if f.street:
        qs = qs.filter(street_id=f.street)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.track:
        qs = qs.filter(track=f.track)  # type: ignore[misc]  # annotated by with_track()
    if f.difficult is not None:
        qs = qs.filter(is_difficult=f.difficult)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(street__name__icontains=f.q))
    return qs.prefetch_related(
        Prefetch("committees", queryset=Committee.objects.order_by("kind"))
    ).order_by("street__name", "name", "pk")


def street_choices(user: User) -> QuerySet[Street]:
    """Streets that have at least one community in the user's scope, for the list filter."""
    return Street.objects.filter(pk__in=communities_for_user(user).values("street_id")).order_by(
        "name"
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: Any
    user: Any
    action: str
    subject: str
    reason: str
    changes: list[tuple[str, Any, Any]]


def community_history_entries(community: Community, *, limit: int = 200) -> list[HistoryEntry]:
    """The community's and its committees' changes, newest first, with the fields that changed."""
    rows: list[Any] = list(
        community.history.select_related("history_user").order_by("-history_date")[:limit]
    )
    committee_rows: list[Any] = list(
        Committee.history.filter(community_id=community.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    entries = []
    for group in (rows, committee_rows):
        by_object: dict[int, list[Any]] = {}
        for row in group:
            by_object.setdefault(row.id, []).append(row)
        for versions in by_object.values():
            for newer, older in zip(versions, [*versions[1:], None], strict=True):
                changes = []
                if older is not None:
                    delta = newer.diff_against(older)
                    for change in delta.changes:
                        if change.field in {"version", "updated_at"}:
                            continue
                        field = newer.instance_type._meta.get_field(change.field)
                        changes.append((str(field.verbose_name), change.old, change.new))
                entries.append(
                    HistoryEntry(
                        at=newer.history_date,
                        user=newer.history_user,
                        action=newer.get_history_type_display(),
                        subject=str(newer.instance_type._meta.verbose_name)
                        if newer.instance_type is Community
                        else newer.instance.get_kind_display(),
                        reason=reason_label(newer.history_change_reason),
                        changes=changes,
                    )
                )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def community_imports_recent(
    user: User, districts: QuerySet[District], *, limit: int = 10
) -> list[CommunityImport]:
    """The user's latest imports into these districts (any user's, for a superuser), newest
    first, so a preview left behind can be opened again (one query)."""
    imports = CommunityImport.objects.filter(district__in=districts).select_related("district")
    if not user.is_superuser:
        imports = imports.filter(uploaded_by=user)
    return list(imports.order_by("-created_at", "-pk")[:limit])


# --- grants: the office's access page ------------------------------------------------------------

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


# --- the accounts of the office's districts ----------------------------------------------------


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


# --- what the apps above the hierarchy add to a community's page ---------------------------------

# (user, community) -> entries for the page's context, for example the election's plans
CommunityPagePart = Callable[[User, Community], dict[str, Any]]
_community_page_parts: list[CommunityPagePart] = []


def community_page_part_register(part: CommunityPagePart) -> None:
    """Let an app built on the hierarchy add to a community's page (from its AppConfig.ready):
    the hierarchy shows what it is told of and never imports the apps above it. Idempotent."""
    if part not in _community_page_parts:
        _community_page_parts.append(part)


def community_page_parts(user: User, community: Community) -> dict[str, Any]:
    """The context entries that the registered apps add to `community`'s page for `user`; each
    part runs a fixed number of queries."""
    context: dict[str, Any] = {}
    for part in _community_page_parts:
        context.update(part(user, community))
    return context
