"""Reads for the hierarchy: querysets for pages and exports. Everything aggregates in SQL and is
scoped through `communities.permissions`, so a page's query count does not grow with the data."""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from accounts.models import User
from core.history import reason_label

from .importing import ImportPreview
from .models import Committee, Community, CommunityImport, CommunityQuerySet, Street
from .permissions import communities_for_user
from .services.imports import progress_cache_key


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


def dashboard_summary(user: User) -> dict[str, Any]:
    """Headline counts over the user's communities, and the same per street (two queries)."""
    qs = communities_for_user(user).with_track()
    metrics = {
        "communities": Count("pk"),
        "village_converted": Count("pk", filter=Q(kind=Community.Kind.VILLAGE_CONVERTED)),
        "village_track": Count("pk", filter=Q(track=Community.Track.VILLAGE)),
        "difficult": Count("pk", filter=Q(is_difficult=True)),
        "demolition": Count("pk", filter=Q(is_demolition_underway=True)),
        "population": Sum("population"),
        "voters": Sum("registered_voters"),
    }
    totals = qs.aggregate(**metrics)
    per_street = list(
        qs.values("street_id", "street__name").annotate(**metrics).order_by("street__name")
    )
    return {"totals": totals, "per_street": per_street, "has_scope": totals["communities"] > 0}


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


def community_import_progress(community_import: CommunityImport) -> int:
    """How far the import's task is, 0 to 100: from its row, or from the cache while the task
    writes inside its transaction (see `services/imports.py`)."""
    if community_import.status == CommunityImport.Status.APPLYING:
        cached = cache.get(progress_cache_key(community_import.pk))
        if isinstance(cached, int):
            return max(community_import.progress, cached)
    return community_import.progress


def community_import_page(community_import: CommunityImport) -> dict[str, Any]:
    """The context of an import's page and of its status partial (the same, polled by htmx)."""
    preview = ImportPreview.from_json(community_import.preview)
    return {
        "community_import": community_import,
        "check": preview,
        "problems": preview.problems,
        "rows": preview.rows,
        "progress": community_import_progress(community_import),
        "can_confirm": preview.is_ok
        and community_import.status == CommunityImport.Status.PREVIEWED,
    }
