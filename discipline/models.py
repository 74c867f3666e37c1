"""Discipline and supervision of the re-election (换届风气监督).

- **Publicity**: the district's discipline texts (九严禁, 十不准, 六个做到六个严禁, the
  negative list) uploaded as documents per campaign, and each community's tally of materials handed
  out, meetings and screenings held and commitments signed (`PublicityDocument`,
  `PublicityTally`).
- **Reports** (举报) come from staff (phone, letter, visit) or the public form (绿色通道), which
  needs no login and returns a receipt code. Every report is investigated (有报必查): it becomes
  a `Case` assigned to discipline officers, with a deadline from the rule set; a report with
  no case opened within the rule set's days is overdue. The case goes verify → investigate →
  conclude with an outcome (属实 / 部分属实 / 不属实) and the measures taken.
- **Confidentiality**: the reporter's name, phone and address and the report's own text
  (`Report.IDENTITY_FIELDS`, and the attachments and case entries) are seen only by the
  officers on the case and the district's discipline leads (`DisciplineLead`). They are
  never in the history tables (excluded below), the admin, exports or the weekly report.
- **Supervision**: the supervision team's weekly inspections and the half-monthly joint
  inspections (纪检, 民政, 公安), their findings, and the rectification orders with owner,
  deadline and close-out.
- **Joint meetings** of the member units, with decisions followed up.
- **Major events** (重大事件、重要信息): filed by a street official or a leader, shown to the office
  on every page until acknowledged; the time to acknowledge is recorded.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import MemberUnit
from communities.models import Community, District
from core.models import Recorded, TimeStampedModel
from election.models import Campaign, Candidate


def discipline_file_path(instance: models.Model, filename: str) -> str:
    # never the user's file name (kept beside it): a random name no one can guess
    return f"discipline/{uuid.uuid4().hex}"


class StoredFile(models.Model):
    """A file checked by its content, stored under a generated name, with the user's name and the
    content type beside it (served only through a view that has checked access)."""

    file = models.FileField(_("file"), upload_to=discipline_file_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_type = models.CharField(_("file type"), max_length=60, blank=True)

    class Meta:
        abstract = True


# --- publicity --------------------------------------------------------------------------------


class PublicityDocument(Recorded, StoredFile):
    """One of the district's discipline texts, uploaded for a campaign."""

    class Kind(models.TextChoices):
        NINE = "nine", _("nine prohibitions (九严禁)")
        TEN = "ten", _("ten don'ts (十不准)")
        SIX = "six", _("six musts and six prohibitions (六个做到、六个严禁)")
        NEGATIVE_LIST = "negative_list", _("negative list")
        OTHER = "other", _("other discipline text")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="publicity_documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discipline text")
        verbose_name_plural = _("discipline texts")
        ordering = ["campaign", "kind", "title"]

    def __str__(self) -> str:
        return self.title


