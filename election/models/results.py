"""Election results and the people they put in office: each round's ballot figures and votes per
candidate, the committees' members (the new term, and the previous term imported from Excel), and
the statistics bands (age and education) as data on the rule set.

The law's checks are data on the rule set's `VotingRule`: the election is valid when more than half
of the registered voters voted; a candidate wins with more than half of the votes cast; in a
另行选举 the most votes win with at least one third.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import Committee
from core.models import TimeStampedModel

from .campaigns import Campaign
from .candidates import Candidate, Person, Post
from .plans import CommunityPlan
from .rules import RuleSet, SeatRule


class ElectionResult(TimeStampedModel):
    """One round of one committee's election in a community: the ballot account."""

    class Round(models.TextChoices):
        FIRST = "first", _("first round")
        RUNOFF = "runoff", _("runoff (另行选举)")
        NEW = "new", _("new election (重新选举)")

    plan = models.ForeignKey(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="results"
    )
    body = models.CharField(_("committee"), max_length=10, choices=SeatRule.Body.choices)
    round = models.CharField(_("round"), max_length=10, choices=Round.choices, default=Round.FIRST)
    held_on = models.DateField(_("held on"))
    registered_voters = models.PositiveIntegerField(_("registered voters"))
    ballots_issued = models.PositiveIntegerField(_("ballots issued"))
    ballots_returned = models.PositiveIntegerField(_("ballots returned"))
    valid_ballots = models.PositiveIntegerField(_("valid ballots"))
    invalid_ballots = models.PositiveIntegerField(_("invalid ballots"))
    seats_to_fill = models.PositiveSmallIntegerField(_("seats to fill"))
    # set by the service from the rule set's voting rule when the result is recorded
    is_valid = models.BooleanField(_("valid election"), default=False)
    seats_filled = models.PositiveSmallIntegerField(_("seats filled"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("election result")
        verbose_name_plural = _("election results")
        ordering = ["plan", "body", "held_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "body", "round"], name="result_round_unique"),
            models.CheckConstraint(
                condition=Q(ballots_returned__lte=F("ballots_issued")),
                name="result_returned_le_issued",
            ),
            models.CheckConstraint(
                condition=Q(valid_ballots__lte=F("ballots_returned")),
                name="result_valid_le_returned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.get_body_display()} · {self.get_round_display()}"


class CandidateVote(models.Model):
    """The votes one candidate received in one round, and whether they won a seat there."""

    result = models.ForeignKey(
        ElectionResult, verbose_name=_("result"), on_delete=models.CASCADE, related_name="votes"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="votes"
    )
    votes = models.PositiveIntegerField(_("votes"))
    elected = models.BooleanField(_("elected"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("votes of a candidate")
        verbose_name_plural = _("votes of candidates")
        ordering = ["result", "-votes"]
        constraints = [
            models.UniqueConstraint(fields=["result", "candidate"], name="candidate_vote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.votes}"


class CommitteeMember(TimeStampedModel, Person):
    """A member of a committee in one term, with their post.

    Members elected in a campaign name it (`elected_in`); the previous term, imported from Excel,
    has none. Forming the new committee closes the old term: its members get `ended_on` and the
    campaign that replaced them (`ended_in`).
    """

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="members"
    )
    post = models.CharField(_("post"), max_length=20, choices=Post.choices, default=Post.MEMBER)
    started_on = models.DateField(_("term started on"), null=True, blank=True)
    ended_on = models.DateField(_("term ended on"), null=True, blank=True)
    elected_in = models.ForeignKey(
        Campaign,
        verbose_name=_("elected in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members_elected",
    )
    ended_in = models.ForeignKey(
        Campaign,
        verbose_name=_("replaced in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members_replaced",
    )
    candidate = models.OneToOneField(
        Candidate,
        verbose_name=_("candidate"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    is_first_time = models.BooleanField(_("first term"), default=True)
    history = HistoricalRecords(excluded_fields=["id_number"])

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "ended_on", "pk"]
        indexes = [
            models.Index(fields=["committee", "ended_on"], name="member_committee_term"),
            models.Index(fields=["elected_in"], name="member_elected_in"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_post_display()}"


class StatisticsBand(models.Model):
    """One band of the statistics table: an age band in whole years (35 and under, 60 and over)
    or an education band in levels (high school and above, college and above …). Provinces differ,
    so the bands are data on the rule set; both bounds are inclusive and either may be open."""

    class Kind(models.TextChoices):
        AGE = "age", _("age")
        EDUCATION = "education", _("education")

    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name=_("rule set"),
        on_delete=models.CASCADE,
        related_name="statistics_bands",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=40)
    min_value = models.PositiveSmallIntegerField(_("from (inclusive)"), null=True, blank=True)
    max_value = models.PositiveSmallIntegerField(_("to (inclusive)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statistics band")
        verbose_name_plural = _("statistics bands")
        ordering = ["rule_set", "kind", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "kind", "order"], name="statistics_band_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=False) | Q(max_value__isnull=False),
                name="statistics_band_bounded",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=F("max_value")),
                name="statistics_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.label


# the bands every shipped rule set starts with (the data migration and the rule-set loader use
# them when a rule set's file names none); the office edits them in the admin
DEFAULT_BANDS = [
    {"kind": "education", "order": 1, "label": "高中及以上", "min_value": 3, "max_value": None},
    {"kind": "education", "order": 2, "label": "大专及以上", "min_value": 4, "max_value": None},
    {"kind": "education", "order": 3, "label": "本科及以上", "min_value": 5, "max_value": None},
    {"kind": "age", "order": 1, "label": "35岁及以下", "min_value": None, "max_value": 35},
    {"kind": "age", "order": 2, "label": "60岁及以上", "min_value": 60, "max_value": None},
]
