"""The rule sets: versioned data, never constants.

A rule set holds the ordered stages and steps of the procedure, each step's due date as an offset
from election day E, from the Party election's day, from the campaign's start or from another step,
the lead-time check that applies to it, the seat ranges and the voting thresholds. The official
calendar's holidays and swapped working days, which working-day checks count with, live here too.
The rule engine that applies them to a plan is `election.rules`.
"""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Committee, Community
from core.models import TimeStampedModel


class RuleSet(TimeStampedModel):
    """One version of the rules of a place: stages, steps, time limits and seat ranges."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    effective_on = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("The first election day these rules govern; empty: no lower bound."),
    )
    effective_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The last election day these rules govern; empty: still in force."),
    )
    source = models.TextField(
        _("source"), blank=True, help_text=_("The laws and documents these rules come from.")
    )
    notes = models.TextField(_("notes"), blank=True)
    is_default = models.BooleanField(_("default for new campaigns"), default=False)
    is_demonstration = models.BooleanField(
        _("demonstration variant"),
        default=False,
        help_text=_("Not the rules of a real place: for training and demonstrations only."),
    )
    term_years = models.PositiveSmallIntegerField(_("term of office (years)"), default=5)
    term_basis = models.CharField(_("legal basis of the term"), max_length=200, blank=True)
    households_min = models.PositiveIntegerField(
        _("fewest households of a residents' committee"), null=True, blank=True
    )
    households_max = models.PositiveIntegerField(
        _("most households of a residents' committee"), null=True, blank=True
    )
    households_basis = models.CharField(
        _("legal basis of the household norm"), max_length=200, blank=True
    )
    postpone_max_months = models.PositiveSmallIntegerField(
        _("longest postponement (months)"), default=12
    )
    postpone_basis = models.CharField(_("legal basis of postponements"), max_length=200, blank=True)
    party_quorum_numerator = models.PositiveSmallIntegerField(
        _("party meeting quorum: numerator"), default=4
    )
    party_quorum_denominator = models.PositiveSmallIntegerField(
        _("party meeting quorum: denominator"), default=5
    )
    party_quorum_basis = models.CharField(
        _("legal basis of the party meeting quorum"), max_length=200, blank=True
    )
    allows_party_direct_election = models.BooleanField(
        _("allows open recommendation and direct election"), default=False
    )
    # candidates: competition (差额) and the joint review's answer time
    party_surplus_percent = models.PositiveSmallIntegerField(
        _("party candidates above seats (%)"),
        default=20,
        help_text=_("The party's formal candidates must exceed its seats by at least this share."),
    )
    residents_surplus_min = models.PositiveSmallIntegerField(
        _("residents' candidates above seats (at least)"),
        default=1,
        help_text=_("How many more formal candidates than seats the residents' committee needs."),
    )
    competition_basis = models.CharField(
        _("legal basis of competitive elections"), max_length=200, blank=True
    )
    review_feedback_days = models.PositiveSmallIntegerField(
        _("days for a member unit's joint-review feedback"), default=5
    )
    # discipline: every report is investigated (有报必查)
    report_case_days = models.PositiveSmallIntegerField(
        _("days to open a case on a report"),
        default=3,
        help_text=_("A report with no case opened within these days of its receipt is overdue."),
    )
    case_days = models.PositiveSmallIntegerField(
        _("days to conclude a case"),
        default=30,
        help_text=_("A case's deadline, counted from the day it is opened."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(effective_to__gte=models.F("effective_on")),
                name="ruleset_effective_period",
            ),
            models.CheckConstraint(
                condition=Q(party_quorum_denominator__gt=0)
                & Q(party_quorum_numerator__lte=models.F("party_quorum_denominator")),
                name="ruleset_party_quorum_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def is_in_force_on(self, day: date) -> bool:
        """Whether an election held on `day` falls within the rules' effective period."""
        if self.effective_on is not None and day < self.effective_on:
            return False
        return self.effective_to is None or day <= self.effective_to


class Applies(models.TextChoices):
    """Which communities a stage or step applies to, by election track."""

    ALL = "all", _("all communities")
    VILLAGE = "village", _("villagers' committee rules only")
    RESIDENTS = "residents", _("residents' committee rules only")


