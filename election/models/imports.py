"""Excel imports into a campaign: nominees, election results and the previous term's members.

An `ElectionImport` is the record of one uploaded workbook, from its check (a dry run whose
problems are listed by row and column) to its import, which runs in the background and writes
every row or none. Like `communities.CommunityImport` it is not history-tracked: the rows it
creates carry their own history (reason "imported"). The file is deleted once the import is done.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.importing.jobs import JobStatus
from core.models import TimeStampedModel

from .campaigns import Campaign

CTX = "election import column"


def _election_import_path(instance: "ElectionImport", filename: str) -> str:
    # never the user's file name, nor the import's id (which its pages show): a random name
    return f"imports/election/{uuid.uuid4().hex}.xlsx"


class ElectionImport(TimeStampedModel):
    """An uploaded workbook of nominees, results or previous-term members for one campaign."""

    class Kind(models.TextChoices):
        NOMINEES = "nominees", pgettext_lazy(CTX, "nominees")
        RESULTS = "results", pgettext_lazy(CTX, "election results")
        PREVIOUS_TERM = "previous_term", pgettext_lazy(CTX, "previous term's members")

    # the life of the job, shared with the other imports (communities.importing.jobs)
    Status = JobStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="imports"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # the street an official's import is limited to; empty for the district office
    street = models.ForeignKey(
        "communities.Street",
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="election_imports",
    )
    # emptied when the file is deleted after the import
    file = models.FileField(_("file"), upload_to=_election_import_path, max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # the outcome of the last check: counts, the first rows (ID numbers masked) and problems
    preview = models.JSONField(_("check result"), default=dict, blank=True)
    # problems by row and column: [{"row": 3, "column": "姓名", "message": "..."}]
    row_errors = models.JSONField(pgettext_lazy(CTX, "row errors"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("import started at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(pgettext_lazy(CTX, "records created"), default=0)

    class Meta:
        verbose_name = pgettext_lazy(CTX, "election import")
        verbose_name_plural = pgettext_lazy(CTX, "election imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "kind", "-created_at"])]

    def __str__(self) -> str:
        return self.original_name or str(self.pk)

    def get_absolute_url(self) -> str:
        return reverse("election:import-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        """Whether a task is checking or importing the file (the page polls meanwhile)."""
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.APPLYING)
