"""Who stands: the candidate register (nominee → under review → formal candidate → elected or not),
the joint review (联审) by the member units against the campaign's negative list, and the people
the statistics count.

A **candidate** stands for one committee (the Party organisation or the residents' / villagers'
committee) in one community's plan. Sending nominees to review creates one **unit review** per
member unit that the campaign's negative list names; the unit answers each of its criteria with a
**criterion answer** (clear, or a hit with a note and evidence). A 不能 hit disqualifies; a 不宜 hit
waits for the office's decision with a reason. No one becomes a formal candidate while any unit's
answer is missing.

An ID number is optional and never leaves the register unmasked: pages, exports and the history
show its last four characters only (the history does not store it at all).
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel

from .plans import CommunityPlan
from .rules import SeatRule
from .vetting import NegativeCriterion


class Gender(models.TextChoices):
    MALE = "m", _("male")
    FEMALE = "f", _("female")


class Education(models.IntegerChoices):
    """Education as an ordered level, so a band is a range of levels (data on the rule set)."""

    PRIMARY = 1, _("primary school or below")
    JUNIOR = 2, _("junior secondary school")
    SENIOR = 3, _("senior secondary or vocational school")
    COLLEGE = 4, _("college")
    BACHELOR = 5, _("bachelor's degree")
    POSTGRADUATE = 6, _("postgraduate")


class Post(models.TextChoices):
    """A post on a committee: the Party's 书记 / 副书记, the residents' 主任 / 副主任, and 委员."""

    SECRETARY = "secretary", _("secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
    DIRECTOR = "director", _("director")
    DEPUTY_DIRECTOR = "deputy_director", _("deputy director")
    MEMBER = "member", _("committee member")


def mask_id_number(value: str) -> str:
    """An ID number as it may be shown: its last four characters, the rest starred."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


class Person(models.Model):
    """What the statistics need to know of a person: gender, age, education, Party membership and
    ethnicity. The ID number is optional and shown masked."""

    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    education = models.PositiveSmallIntegerField(_("education"), choices=Education.choices)
    party_member = models.BooleanField(_("party member"), default=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)

    class Meta:
        abstract = True

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_minority(self) -> bool:
        return bool(self.ethnicity) and self.ethnicity != "汉族"

    def age_on(self, day: date) -> int:
        """Whole years of age on `day`."""
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday


class Candidate(TimeStampedModel, Person):
    """One person standing for one committee of a community in a campaign."""

    class Status(models.TextChoices):
        NOMINEE = "nominee", _("nominee")
        UNDER_REVIEW = "under_review", _("under review")
        FORMAL = "formal", _("formal candidate")
        ELECTED = "elected", _("elected")
        NOT_ELECTED = "not_elected", _("not elected")
        DISQUALIFIED = "disqualified", _("disqualified")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Decision(models.TextChoices):
        QUALIFIED = "qualified", _("may stand")
        DISQUALIFIED = "disqualified", _("may not stand")

    plan = models.ForeignKey(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="candidates"
    )
    body = models.CharField(_("committee"), max_length=10, choices=SeatRule.Body.choices)
    post_sought = models.CharField(
        _("post stood for"), max_length=20, choices=Post.choices, default=Post.MEMBER
    )
    current_post = models.CharField(_("current post"), max_length=60, blank=True)
    is_incumbent = models.BooleanField(
        _("re-standing"), default=False, help_text=_("A member of the outgoing committee.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOMINEE
    )
    nominated_on = models.DateField(_("nominated on"), null=True, blank=True)
    nominated_by = models.CharField(_("nominated by"), max_length=60, blank=True)
    review_sent_on = models.DateField(_("sent to joint review on"), null=True, blank=True)
    # the Party's 候选人预备人选 are approved by the street's Party working committee (党工委)
    street_approved_on = models.DateField(
        _("approved by the street party committee on"), null=True, blank=True
    )
    # a 不宜 hit needs the office's decision, with its reason
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["id_number"])

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["plan", "body", "pk"]
        indexes = [models.Index(fields=["plan", "body", "status"], name="candidate_plan_body")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | ~Q(decision_reason=""),
                name="candidate_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        """Still in the running (not disqualified nor withdrawn)."""
        return self.status not in (self.Status.DISQUALIFIED, self.Status.WITHDRAWN)


def review_evidence_path(instance: "CriterionAnswer", filename: str) -> str:
    # never the user's file name (kept in `evidence_name`): a random one no one can guess
    return f"review/{uuid.uuid4().hex}"


class UnitReview(TimeStampedModel):
    """One member unit's joint-review answer on one candidate: due within the rule set's days."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="reviews"
    )
    unit = models.ForeignKey(
        "accounts.MemberUnit",
        verbose_name=_("member unit"),
        on_delete=models.PROTECT,
        related_name="candidate_reviews",
    )
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("feedback due on"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("joint-review feedback")
        verbose_name_plural = _("joint-review feedback")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "unit"], name="unit_review_unique"),
        ]
        indexes = [models.Index(fields=["unit", "answered_on"], name="unit_review_queue")]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.unit}"


class CriterionAnswer(models.Model):
    """A member unit's answer on one criterion of the negative list: clear, or a hit."""

    review = models.ForeignKey(
        UnitReview, verbose_name=_("feedback"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        NegativeCriterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    hit = models.BooleanField(_("applies"), default=False)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=review_evidence_path, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer on a criterion")
        verbose_name_plural = _("answers on criteria")
        ordering = ["review", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="criterion_answer_unique"),
            models.CheckConstraint(
                condition=Q(hit=False) | ~Q(note=""), name="criterion_hit_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.criterion.order}"
