"""Files of discipline and supervision (report attachments, discipline texts, close-out evidence,
signed minutes): checked by their content on upload, stored under generated names, served only
through a view that has checked access. The same rules as the evidence of the plans (a photo or a
PDF within `EVIDENCE_MAX_BYTES`, judged by its content, never by its name)."""

from collections.abc import Iterator
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from core.uploads import upload_name
from election.services.evidence import FILE_TYPES, download_name, upload_check

from ..models import StoredFile

# the fields file_attach sets, for the caller's `update_fields`
FILE_FIELDS = ("file", "file_name", "file_type")


def file_check(upload: UploadedFile) -> str:
    """The content type of an uploaded photo or PDF; raises DomainError (in Chinese) for an
    empty, oversized or unaccepted file."""
    return upload_check(upload)


def file_attach(record: StoredFile, upload: UploadedFile, content_type: str) -> None:
    """Store a checked upload on `record` (its `file`, `file_name`, `file_type`) under a
    generated name; the caller saves the record."""
    upload.seek(0)
    record.file.save(f"upload{FILE_TYPES.get(content_type, '')}", upload, save=False)
    record.file_name = upload_name(upload)[:200]
    record.file_type = content_type


def _chunks(file: FieldFile) -> Iterator[bytes]:
    with file.open("rb") as f:
        yield from iter(partial(f.read, 64 * 1024), b"")


def file_response(record: StoredFile) -> FileResponse:
    """Stream a stored file as an attachment with a safe name and the recorded content type.
    Call only after the access check; a record without a file (or whose file is gone) is a 404."""
    field_file = record.file
    if not field_file or not field_file.name or not field_file.storage.exists(field_file.name):
        raise Http404
    content_type = record.file_type if record.file_type in FILE_TYPES else None
    response = FileResponse(
        _chunks(field_file), content_type=content_type or "application/octet-stream"
    )
    response["Content-Length"] = str(field_file.size)
    response["Content-Disposition"] = (
        content_disposition_header(
            True, download_name(record.file_name or "file", content_type or "")
        )
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
