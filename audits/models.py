"""Departure audits and the handover, one community's outgoing committee at a time.

An **audit firm** (a third party) is engaged per community: an **engagement** of one kind (the
term and departure economic-responsibility audit of the outgoing members, the director included,
or the audit of the committee's income and spending), with its **subjects** (the outgoing
officials and their posts), its dates (engaged, fieldwork, draft and final report) and its report
file. The report's **findings** (category as data the office edits, amount, the person concerned)
open **rectification items** with an owner, a deadline and close-out evidence. The results are
**posted** on the notice board before election day: the posting is a public notice on the plan's
`audit-posting` step, so the rule set's lead time and display days are checked by the plan's
engine. After the election the outgoing committee **hands over** seals, accounts, assets,
contracts and archives within the rule set's days of the new committee's forming; a **refusal**
to hand over is an event the office sees.

Files (reports, photos, close-out evidence, inventories) are stored under generated names and
served only through the access check (see `audits.files`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communities.models import District
from core.models import Recorded, TimeStampedModel
from election.models import CommunityPlan, PublicNotice


def audit_file_path(instance: models.Model, filename: str) -> str:
    # never the user's file name (kept beside it): a random name no one can guess
    return f"audits/{uuid.uuid4().hex}"


class AuditFirm(TimeStampedModel):
    """A third-party audit firm the district engages (its data is the office's)."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="audit_firms"
    )
    name = models.CharField(_("name"), max_length=100)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    qualification = models.CharField(
        _("qualification"),
        max_length=200,
        blank=True,
        help_text=_("Licence or qualification, with its number."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit firm")
        verbose_name_plural = _("audit firms")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="audit_firm_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class FindingCategory(models.Model):
    """A category of audit findings, as the district names them (data the office edits)."""

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="finding_categories",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding category")
        verbose_name_plural = _("finding categories")
        ordering = ["district", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="finding_category_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# the categories a district starts with (demo data and a district's first visit to the
# categories page); the office renames, adds and retires them
DEFAULT_FINDING_CATEGORIES = [
    "财务管理不规范",
    "资产资源管理问题",
    "工程项目管理问题",
    "惠民资金管理问题",
    "债权债务问题",
    "其他",
]


class Engagement(Recorded):
    """One audit of one community's outgoing committee by one firm."""

    class Kind(models.TextChoices):
        DEPARTURE = "departure", _("term and departure economic-responsibility audit")
        FINANCE = "finance", _("audit of income and spending")

    class State(models.TextChoices):
        ENGAGED = "engaged", _("engaged")
        FIELDWORK = "fieldwork", _("fieldwork")
        DRAFT = "draft", _("draft report received")
        REPORTED = "reported", _("report received")
        POSTED = "posted", _("results posted")

    plan = models.ForeignKey(
        CommunityPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="audit_engagements",
    )
    firm = models.ForeignKey(
        AuditFirm,
        verbose_name=_("audit firm"),
        on_delete=models.PROTECT,
        related_name="engagements",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ENGAGED
    )
    engaged_on = models.DateField(_("engaged on"))
    fieldwork_started_on = models.DateField(_("fieldwork started on"), null=True, blank=True)
    fieldwork_ended_on = models.DateField(_("fieldwork ended on"), null=True, blank=True)
    draft_received_on = models.DateField(_("draft report received on"), null=True, blank=True)
    report_received_on = models.DateField(_("final report received on"), null=True, blank=True)
    report_file = models.FileField(_("report"), upload_to=audit_file_path, blank=True)
    report_name = models.CharField(_("report file name"), max_length=200, blank=True)
    report_type = models.CharField(_("report file type"), max_length=60, blank=True)
    amount_audited = models.DecimalField(
        _("funds audited (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit engagement")
        verbose_name_plural = _("audit engagements")
        ordering = ["plan", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="engagement_plan_kind_unique"),
            models.CheckConstraint(
                condition=Q(fieldwork_ended_on__isnull=True)
                | Q(fieldwork_started_on__isnull=False),
                name="engagement_fieldwork_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["state"], name="engagement_state")]

    def __str__(self) -> str:
        return f"{self.plan.community} · {self.get_kind_display()}"


class AuditSubject(models.Model):
    """An outgoing official whose term the audit covers, with their post."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="subjects"
    )
    name = models.CharField(_("name"), max_length=60)
    post = models.CharField(_("post"), max_length=60)
    term_started_on = models.DateField(_("term started on"), null=True, blank=True)
    term_ended_on = models.DateField(_("term ended on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audited official")
        verbose_name_plural = _("audited officials")
        ordering = ["engagement", "pk"]

    def __str__(self) -> str:
        return f"{self.name} · {self.post}"


class Finding(Recorded):
    """A problem the audit report names."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="findings"
    )
    category = models.ForeignKey(
        FindingCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    description = models.TextField(_("description"))
    amount = models.DecimalField(
        _("amount involved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    person = models.CharField(_("person concerned"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["engagement", "pk"]

    def __str__(self) -> str:
        return f"{self.category}: {self.description[:30]}"


class Rectification(Recorded):
    """What must be put right for a finding, by whom and by when; closed with evidence."""

    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    action = models.TextField(_("what must be done"))
    owner = models.CharField(_("owner"), max_length=60)
    deadline = models.DateField(_("deadline"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_note = models.TextField(_("how it was put right"), blank=True)
    evidence = models.FileField(_("close-out evidence"), upload_to=audit_file_path, blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(_("file type"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["closed_on", "deadline"], name="rectification_open")]

    def __str__(self) -> str:
        return self.action[:40]


class Posting(TimeStampedModel):
    """The audit's results posted on the notice board (居务公开栏): a public notice on the plan's
    `audit-posting` step, so that the rule set's lead time before election day and its display
    days are checked by the plan's engine."""

    engagement = models.ForeignKey(
        Engagement, verbose_name=_("audit"), on_delete=models.CASCADE, related_name="postings"
    )
    notice = models.OneToOneField(
        PublicNotice,
        verbose_name=_("public notice"),
        on_delete=models.CASCADE,
        related_name="audit_posting",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("posting of audit results")
        verbose_name_plural = _("postings of audit results")
        ordering = ["engagement", "pk"]

    def __str__(self) -> str:
        return str(self.notice)


class Handover(Recorded):
    """The outgoing committee's handover to the new one (移交), presided by the election
    committee and supervised by the street; due within the rule set's days (the plan's `handover`
    step) from the day the new committee was formed."""

    class Body(models.TextChoices):
        PARTY = "party", _("party committee")
        RESIDENTS = "residents", _("residents' (villagers') committee")

    plan = models.ForeignKey(
        CommunityPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="handovers"
    )
    body = models.CharField(
        _("committee"), max_length=10, choices=Body.choices, default=Body.RESIDENTS
    )
    formed_on = models.DateField(_("new committee formed on"))
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("handed over on"), null=True, blank=True)
    presided_by = models.CharField(_("presided by"), max_length=100, blank=True)
    supervised_by = models.CharField(_("supervised by"), max_length=100, blank=True)
    handed_by = models.CharField(_("handed over by"), max_length=100, blank=True)
    received_by = models.CharField(_("received by"), max_length=100, blank=True)
    inventory = models.FileField(_("signed inventory"), upload_to=audit_file_path, blank=True)
    inventory_name = models.CharField(_("file name"), max_length=200, blank=True)
    inventory_type = models.CharField(_("file type"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["plan", "body"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "body"], name="handover_plan_body_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.community} · {self.get_body_display()}"


class HandoverItem(models.Model):
    """One line of the handover checklist."""

    class Kind(models.TextChoices):
        SEALS = "seals", _("seals")
        ACCOUNTS = "accounts", _("accounts and vouchers")
        ASSETS = "assets", _("assets")
        CONTRACTS = "contracts", _("contracts")
        ARCHIVES = "archives", _("archives")
        OTHER = "other", _("other")

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("what"), max_length=200)
    quantity = models.CharField(_("quantity"), max_length=40, blank=True)
    is_handed_over = models.BooleanField(_("handed over"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["handover", "kind", "pk"]

    def __str__(self) -> str:
        return self.description


class HandoverRefusal(TimeStampedModel):
    """A refusal (or obstruction) of the handover, recorded by the street for the office."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="refusals"
    )
    occurred_on = models.DateField(_("occurred on"))
    person = models.CharField(_("who refused"), max_length=60)
    description = models.TextField(_("what happened"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("how it was resolved"), blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
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
        verbose_name = _("refusal to hand over")
        verbose_name_plural = _("refusals to hand over")
        ordering = ["-occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.person} · {self.occurred_on}"


from .models_imports import AuditImport  # noqa: E402,F401
