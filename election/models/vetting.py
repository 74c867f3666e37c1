"""The negative list (负面清单) of candidate vetting: versioned data, never constants.

A list holds the criteria against which the member units check each nominee in the joint review:
each criterion's text, its tier (不能: cannot be a candidate; 不宜: unsuitable, the office decides),
its look-back period and the member unit that checks it. The list changes by place and year; a
campaign picks one version. The shipped versions are JSON files in `election/negative_lists/`.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class NegativeList(TimeStampedModel):
    """One version of a place's negative list."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    effective_on = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("The first election day this list governs; empty: no lower bound."),
    )
    effective_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The last election day this list governs; empty: still in force."),
    )
    source = models.TextField(
        _("source"), blank=True, help_text=_("The documents this list comes from.")
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("negative list")
        verbose_name_plural = _("negative lists")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="negativelist_code_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(effective_to__gte=models.F("effective_on")),
                name="negativelist_effective_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def is_in_force_on(self, day: date) -> bool:
        """Whether an election held on `day` falls within the list's effective period."""
        if self.effective_on is not None and day < self.effective_on:
            return False
        return self.effective_to is None or day <= self.effective_to


class NegativeCriterion(models.Model):
    """One criterion of a negative list: what disqualifies or makes unsuitable, for how long back,
    and which member unit checks it.

    The member unit is named by its code (`accounts.MemberUnit.code`), not by a foreign key: the
    shipped lists are loaded by a data migration into databases where no member unit exists yet.
    """

    class Tier(models.TextChoices):
        CANNOT = "cannot", _("cannot be a candidate")
        UNSUITABLE = "unsuitable", _("unsuitable as a candidate")

    negative_list = models.ForeignKey(
        NegativeList,
        verbose_name=_("negative list"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("criterion"))
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    lookback_years = models.PositiveSmallIntegerField(
        _("look-back period (years)"),
        null=True,
        blank=True,
        help_text=_("How many years back the check reaches; empty: no limit."),
    )
    unit_code = models.SlugField(
        _("checking member unit (code)"),
        max_length=40,
        blank=True,
        help_text=_("The code of the member unit that checks this criterion."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("negative list criterion")
        verbose_name_plural = _("negative list criteria")
        ordering = ["negative_list", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["negative_list", "order"], name="negativecriterion_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"