class StageTemplate(models.Model):
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=100)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=Applies.choices, default=Applies.ALL
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["rule_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="stage_code_unique"),
            models.UniqueConstraint(fields=["rule_set", "order"], name="stage_order_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class StepTemplate(models.Model):
    """A step of the procedure, its due date and the lead-time check that applies to it.

    Due date = the anchor's date + `offset_days` (negative: before). The anchor is election day
    E, the Party election's day, the campaign's start, or the day another step was done (for
    example "ruling on objections within 3 days of the objection").

    The check compares a date of the step (the day it was done, or the day its public notice went
    up) with the anchor: `min_lead` wants the date at least `check_days` days *before* the anchor
    (the voter list posted at least 20 days before E), `max_lag` at most `check_days` days *after*
    it (the handover within 10 days of the election). `rule_text` states the rule in the users'
    words; it names the rule in the red flag.
    """

    class Anchor(models.TextChoices):
        ELECTION = "election", _("election day (E)")
        PARTY_ELECTION = "party_election", _("party election day")
        START = "start", _("campaign start")
        STEP = "step", _("another step done")
        COMMITTEE_FORMED = "committee_formed", _("new committee formed")

    class Check(models.TextChoices):
        NONE = "", _("no check")
        MIN_LEAD = "min_lead", _("at least N days before the anchor")
        MAX_LAG = "max_lag", _("at most N days after the anchor")
        MIN_LAG = "min_lag", _("not before N days after the anchor")
        RULING = "ruling", _("each objection ruled on within N days of its receipt")

    class DayUnit(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days")

    class CheckedDate(models.TextChoices):
        DONE = "done", _("the day the step was done")
        NOTICE = "notice", _("the day the public notice was posted")

    stage = models.ForeignKey(
        StageTemplate, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=150)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=Applies.choices, default=Applies.ALL
    )
    anchor = models.CharField(
        _("due relative to"), max_length=20, choices=Anchor.choices, default=Anchor.ELECTION
    )
    anchor_step = models.ForeignKey(
        "self",
        verbose_name=_("anchor step"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependants",
    )
    offset_days = models.SmallIntegerField(
        _("offset in days"), default=0, help_text=_("Negative: before the anchor.")
    )
    check_kind = models.CharField(
        _("check"), max_length=10, choices=Check.choices, default=Check.NONE, blank=True
    )
    check_days = models.PositiveSmallIntegerField(_("days of the check"), default=0)
    check_anchor = models.CharField(
        _("checked against"),
        max_length=20,
        choices=[c for c in Anchor.choices if c[0] != "step"],
        blank=True,
        help_text=_("Empty: the same day the due date counts from."),
    )
    day_unit = models.CharField(
        _("days counted in"), max_length=10, choices=DayUnit.choices, default=DayUnit.CALENDAR
    )
    checked_date = models.CharField(
        _("date checked"), max_length=10, choices=CheckedDate.choices, default=CheckedDate.DONE
    )
    requires_notice = models.BooleanField(_("needs a public notice"), default=False)
    notice_days = models.PositiveSmallIntegerField(
        _("notice stays up at least (days)"),
        default=0,
        help_text=_("0: no minimum display period."),
    )
    rule_text = models.CharField(_("rule"), max_length=200, blank=True)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=200,
        blank=True,
        help_text=_(
            "For city communities (the residents' committee law and the province's rules), and "
            "for every community when the next field is empty."
        ),
    )
    legal_basis_village = models.CharField(
        _("legal basis for village-converted communities"),
        max_length=200,
        blank=True,
        help_text=_(
            "For communities that elect under the villagers' committee law; empty: the legal "
            "basis above."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["stage__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "code"], name="step_code_unique_in_stage"),
            models.CheckConstraint(
                condition=~Q(anchor="step") | Q(anchor_step__isnull=False),
                name="step_anchor_step_given",
                violation_error_message=_("A step due after another step must name that step."),
            ),
            models.CheckConstraint(
                condition=Q(check_kind="") | Q(check_days__gte=0),
                name="step_check_days_set",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def legal_basis_for(self, track: str) -> str:
        """The law this step cites for a community of election `track` (`Community.Track`): a
        community electing under the villagers' committee law cites `legal_basis_village` when
        there is one; every other community `legal_basis`."""
        if track == Community.Track.VILLAGE and self.legal_basis_village:
            return self.legal_basis_village
        return self.legal_basis


class SeatRule(models.Model):
    """The legal range of seats of one committee, and whether a woman member is required."""

    class Body(models.TextChoices):
        PARTY = "party", _("party committee")
        RESIDENTS = "residents", _("residents' committee")
        VILLAGERS = "villagers", _("villagers' committee")

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="seat_rules"
    )
    body = models.CharField(_("committee"), max_length=10, choices=Body.choices)
    # the Party organisation's type (communities.Committee.PartyType value) the range applies to;
    # empty: every type, or a committee that is not the Party's
    party_type = models.CharField(_("party organisation type"), max_length=20, blank=True)
    min_seats = models.PositiveSmallIntegerField(_("fewest seats"))
    max_seats = models.PositiveSmallIntegerField(_("most seats"))
    usual_max_seats = models.PositiveSmallIntegerField(
        _("usual most seats"),
        null=True,
        blank=True,
        help_text=_("The usual upper end of the range; above it up to the most seats is allowed."),
    )
    secretary_only_below = models.PositiveSmallIntegerField(
        _("secretary only below this many full members"),
        null=True,
        blank=True,
        help_text=_("A Party organisation with fewer full members elects a secretary only."),
    )
    requires_woman = models.BooleanField(_("must include a woman"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat rule")
        verbose_name_plural = _("seat rules")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "body", "party_type"], name="seat_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_seats__lte=models.F("max_seats")), name="seat_rule_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.min_seats}-{self.max_seats}"

    @property
    def party_type_label(self) -> str:
        """The Party organisation type in words (党委 / 党总支 / 党支部); "" for every type."""
        labels = dict(Committee.PartyType.choices)
        return str(labels.get(self.party_type, self.party_type))


class VotingMode(models.TextChoices):
    """Who votes for the residents' (villagers') committee."""

    ALL_VOTERS = "all_voters", _("all registered voters")
    HOUSEHOLDS = "households", _("household representatives")
    REPRESENTATIVES = "representatives", _("residents' representatives")


class VotingRule(models.Model):
    """The thresholds of one voting mode on one track: the election is valid when more than
    `valid_numerator/valid_denominator` of those entitled vote, a candidate wins with more than
    `win_numerator/win_denominator` of the votes cast, and in a 另行选举 the most votes win with at
    least `runoff_numerator/runoff_denominator` of the votes cast."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="voting_rules"
    )
    mode = models.CharField(_("voting mode"), max_length=20, choices=VotingMode.choices)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=Applies.choices, default=Applies.ALL
    )
    valid_numerator = models.PositiveSmallIntegerField(_("turnout: numerator"), default=1)
    valid_denominator = models.PositiveSmallIntegerField(_("turnout: denominator"), default=2)
    win_numerator = models.PositiveSmallIntegerField(_("winning share: numerator"), default=1)
    win_denominator = models.PositiveSmallIntegerField(_("winning share: denominator"), default=2)
    runoff_numerator = models.PositiveSmallIntegerField(_("runoff share: numerator"), default=1)
    runoff_denominator = models.PositiveSmallIntegerField(_("runoff share: denominator"), default=3)
    rule_text = models.CharField(_("rule"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voting rule")
        verbose_name_plural = _("voting rules")
        ordering = ["rule_set", "applies_to", "mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "mode", "applies_to"], name="voting_rule_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_denominator__gt=0)
                & Q(win_denominator__gt=0)
                & Q(runoff_denominator__gt=0),
                name="voting_rule_fractions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} ({self.get_applies_to_display()})"


class CalendarDay(models.Model):
    """A day of China's official calendar that differs from the plain week: a public holiday
    (a weekday or weekend day off) or a swapped working day (调休, a weekend day at work).

    Days not listed follow the week: Monday to Friday are working days. Filled from the
    `chinese_calendar` package (`manage.py calendar_load`); the office adds or corrects days in
    the admin when the State Council publishes a new year.
    """

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday or swapped working day")
        verbose_name_plural = _("holidays and swapped working days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
