"""Files of the audits (reports, photos, close-out evidence, signed inventories): checked by their
content on upload and served only through a view that has checked the user's scope.

- `file_check(upload)` accepts a photo (JPEG, PNG, HEIC, WebP) or a PDF within the evidence size
  limit, judged by the file's content, and returns its content type; else DomainError (Chinese).
- `file_store(field_file, upload, content_type)` stores it under a generated name (the model's
  `audit_file_path`); the caller keeps `upload_name(upload)` and the content type beside it.
- `file_response(field_file, name, content_type)` streams it as an attachment with a safe name
  (the extension of what the file really is) and the recorded content type, never one guessed
  from the user's name.
"""

from collections.abc import Iterator
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from election.services.evidence import FILE_TYPES, download_name, upload_check


def file_check(upload: UploadedFile) -> str:
    """The content type of an uploaded photo or PDF; raises DomainError (EvidenceError) for an
    empty, oversized or unaccepted file."""
    return upload_check(upload)


def file_store(field_file: FieldFile, upload: UploadedFile, content_type: str) -> None:
    """Store a checked upload in `field_file` under a generated name (the instance is not saved)."""
    upload.seek(0)
    field_file.save(f"upload{FILE_TYPES.get(content_type, '')}", upload, save=False)


def _chunks(file: FieldFile) -> Iterator[bytes]:
    with file.open("rb") as f:
        yield from iter(partial(f.read, 64 * 1024), b"")


def file_response(field_file: FieldFile, name: str, content_type: str) -> FileResponse:
    """Stream a stored audit file as an attachment. Call only after the access check; a record
    without a file (or whose file is gone) is a 404."""
    if not field_file or not field_file.name or not field_file.storage.exists(field_file.name):
        raise Http404
    if content_type not in FILE_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(_chunks(field_file), content_type=content_type)
    response["Content-Length"] = str(field_file.size)
    response["Content-Disposition"] = (
        content_disposition_header(True, download_name(name or "file", content_type))
        or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
