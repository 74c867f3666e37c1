"""Campaigns: a district's re-election run under one rule set, and the progress figures
written for its dashboard (per street and stage, and the campaign's totals day by day)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import District, Street
from core.models import TimeStampedModel

from .rules import RuleSet, StageTemplate
from .vetting import NegativeList


class Campaign(TimeStampedModel):
    """A district's re-election (换届), run under one rule set."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        RUNNING = "running", _("running")
        CLOSED = "closed", _("closed")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="campaigns"
    )
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="campaigns"
    )
    negative_list = models.ForeignKey(
        NegativeList,
        verbose_name=_("negative list for vetting candidates"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaigns",
        help_text=_("The version of the negative list the member units check nominees against."),
    )
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("starts on"))
    election_on = models.DateField(
        _("default election day"), help_text=_("Each community's plan may move its own.")
    )
    party_election_on = models.DateField(_("default party election day"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(status="running"),
                name="one_running_campaign_per_district",
            ),
            models.CheckConstraint(
                condition=Q(party_election_on__lte=models.F("election_on")),
                name="campaign_party_election_first",
                violation_error_message=_(
                    "The party organisation is elected before the residents' committee."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StreetStageRollup(models.Model):
    """Counts of a street's steps in one stage of a campaign, for the district dashboard.

    Refreshed for one street and stage whenever a step there changes, and for the whole
    campaign once a day (overdue depends on the date). `as_of` is the day the overdue count
    was computed for.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rollups")
    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(StageTemplate, on_delete=models.CASCADE, related_name="+")
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    steps_red = models.PositiveIntegerField(default=0)
    steps_overdue = models.PositiveIntegerField(default=0)
    plans_total = models.PositiveIntegerField(default=0)
    plans_stage_done = models.PositiveIntegerField(default=0)
    as_of = models.DateField()

    class Meta:
        verbose_name = _("street progress")
        verbose_name_plural = _("street progress")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "street", "stage"], name="rollup_unique")
        ]

    def __str__(self) -> str:
        return f"{self.street_id}/{self.stage_id}: {self.steps_done}/{self.steps_total}"


class CampaignSnapshot(models.Model):
    """A campaign's totals on one day, for the "overdue over time" chart (written daily)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    on = models.DateField()
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    steps_red = models.PositiveIntegerField(default=0)
    steps_overdue = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("campaign snapshot")
        verbose_name_plural = _("campaign snapshots")
        ordering = ["campaign", "on"]
        constraints = [models.UniqueConstraint(fields=["campaign", "on"], name="snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.on}"
