"""Admin of the audits app: for looking things up and rare repairs; the pages of the app are where
records are kept (their services check the rules and write the history). Files are shown by
their kept names only, never as links to the storage."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AuditFirm,
    AuditSubject,
    Engagement,
    Finding,
    FindingCategory,
    Handover,
    HandoverItem,
    HandoverRefusal,
    Posting,
    Rectification,
)


@admin.register(AuditFirm)
class AuditFirmAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district", "contact_person", "phone", "is_active"]
    list_filter = ["district", "is_active"]
    search_fields = ["name", "contact_person"]


@admin.register(FindingCategory)
class FindingCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district", "order", "is_active"]
    list_filter = ["district", "is_active"]


class AuditSubjectInline(admin.TabularInline):  # type: ignore[type-arg]
    model = AuditSubject
    extra = 0


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "firm", "kind", "state", "engaged_on", "report_received_on"]
    list_filter = ["kind", "state", "plan__campaign"]
    search_fields = ["plan__community__name", "firm__name"]
    list_select_related = ["plan__community", "firm"]
    raw_id_fields = ["plan", "firm"]
    readonly_fields = ["state", "report_name", "report_type", "created_by", "version"]
    exclude = ["report_file"]
    inlines = [AuditSubjectInline]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "engagement", "category", "amount"]
    list_filter = ["category"]
    raw_id_fields = ["engagement"]
    readonly_fields = ["created_by", "version"]


@admin.register(Rectification)
class RectificationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "owner", "deadline", "closed_on"]
    raw_id_fields = ["finding"]
    readonly_fields = ["evidence_name", "evidence_type", "created_by", "version"]
    exclude = ["evidence"]


@admin.register(Posting)
class PostingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "engagement"]
    raw_id_fields = ["engagement", "notice"]


class HandoverItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HandoverItem
    extra = 0


@admin.register(Handover)
class HandoverAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "formed_on", "due_on", "completed_on"]
    raw_id_fields = ["plan"]
    readonly_fields = ["inventory_name", "inventory_type", "created_by", "version"]
    exclude = ["inventory"]
    inlines = [HandoverItemInline]


@admin.register(HandoverRefusal)
class HandoverRefusalAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "handover", "resolved_on", "acknowledged_at"]
    raw_id_fields = ["handover"]
    readonly_fields = ["acknowledged_by", "acknowledged_at", "created_by", "version"]
