"""Weekly report runs and their files.

These are artifacts, not records anyone audits: they are not history-tracked, so a worker claims a
run with a conditional `.update()` on its status (see `services.report_render`). A finished run's
file is never written again: rendering the same week once more makes a new run, the next
`version`, with its own file beside the old one.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import District, Street


class ReportRun(models.Model):
    """One weekly report of a district (or of one street of it) for one ISO week and format."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RENDERING = "rendering", _("rendering")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="report_runs"
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("street"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_runs",
        help_text=_("Empty for the district's report."),
    )
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    kind = models.CharField(_("format"), max_length=4, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(
        _("version"), default=1, help_text=_("1 for the first rendering of the week, then 2, 3…")
    )
    token = models.UUIDField(
        _("file token"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Names the run's file on disk: random, so that the name cannot be guessed."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the weekly schedule asked for it."),
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-iso_year", "-iso_week", "district", "street", "kind", "-version"]
        constraints = [
            # NULL is distinct from NULL in a unique index: the district's own report needs its own
            models.UniqueConstraint(
                fields=["district", "iso_year", "iso_week", "kind", "version"],
                condition=Q(street__isnull=True),
                name="one_district_report_per_week_kind_version",
            ),
            models.UniqueConstraint(
                fields=["district", "street", "iso_year", "iso_week", "kind", "version"],
                condition=Q(street__isnull=False),
                name="one_street_report_per_week_kind_version",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_run_version_positive"),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53),
                name="report_run_iso_week_range",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_run_progress_range"
            ),
        ]
        indexes = [models.Index(fields=["district", "-iso_year", "-iso_week"])]

    def __str__(self) -> str:
        scope = self.street.name if self.street_id and self.street else self.district.name
        return f"{scope} {self.week_label} {self.kind} v{self.version}"

    @property
    def week_label(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)


class ReportFile(models.Model):
    """The file of a finished run, on disk under MEDIA_ROOT/reports/ (like pretix's CachedFile).

    Never served from the media root: only `reports:download` streams it, after the access check.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.OneToOneField(
        ReportRun, verbose_name=_("report run"), on_delete=models.CASCADE, related_name="file"
    )
    path = models.CharField(_("path"), max_length=255, help_text=_("Relative to MEDIA_ROOT."))
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self) -> str:
        return self.path

    @property
    def download_name(self) -> str:
        """A name that tells the reader what it is: scope, week and format."""
        run = self.run
        scope = f"{run.district.name}-{run.street.name}" if run.street else run.district.name
        extension = self.path.rsplit(".", 1)[-1]
        version = f"-v{run.version}" if run.version > 1 else ""
        return f"{scope}-{run.week_label}{version}.{extension}"
