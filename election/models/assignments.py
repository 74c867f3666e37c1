"""The leaders and cadres assigned to follow a community, and their visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community
from core.models import TimeStampedModel


class LeaderAssignment(TimeStampedModel):
    """A leader (分包) or cadre (包村) assigned to follow a community; it gives read access."""

    class Kind(models.TextChoices):
        LEADER = "leader", _("assigned leader")
        CADRE = "cadre", _("street cadre")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LEADER)
    is_active = models.BooleanField(_("active"), default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(is_active=True),
                name="one_active_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community}"


class Visit(TimeStampedModel):
    """A leader's visit to an assigned community, with instructions and their follow-up."""

    assignment = models.ForeignKey(
        LeaderAssignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    visited_on = models.DateField(_("visited on"))
    summary = models.TextField(_("what was found"))
    instructions = models.TextField(_("instructions"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_done_on = models.DateField(_("followed up on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.visited_on}"
