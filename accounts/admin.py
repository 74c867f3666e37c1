from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import MemberUnit, SecurityEvent, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):  # type: ignore[type-arg]
    list_display = ["username", "display_name", "role", "member_unit", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "member_unit"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Role"), {"fields": ["display_name", "role", "member_unit", "phone"]}),
    ]


@admin.register(MemberUnit)
class MemberUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "kind", "username", "ip_address", "path", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "path", "detail"]
    date_hierarchy = "at"

    # append-only: readable, never written through the admin
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
