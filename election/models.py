"""Rule sets, campaigns and each community's election plan.

A **rule set** is versioned data (never constants): the ordered stages and steps of the procedure,
each step's due date as an offset from election day E, from the Party election's day, from the
campaign's start or from another step, the lead-time check that applies to it, and the seat ranges.
A **campaign** of a district picks one rule set; starting it creates one **plan** per community,
with a stage and a step for every template that applies to the community's election track.
"""

import re
import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Committee, Community, District, Street
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


class CommunityPlan(TimeStampedModel):
    """One community's plan in a campaign: its election days and, through its steps, progress.

    The counters are a summary of the steps, refreshed by the services whenever a step, a notice
    or a date changes, so that lists and dashboards never aggregate steps row by row.
    """

    class ReelectionGround(models.TextChoices):
        """Why an election is void and held again (重新选举)."""

        TURNOUT = "turnout", _("not more than half of those entitled voted")
        NO_COMPETITION = "no_competition", _("no more candidates than seats")
        NO_PUBLIC_COUNT = "no_public_count", _("the votes were not counted in public")
        NOT_ANNOUNCED = "not_announced", _("the result was not announced on the spot")
        IRREGULARITY = "irregularity", _("the election was declared void for irregularities")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="plans"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="plans"
    )
    election_on = models.DateField(_("election day"))
    party_election_on = models.DateField(_("party election day"))
    planned_one_shoulder = models.BooleanField(
        _("secretary and director one person (planned)"), default=False
    )
    planned_cross_appointments = models.PositiveSmallIntegerField(
        _("cross-appointments (planned)"), default=0
    )
    # the voter figures, split by the ground on which each voter registered
    voters_by_register = models.PositiveIntegerField(
        _("voters registered by household register"), null=True, blank=True
    )
    voters_by_residence = models.PositiveIntegerField(
        _("voters registered by residence of six months or more"), null=True, blank=True
    )
    voters_community_workers = models.PositiveIntegerField(
        _("community workers confirmed by the election committee"), null=True, blank=True
    )
    voters_village_admitted = models.PositiveIntegerField(
        _("non-register residents admitted by the village assembly"), null=True, blank=True
    )
    # how the committee is elected, and what happens after election day
    voting_mode = models.CharField(
        _("voting mode"), max_length=20, choices=VotingMode.choices, blank=True
    )
    runoff_on = models.DateField(_("runoff election day"), null=True, blank=True)
    reelection_ground = models.CharField(
        _("ground for a new election"),
        max_length=20,
        choices=ReelectionGround.choices,
        blank=True,
    )
    reelection_on = models.DateField(_("new election day"), null=True, blank=True)
    # the handover counts from here (a runoff or a new election forms the committee after E)
    committee_formed_on = models.DateField(
        _("new committee formed on"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: the day of the last election held (election day, runoff, new election)."
        ),
    )
    # the Party members' meeting: members entitled to vote and members present
    party_members_entitled = models.PositiveIntegerField(
        _("party members entitled to vote"), null=True, blank=True
    )
    party_members_present = models.PositiveIntegerField(
        _("party members present at the meeting"), null=True, blank=True
    )
    is_party_direct_election = models.BooleanField(
        _("open recommendation and direct election"), default=False
    )
    steps_total = models.PositiveSmallIntegerField(_("steps"), default=0)
    steps_done = models.PositiveSmallIntegerField(_("steps done"), default=0)
    steps_red = models.PositiveSmallIntegerField(_("steps breaking a time limit"), default=0)
    next_due_on = models.DateField(_("next due"), null=True, blank=True, db_index=True)
    current_stage = models.ForeignKey(
        StageTemplate,
        verbose_name=_("current stage"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # the version of the rule engine (`rules.ENGINE_VERSION`) that last computed the steps'
    # due dates and flags; an older one is recomputed (`plans_refresh_stale`)
    engine_version = models.PositiveSmallIntegerField(
        _("computed by engine version"), default=0, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(
        excluded_fields=["steps_done", "steps_red", "next_due_on", "engine_version"]
    )

    class Meta:
        verbose_name = _("community plan")
        verbose_name_plural = _("community plans")
        ordering = ["community__street__name", "community__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "community"], name="one_plan_per_community"
            ),
            models.CheckConstraint(
                condition=Q(party_election_on__lte=models.F("election_on")),
                name="plan_party_election_first",
            ),
            models.CheckConstraint(
                condition=Q(party_members_present__isnull=True)
                | Q(party_members_entitled__isnull=True)
                | Q(party_members_present__lte=models.F("party_members_entitled")),
                name="plan_party_present_le_entitled",
                violation_error_message=_("More members present than entitled to vote."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse("election:plan-detail", args=[self.pk])


class PlanStage(models.Model):
    plan = models.ForeignKey(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="stages"
    )
    template = models.ForeignKey(
        StageTemplate, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    is_closed = models.BooleanField(_("closed"), default=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan stage")
        verbose_name_plural = _("plan stages")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "template"], name="plan_stage_unique"),
        ]

    def __str__(self) -> str:
        return self.template.title


class PlanStep(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        BLOCKED = "blocked", _("blocked")

    plan = models.ForeignKey(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.ForeignKey(
        PlanStage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="steps"
    )
    template = models.ForeignKey(
        StepTemplate, verbose_name=_("step"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    responsible = models.CharField(_("responsible"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # the lead-time check's verdict, recomputed whenever a date it depends on changes
    is_red = models.BooleanField(_("breaks a time limit"), default=False)
    red_reason = models.CharField(_("time limit broken"), max_length=600, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "template"], name="plan_step_unique"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="done_step_has_date",
                violation_error_message=_("A done step needs the day it was done."),
            ),
        ]
        indexes = [
            # open steps by due date: overdue lists and counts
            models.Index(fields=["due_on"], condition=~Q(status="done"), name="open_step_due_idx"),
            models.Index(fields=["plan", "is_red"], name="plan_step_red_idx"),
            # the worklist: open steps by urgency group (red or not, due date), with the keys its
            # page query sorts by, so that counting and paging read only this index
            models.Index(
                fields=["is_red", "due_on", "plan", "order"],
                condition=~Q(status="done"),
                name="open_step_urgency_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.template.title

    @property
    def legal_basis(self) -> str:
        """The law this step cites, for its community's election track (load `template` and
        `plan__community` with it)."""
        return self.template.legal_basis_for(self.plan.community.election_track)


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


class SurveyLedger(TimeStampedModel):
    """The survey (调查摸底) of one community in a campaign."""

    plan = models.OneToOneField(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="survey"
    )
    forums_held = models.PositiveIntegerField(_("forums held"), default=0)
    households_visited = models.PositiveIntegerField(_("households visited"), default=0)
    questionnaires_issued = models.PositiveIntegerField(_("questionnaires issued"), default=0)
    questionnaires_returned = models.PositiveIntegerField(_("questionnaires returned"), default=0)
    problems_found = models.PositiveIntegerField(_("problems found"), default=0)
    problems_resolved = models.PositiveIntegerField(_("problems resolved"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey ledger")
        verbose_name_plural = _("survey ledgers")
        constraints = [
            models.CheckConstraint(
                condition=Q(questionnaires_returned__lte=models.F("questionnaires_issued")),
                name="survey_returned_le_issued",
                violation_error_message=_("More questionnaires returned than issued."),
            ),
            models.CheckConstraint(
                condition=Q(problems_resolved__lte=models.F("problems_found")),
                name="survey_resolved_le_found",
                violation_error_message=_("More problems resolved than found."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.plan)


class SeatPlan(TimeStampedModel):
    """The planned seats of one committee of a community in a campaign (职数设置)."""

    plan = models.ForeignKey(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="seat_plans"
    )
    body = models.CharField(_("committee"), max_length=10, choices=SeatRule.Body.choices)
    planned_seats = models.PositiveSmallIntegerField(_("planned seats"))
    planned_women = models.PositiveSmallIntegerField(_("women (planned)"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat plan")
        verbose_name_plural = _("seat plans")
        constraints = [
            models.UniqueConstraint(fields=["plan", "body"], name="seat_plan_unique"),
            models.CheckConstraint(
                condition=Q(planned_women__lte=models.F("planned_seats")),
                name="seat_plan_women_le_seats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_body_display()}"


class Postponement(TimeStampedModel):
    """A community's election moved to a later day with the approval of a named body."""

    plan = models.ForeignKey(
        CommunityPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="postponements",
    )
    approved_by_body = models.CharField(_("approved by"), max_length=100)
    approved_on = models.DateField(_("approved on"))
    reason = models.TextField(_("reason"))
    previous_on = models.DateField(_("previous election day"))
    new_on = models.DateField(_("new election day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("postponement")
        verbose_name_plural = _("postponements")
        ordering = ["plan", "-new_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_on__gt=models.F("previous_on")),
                name="postponement_later_day",
                violation_error_message=_("A postponement moves the election to a later day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} → {self.new_on}"


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
