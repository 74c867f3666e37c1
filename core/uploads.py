"""Uploaded files: the one form field every upload uses, and the name kept of an upload.

Every upload form (the community import, a step's evidence, a notice's photo, and any added later)
takes its file through `UploadField`, so the same refusals read the same everywhere: no file
chosen, an empty file, a name longer than `UPLOAD_NAME_MAX`. What the content must be is each
upload's own check (a workbook, a photo or PDF).

Stored files are never named after the client's name: each upload stores its file under a name
of its own (a UUID), and keeps `upload_name(file)` only as a label to show.

A request whose multipart body Django cannot read (a part header past Django's limit, a broken
body) never reaches a form: `UnreadableUploadMiddleware` (core.middleware) answers it with a page
in the user's language instead of Django's bare English 400.
"""

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files import File
from django.utils.translation import gettext_lazy as _

from core.text import text_clean, text_truncate

# the longest file name accepted, in characters; Windows and Linux file systems allow 255
UPLOAD_NAME_MAX = 200


def upload_name(file: File) -> str:  # type: ignore[type-arg]
    """The name to keep and show of an uploaded file: its last path part, without invisible or
    direction-changing characters, at most UPLOAD_NAME_MAX characters."""
    name = PurePath((file.name or "").replace("\\", "/")).name
    return text_clean(name)[:UPLOAD_NAME_MAX]


class UploadField(forms.FileField):
    """A file field that refuses, with a message in the user's language, a missing file, an empty
    file and a name longer than UPLOAD_NAME_MAX characters."""

    default_error_messages = {
        "required": _("Choose a file to upload."),
        "invalid": _("The file could not be read; choose it again."),
        "missing": _("The file could not be read; choose it again."),
        "empty": _("The file “%(name)s” is empty (0 bytes); choose the right file and upload it."),
        "max_length": _(
            "The file name is longer than %(max)s characters; rename the file and upload it again."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", UPLOAD_NAME_MAX)
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> Any:
        if data in self.empty_values:
            return None
        name, size = getattr(data, "name", None), getattr(data, "size", None)
        if name is None or size is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not text_clean(str(name)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if self.max_length is not None and len(name) > self.max_length:
            raise forms.ValidationError(
                self.error_messages["max_length"],
                code="max_length",
                params={"max": self.max_length},
            )
        if not size:
            raise forms.ValidationError(
                self.error_messages["empty"], code="empty", params={"name": text_truncate(name)}
            )
        return data
