from django.contrib import admin

from .models import ReportFile, ReportRun


class ReportFileInline(admin.StackedInline):  # type: ignore[type-arg]
    model = ReportFile
    extra = 0
    can_delete = False
    readonly_fields = ("id", "path", "size", "sha256", "created_at", "expires_at")


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Runs are written by the service; the admin only shows them.

    The weekly schedule is edited under Periodic tasks (django-celery-beat).
    """

    list_display = ("__str__", "status", "progress", "attempts", "requested_by", "finished_at")
    list_filter = ("status", "kind", "district")
    list_select_related = ("district", "street", "requested_by")
    readonly_fields = [f.name for f in ReportRun._meta.fields]
    inlines = [ReportFileInline]

    def has_add_permission(self, request: object) -> bool:
        return False
