"""What proves a plan's steps: uploaded evidence, public notices, and the objections to the
voter list with their rulings. Uploaded files are stored under random names."""

import re
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel

from .plans import CommunityPlan, PlanStep

_PLAIN_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")


def _random_name(filename: str) -> str:
    # a stored name no one can guess (files are only served by their views, after the access
    # check, but a name must not give the file away either); only a plain extension is kept
    suffix = PurePath(filename).suffix.lower()
    return uuid.uuid4().hex + (suffix if _PLAIN_SUFFIX.fullmatch(suffix) else "")


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.step.plan_id}/{instance.step_id}/{_random_name(filename)}"


class Evidence(models.Model):
    """A photo or PDF proving a step (minutes, a signed list, a photo of the notice board)."""

    step = models.ForeignKey(
        PlanStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["step", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


def notice_photo_path(instance: "PublicNotice", filename: str) -> str:
    return f"notices/{instance.step.plan_id}/{instance.step_id}/{_random_name(filename)}"


class PublicNotice(TimeStampedModel):
    """A public notice (公示) proving a lead time: what was posted, where, from when to when."""

    step = models.ForeignKey(
        PlanStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="notices"
    )
    title = models.CharField(_("what was posted"), max_length=150)
    place = models.CharField(_("where"), max_length=100)
    posted_on = models.DateField(_("posted on"))
    taken_down_on = models.DateField(_("taken down on"), null=True, blank=True)
    photo = models.FileField(_("photo"), upload_to=notice_photo_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["step", "posted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken_down_on__isnull=True)
                | Q(taken_down_on__gte=models.F("posted_on")),
                name="notice_taken_down_after_posting",
                violation_error_message=_("A notice cannot come down before it went up."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class VoterObjection(TimeStampedModel):
    """An objection to the voter list (选民名单异议), received on a day and ruled on within the
    rule set's days of its receipt."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("upheld: the list is corrected")
        REJECTED = "rejected", _("rejected")

    plan = models.ForeignKey(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="objections"
    )
    received_on = models.DateField(_("received on"))
    raised_by = models.CharField(_("raised by"), max_length=100)
    summary = models.CharField(_("what is objected to"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection to the voter list")
        verbose_name_plural = _("objections to the voter list")
        ordering = ["plan", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("received_on")),
                name="objection_decided_after_receipt",
                violation_error_message=_("An objection cannot be decided before it was received."),
            ),
            models.CheckConstraint(
                condition=(Q(decided_on__isnull=True) & Q(outcome=""))
                | (Q(decided_on__isnull=False) & ~Q(outcome="")),
                name="objection_decision_complete",
                violation_error_message=_("A decision needs both its day and its outcome."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.raised_by} {self.received_on}"
