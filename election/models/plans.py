"""Each community's plan in a campaign: its stages and steps (one for every template that
applies to the community's election track), its survey ledger, its planned seats and the
postponements of its election."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Community
from core.models import TimeStampedModel

from .campaigns import Campaign
from .rules import SeatRule, StageTemplate, StepTemplate, VotingMode


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
