from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Committee,
    Community,
    CommunityImport,
    CommunityUserObjectPermission,
    District,
    DistrictUserObjectPermission,
    Street,
    StreetUserObjectPermission,
)


@admin.register(District)
class DistrictAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Street)
class StreetAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "district", "kind"]
    list_filter = ["district", "kind"]
    search_fields = ["name"]


class CommitteeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Committee
    extra = 0
    fields = ["kind", "party_type", "seats", "term_started_on"]


@admin.register(Community)
class CommunityAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "street",
        "kind",
        "is_reform_finished",
        "population",
        "registered_voters",
        "is_difficult",
    ]
    list_filter = ["street__district", "kind", "is_reform_finished", "is_difficult"]
    list_select_related = ["street"]
    search_fields = ["name", "street__name"]
    autocomplete_fields = ["street"]
    inlines = [CommitteeInline]


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["community", "kind", "party_type", "seats"]
    list_filter = ["kind", "party_type"]
    list_select_related = ["community"]
    search_fields = ["community__name"]
    autocomplete_fields = ["community"]


@admin.register(CommunityImport)
class CommunityImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: imports are made and applied from the import page, never edited here."""

    list_display = [
        "original_name",
        "district",
        "uploaded_by",
        "status",
        "created_at",
        "applied_at",
        "streets_created",
        "communities_created",
    ]
    list_filter = ["status", "district"]
    list_select_related = ["district", "uploaded_by"]
    search_fields = ["original_name", "uploaded_by__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for grant_model in (
    DistrictUserObjectPermission,
    StreetUserObjectPermission,
    CommunityUserObjectPermission,
):
    admin.site.register(
        grant_model,
        SimpleHistoryAdmin,
        list_display=["user", "permission", "content_object"],
        list_select_related=["user", "permission", "content_object"],
        raw_id_fields=["user", "content_object"],
    )
