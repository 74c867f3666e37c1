"""The admin of discipline and supervision. A report's identity (`Report.IDENTITY_FIELDS`), its
attachments and the case entries never appear here, not even for a superuser: the admin shows a
report's number, community, category, channel and state, read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    DisciplineLead,
    Inspection,
    JointMeeting,
    MajorEvent,
    PublicityDocument,
    PublicityTally,
    Report,
)


@admin.register(DisciplineLead)
class DisciplineLeadAdmin(SimpleHistoryAdmin):
    list_display = ["district", "user"]
    list_filter = ["district"]
    autocomplete_fields = ["user"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only and without identity: the case is handled in the product, by its officers."""

    list_display = ["number", "district", "community", "category", "channel", "state"]
    list_filter = ["district", "state", "category", "channel"]
    search_fields = ["number"]
    fields = readonly_fields = (
        "number",
        "district",
        "community",
        "category",
        "channel",
        "state",
        "received_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PublicityDocument)
class PublicityDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "campaign", "kind"]
    list_filter = ["kind", "campaign"]
    readonly_fields = ["file", "file_name", "file_type", "created_by"]


@admin.register(PublicityTally)
class PublicityTallyAdmin(SimpleHistoryAdmin):
    list_display = ["community", "campaign", *PublicityTally.COUNTS]
    list_filter = ["campaign"]
    readonly_fields = ["created_by"]


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "kind", "district", "team"]
    list_filter = ["kind", "district"]
    readonly_fields = ["created_by"]


@admin.register(JointMeeting)
class JointMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "title", "district"]
    list_filter = ["district"]
    readonly_fields = ["file", "file_name", "file_type", "created_by"]


@admin.register(MajorEvent)
class MajorEventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "district", "severity", "occurred_at", "acknowledged_at"]
    list_filter = ["severity", "district"]
    readonly_fields = ["created_by", "acknowledged_by", "acknowledged_at"]


# supervision: findings, rectification orders and meeting decisions (the files stay read-only:
# they are checked on upload in the product)
from .models import InspectionFinding, MeetingDecision, RectificationOrder  # noqa: E402


@admin.register(InspectionFinding)
class InspectionFindingAdmin(SimpleHistoryAdmin):
    list_display = ["inspection", "community"]
    list_filter = ["inspection__district"]
    readonly_fields = ["created_by"]


@admin.register(RectificationOrder)
class RectificationOrderAdmin(SimpleHistoryAdmin):
    list_display = ["action", "owner", "due_on", "closed_on"]
    list_filter = ["finding__inspection__district"]
    readonly_fields = ["file", "file_name", "file_type", "created_by"]


@admin.register(MeetingDecision)
class MeetingDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "owner", "due_on", "done_on"]
    list_filter = ["meeting__district"]
    readonly_fields = ["created_by"]
