"""Receiving a report (举报), from staff or the public form.

`report_receive` is the one way a report enters the system: it numbers it, makes its receipt
code (shown once; only its SHA-256 is kept), stores its checked attachments and records it in the
history — the identity fields are not in the history table — all in one transaction. The
reporter later looks the report up with `report_for_receipt`.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from core.exceptions import DomainError
from election.models import Campaign, Candidate, RuleSet

from ..models import Report, ReportAttachment
from .files import file_attach, file_check

# no 0/O, 1/I/L: a code read out over the phone is not misheard
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12
MAX_ATTACHMENTS = 5
# without a running campaign (and so a rule set), a case is due this many days after receipt
DEFAULT_CASE_DAYS = RuleSet._meta.get_field("report_case_days").default


class ReportError(DomainError):
    pass


@dataclass
class Received:
    report: Report
    receipt_code: str  # shown to the reporter once, never stored


def receipt_code_new() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def receipt_digest(code: str) -> str:
    """The stored form of a receipt code: spaces, dashes and case do not matter."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def _number_next(year: int) -> str:
    prefix = f"JB{year}-"
    last = (
        Report.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:05d}"


def report_receive(
    *,
    community: Community,
    channel: str,
    category: str,
    text: str,
    anonymous: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_address: str = "",
    candidate: Candidate | None = None,
    attachments: list[UploadedFile] | None = None,
    received_at: datetime | None = None,
    by: User | None = None,
    sender_digest: str = "",
) -> Received:
    """Record a report and return it with its receipt code. Raises ReportError (in Chinese) for
    an attachment that is not a photo or PDF within the size limit, for too many attachments, or
    for a candidate of another community. Anonymous reports keep no name, phone or address."""
    files = attachments or []
    if len(files) > MAX_ATTACHMENTS:
        raise ReportError(
            _("At most %(count)s files may be attached to a report.") % {"count": MAX_ATTACHMENTS}
        )
    types = [file_check(upload) for upload in files]
    if candidate is not None and candidate.plan.community_id != community.pk:
        raise ReportError(_("The candidate concerned does not stand in this community."))
    if channel not in Report.Channel.values or category not in Report.Category.values:
        raise ReportError(_("Choose the channel and the category from the list."))
    if not text.strip():
        raise ReportError(_("Say what is being reported."))
    if anonymous:
        reporter_name = reporter_phone = reporter_address = ""
    district = community.street.district
    campaign = (
        Campaign.objects.filter(district=district, status=Campaign.Status.RUNNING)
        .select_related("rule_set")
        .order_by("-pk")
        .first()
    )
    received_at = received_at or timezone.now()
    days = campaign.rule_set.report_case_days if campaign is not None else DEFAULT_CASE_DAYS
    open_due_on = timezone.localdate(received_at) + timedelta(days=days)
    for _attempt in range(5):
        code = receipt_code_new()
        report = Report(
            district=district,
            campaign=campaign,
            community=community,
            candidate=candidate,
            number=_number_next(timezone.localtime(received_at).year),
            receipt_digest=receipt_digest(code),
            channel=channel,
            category=category,
            received_at=received_at,
            open_due_on=open_due_on,
            anonymous=anonymous,
            reporter_name=reporter_name.strip(),
            reporter_phone=reporter_phone.strip(),
            reporter_address=reporter_address.strip(),
            text=text.strip(),
            sender_digest=sender_digest,
            created_by=by,
        )
        report._history_user = by  # type: ignore[attr-defined]
        report._change_reason = "report received"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                report.save()
                for upload, content_type in zip(files, types, strict=True):
                    attachment = ReportAttachment(report=report, size=upload.size or 0)
                    file_attach(attachment, upload, content_type)
                    attachment.save()
        except IntegrityError:
            # two reports took the same number at once: take the next one
            continue
        return Received(report=report, receipt_code=code)
    raise ReportError(_("The report could not be numbered; please send it again."))


def report_for_receipt(code: str) -> Report | None:
    """The report a receipt code belongs to, with its case, or None."""
    if not code or len(code) > 40:
        return None
    return (
        Report.objects.select_related("case", "community")
        .filter(receipt_digest=receipt_digest(code))
        .first()
    )
