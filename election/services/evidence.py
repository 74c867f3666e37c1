"""Evidence files of a step: photos and PDFs, checked by their content, not their name."""

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import DomainError
from core.text import text_truncate
from core.uploads import upload_name

from ..models import Evidence, PlanStep
from .plans import stage_check_open, step_lock

# the accepted types, by content type: the extension a stored file gets
FILE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}
# ISO base-media brands of HEIC/HEIF photos (iPhones and many Android phones)
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class EvidenceError(DomainError):
    pass


def sniff_type(head: bytes) -> str | None:
    """The content type of a file from its first bytes (its "magic"), or None if not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "image/heic"
    return None


def upload_check(file: UploadedFile) -> str:
    """Check an uploaded photo or PDF: size within EVIDENCE_MAX_BYTES, and a content that really
    is one of FILE_TYPES whatever its name says. Returns the content type; raises EvidenceError.
    """
    limit = settings.EVIDENCE_MAX_BYTES
    name = text_truncate(upload_name(file))
    if not file.size:
        raise EvidenceError(_("“%(name)s” is empty.") % {"name": name})
    if file.size > limit:
        raise EvidenceError(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)}
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    content_type = sniff_type(head)
    if content_type is None:
        raise EvidenceError(
            _("“%(name)s” is not a photo (JPEG, PNG, HEIC, WebP) or a PDF.") % {"name": name}
        )
    return content_type


def download_name(original_name: str, content_type: str) -> str:
    """A safe file name for a download: no path, no odd characters, and the extension of what
    the file really is."""
    extension = FILE_TYPES.get(content_type, "")
    stem = get_valid_filename(PurePath(original_name.replace("\\", "/")).stem or "file")
    return f"{stem[:100]}{extension}"


def stored_file_name(content_type: str) -> str:
    """A fresh name for the stored copy; the user's name is only kept as `original_name`."""
    return f"{uuid4().hex}{FILE_TYPES[content_type]}"


@transaction.atomic
def evidence_add(*, step: PlanStep, file: UploadedFile, by: User) -> Evidence:
    """Attach a photo or PDF to a step.

    Raises EvidenceError for an empty, oversized (EVIDENCE_MAX_BYTES) or unaccepted file (its
    content is checked, not its name), PlanError if the step's stage is closed. The file is
    stored under MEDIA_ROOT with a fresh name; its original name, type, size and uploader are
    recorded, with history reason "evidence added". Not idempotent: each call adds a file.
    """
    content_type = upload_check(file)
    step = step_lock(step.pk)
    stage_check_open(step.stage)
    evidence = Evidence(
        step=step,
        original_name=upload_name(file),
        content_type=content_type,
        size=file.size or 0,
        uploaded_by=by,
    )
    evidence.file.save(stored_file_name(content_type), file, save=False)
    evidence._history_user = by  # type: ignore[attr-defined]
    evidence._change_reason = "evidence added"  # type: ignore[attr-defined]
    evidence.save()
    return evidence