class PublicityTally(Recorded):
    """What one community has done to publicise the discipline rules in one campaign (running
    totals, corrected by whoever records them)."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="publicity_tallies",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="publicity_tallies",
    )
    handbooks = models.PositiveIntegerField(_("handbooks handed out"), default=0)
    law_books = models.PositiveIntegerField(_("law books handed out"), default=0)
    posters = models.PositiveIntegerField(_("posters put up"), default=0)
    brochures = models.PositiveIntegerField(_("brochures handed out"), default=0)
    meetings = models.PositiveIntegerField(_("meetings held"), default=0)
    screenings = models.PositiveIntegerField(_("video screenings held"), default=0)
    commitments = models.PositiveIntegerField(_("commitments signed"), default=0)
    history = HistoricalRecords()

    # the counted columns, in the order the seed report gives them
    COUNTS = (
        "handbooks",
        "law_books",
        "posters",
        "brochures",
        "meetings",
        "screenings",
        "commitments",
    )

    class Meta:
        verbose_name = _("publicity tally")
        verbose_name_plural = _("publicity tallies")
        ordering = ["campaign", "community"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "community"], name="publicity_tally_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.community)


# --- reports and cases ------------------------------------------------------------------------


class DisciplineLead(models.Model):
    """A discipline officer who leads the district's discipline work: sees every report of the
    district, the reporter's identity included, and assigns the cases. Set by the office."""

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="discipline_leads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="discipline_leads",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discipline lead")
        verbose_name_plural = _("discipline leads")
        constraints = [
            models.UniqueConstraint(fields=["district", "user"], name="discipline_lead_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.user}"


class Report(Recorded):
    """A report of misconduct (举报), from staff or the public form."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        LETTER = "letter", _("letter")
        VISIT = "visit", _("visit")
        ONLINE = "online", _("public form")
        REFERRED = "referred", _("referred by another body")

    class Category(models.TextChoices):
        VOTE_BUYING = "vote_buying", _("vote-buying")
        TREATS = "treats", _("treats and gifts")
        CLAN = "clan", _("clan or gang interference")
        THREATS = "threats", _("threats")
        FORGERY = "forgery", _("forged proxies or ballots")
        RUMOURS = "rumours", _("rumours")
        ASSETS = "assets", _("sudden spending of collective assets")
        HANDOVER = "handover", _("refusing to hand over")
        RETALIATION = "retaliation", _("retaliation against a whistle-blower")
        OTHER = "other", _("other misconduct")

    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        OPEN = "open", _("under investigation")
        CONCLUDED = "concluded", _("concluded")

    # the secret part: only the officers on the case and the district's leads see these
    IDENTITY_FIELDS = ("reporter_name", "reporter_phone", "reporter_address", "text")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="reports"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discipline_reports",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="discipline_reports",
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidate concerned"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discipline_reports",
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    # the receipt code is shown once to the reporter; only its SHA-256 is kept
    receipt_digest = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    # a case must be opened by this day (the rule set's `report_case_days` from receipt)
    open_due_on = models.DateField(_("case to be opened by"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30, blank=True)
    reporter_address = models.CharField(_("reporter's address"), max_length=200, blank=True)
    text = models.TextField(_("what is reported"))
    # the public form's sender, hashed, for the flood limit (never shown)
    sender_digest = models.CharField(max_length=64, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=list(IDENTITY_FIELDS))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["district", "state"], name="report_district_state")]

    def __str__(self) -> str:
        return self.number


class ReportAttachment(TimeStampedModel, StoredFile):
    """A file sent with a report (confidential, as the report's text)."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    size = models.PositiveIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.file_name


class Case(Recorded):
    """The investigation of one report (有报必查)."""

    class Stage(models.TextChoices):
        VERIFYING = "verifying", _("verifying")
        INVESTIGATING = "investigating", _("investigating")
        CONCLUDED = "concluded", _("concluded")

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("substantiated")
        PARTLY = "partly", _("partly substantiated")
        UNFOUNDED = "unfounded", _("unfounded")

    report = models.OneToOneField(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="case"
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officers on the case"),
        related_name="discipline_cases",
    )
    opened_at = models.DateTimeField(_("opened at"))
    due_on = models.DateField(_("due on"))
    stage = models.CharField(
        _("stage"), max_length=15, choices=Stage.choices, default=Stage.VERIFYING
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, blank=True)
    # what the reporter is told with the receipt code (no identity, no evidence)
    reply = models.TextField(_("reply to the reporter"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[officers])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return str(self.report)


class CaseEntry(TimeStampedModel):
    """A step of the investigation: what was verified, investigated or decided (confidential to
    the officers on the case and the leads)."""

    class Kind(models.TextChoices):
        VERIFY = "verify", _("verification")
        INVESTIGATE = "investigate", _("investigation")
        NOTE = "note", _("note")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("case entry")
        verbose_name_plural = _("case entries")
        ordering = ["case", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()}"


# --- supervision ------------------------------------------------------------------------------


class Inspection(Recorded):
    """A round of inspections: the supervision team's weekly one, or the half-monthly joint one
    of discipline, civil affairs and police."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("weekly inspection")
        JOINT = "joint", _("joint inspection")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="inspections"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    team = models.CharField(_("team"), max_length=200, help_text=_("Who inspected."))
    units = models.ManyToManyField(
        MemberUnit, verbose_name=_("member units taking part"), blank=True, related_name="+"
    )
    communities = models.ManyToManyField(
        Community, verbose_name=_("communities visited"), related_name="inspections"
    )
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords(m2m_fields=[units, communities])

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class InspectionFinding(Recorded):
    """A problem an inspection found in one community."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="inspection_findings",
    )
    description = models.TextField(_("description"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return f"{self.community}: {self.description[:40]}"


class RectificationOrder(Recorded, StoredFile):
    """An order to put a finding right, with owner and deadline; closed with evidence (the
    `file` is the close-out evidence)."""

    finding = models.ForeignKey(
        InspectionFinding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        related_name="orders",
    )
    action = models.TextField(_("what must be done"))
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("deadline"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_out = models.TextField(_("close-out"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.action[:40]


# --- joint meetings ---------------------------------------------------------------------------


class JointMeeting(Recorded, StoredFile):
    """A joint meeting of the member units (联席会议); `file` holds the signed minutes, if any."""

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="joint_meetings",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="joint_meetings",
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("subject"), max_length=200)
    units = models.ManyToManyField(
        MemberUnit, verbose_name=_("member units present"), related_name="+"
    )
    minutes = models.TextField(_("minutes"), blank=True)
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class MeetingDecision(Recorded):
    """A decision of a joint meeting, with its owner and deadline, followed up until done."""

    meeting = models.ForeignKey(
        JointMeeting,
        verbose_name=_("joint meeting"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    text = models.TextField(_("decision"))
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("deadline"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


# --- major events -----------------------------------------------------------------------------


class MajorEvent(Recorded):
    """A major event or important information (重大事件、重要信息), reported at once and
    acknowledged by the office."""

    class Severity(models.TextChoices):
        INFO = "info", _("important information")
        SERIOUS = "serious", _("serious")
        CRITICAL = "critical", _("critical")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="major_events"
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="major_events",
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handling = models.TextField(_("handling"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("major event")
        verbose_name_plural = _("major events")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["district", "acknowledged_at"], name="major_event_open"),
        ]

    def __str__(self) -> str:
        return self.title
