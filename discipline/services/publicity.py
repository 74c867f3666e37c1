"""Publicity of the discipline rules: the district's discipline texts (九严禁, 十不准, 六个做到、
六个严禁, the negative list) uploaded per campaign, and each community's tally of materials handed
out, meetings and screenings held and commitments signed.

Each write runs in one transaction and records the history with the user and a reason; a tally's
edit is checked against the version the user saw (version 0: no tally yet).
"""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from core.exceptions import ConflictError, DomainError
from core.locking import save_changes
from core.text import text_clean
from election.models import Campaign

from ..models import PublicityDocument, PublicityTally
from .files import file_attach, file_check


class PublicityError(DomainError):
    pass


def _stale() -> ConflictError:
    return ConflictError(
        _(
            "Someone else saved this tally while you were editing it, so your changes were not "
            "saved. The form now shows the current values."
        )
    )


def _counts(data: dict[str, Any]) -> dict[str, int]:
    # the portable range of the column (PostgreSQL's), also on SQLite
    _low, high = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"]
    counts = {}
    for name in PublicityTally.COUNTS:
        value = data.get(name)
        if value is None or value == "":
            value = 0
        if isinstance(value, bool) or not isinstance(value, int):
            raise PublicityError(_("Every count is a whole number."))
        if value < 0:
            raise PublicityError(_("A count cannot be negative."))
        if high is not None and value > high:
            raise PublicityError(_("A count is too large."))
        counts[name] = value
    return counts


@transaction.atomic
def tally_save(
    *,
    campaign: Campaign,
    community: Community,
    version: int,
    counts: dict[str, Any],
    by: User,
) -> PublicityTally:
    """Save `community`'s tally for `campaign` from a form seen at `version` (0: there was no
    tally yet). The caller has checked the user may edit the community.

    Raises PublicityError (in Chinese) for a negative or non-whole count, ConflictError if
    someone saved the tally since. Saving the same counts changes nothing. History reasons
    "tally recorded" (new) and "tally edited".
    """
    values = _counts(counts)
    tally = (
        PublicityTally.objects.select_for_update()
        .filter(campaign=campaign, community=community)
        .first()
    )
    if tally is None:
        if version != 0:
            raise _stale()
        tally = PublicityTally(campaign=campaign, community=community, created_by=by, **values)
        tally._history_user = by  # type: ignore[attr-defined]
        tally._change_reason = "tally recorded"  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                tally.save()
        except IntegrityError:
            # someone recorded the first tally at the same moment
            raise _stale() from None
        return tally
    if tally.version != version:
        raise _stale()
    save_changes(tally, values, by=by, reason="tally edited")
    return tally


@transaction.atomic
def document_add(
    *,
    campaign: Campaign,
    kind: str,
    title: str,
    summary: str,
    upload: UploadedFile,
    by: User,
) -> PublicityDocument:
    """Upload one of the district's discipline texts for `campaign` (the caller has checked the
    user is its district's office).

    Raises PublicityError for an unknown kind or a missing title, DomainError (from the files
    service) for a file that is not a photo or PDF within the size limit. History reason
    "discipline text uploaded".
    """
    if kind not in PublicityDocument.Kind.values:
        raise PublicityError(_("Choose the kind of text from the list."))
    title = text_clean(title or "")
    if not title:
        raise PublicityError(_("Give the text a title."))
    if len(title) > 200:
        raise PublicityError(_("Keep the title within 200 characters."))
    content_type = file_check(upload)
    document = PublicityDocument(
        campaign=campaign,
        kind=kind,
        title=title,
        summary=text_clean(summary or ""),
        created_by=by,
    )
    file_attach(document, upload, content_type)
    document._history_user = by  # type: ignore[attr-defined]
    document._change_reason = "discipline text uploaded"  # type: ignore[attr-defined]
    document.save()
    return document


@transaction.atomic
def document_delete(*, document: PublicityDocument, by: User) -> None:
    """Delete a discipline text (the caller has checked the user is its district's office); its
    file is removed once the deletion is committed. The history keeps the record of it. History
    reason "discipline text deleted"."""
    document = PublicityDocument.objects.select_for_update().get(pk=document.pk)
    file = document.file
    name = file.name if file else ""
    document._history_user = by  # type: ignore[attr-defined]
    document._change_reason = "discipline text deleted"  # type: ignore[attr-defined]
    document.delete()
    if name:
        storage = file.storage
        transaction.on_commit(lambda: storage.delete(name))
