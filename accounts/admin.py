from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import MemberUnit, SecurityEvent, User


class UserPasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """Django's form, with the warning under "password-based authentication" translatable.

    Django writes that warning as a plain English string, so the Chinese page showed it in English.
    The markup (its id) stays Django's: the admin's script shows and hides the warning by it.
    """

    # lazy, so that it is translated when the form is shown (the stubs declare a plain str)
    usable_password_help_text = format_lazy(  # type: ignore[assignment]
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):  # type: ignore[type-arg]
    change_password_form = UserPasswordChangeForm
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
