"""The workbook as a file: what is refused before openpyxl opens it."""

import re
import zipfile
import zlib

from django.conf import settings
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .results import ImportFileError

# a workbook of 25,000 rows unpacks to well under 50 MB and compresses about 10:1
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024  # tiny parts compress oddly and are harmless
MAX_ZIP_MEMBERS = 500
# distinct texts (shared strings) of a workbook: openpyxl keeps them all in memory, about 150 bytes
# each; 25,000 communities need well under 100,000
MAX_SHARED_STRINGS = 200_000
# the start of a shared string's element, with or without a namespace prefix
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?si[\s/>]")


def not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "The file is not an Excel workbook (.xlsx). In Excel, choose “Save as” and the type "
            "“Excel Workbook (*.xlsx)”, then upload it again."
        )
    )


def workbook_check(file: File) -> None:  # type: ignore[type-arg]
    """Raise ImportFileError unless `file` is an .xlsx we are willing to hand to openpyxl.

    Checks, before anything is parsed: the size (`settings.IMPORT_MAX_BYTES`), that it is a zip
    holding a workbook, that it is no zip bomb (total unpacked size and compression ratio, read
    from the zip directory; zipfile never unpacks more than a member declares), that it holds no
    macros, and that its table of distinct texts stays small enough for memory (counted in a
    streamed read of every part, since a part's name and type are the file's to choose).
    """
    limit = settings.IMPORT_MAX_BYTES
    size = file.size or 0
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s; files up to %(limit)s are accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise not_a_workbook() from e
    finally:
        file.seek(0)
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "The workbook unpacks to more than %(limit)s and is refused as unsafe. Split the "
                "data into smaller files."
            )
            % {"limit": filesizeformat(MAX_UNPACKED_BYTES)}
        )
    for member in members:
        if (
            member.file_size >= RATIO_CHECKED_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise ImportFileError(
                _(
                    "The workbook is packed far more tightly than a normal workbook (over "
                    "%(ratio)s to 1) and is refused as unsafe."
                )
                % {"ratio": MAX_COMPRESSION_RATIO}
            )
    names = {m.filename for m in members}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise not_a_workbook()
    if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise ImportFileError(
            _(
                "The workbook contains macros. In Excel, choose “Save as” and the type “Excel "
                "Workbook (*.xlsx)”, which leaves them out, then upload it again."
            )
        )
    if _shared_string_count(file, members) > MAX_SHARED_STRINGS:
        raise ImportFileError(
            _(
                "The workbook holds more than %(limit)s different texts, far more than the "
                "communities of a district need. The file is refused: check that it holds only "
                "the template's columns, or split it into several files."
            )
            % {"limit": MAX_SHARED_STRINGS}
        )


def _shared_string_count(file: File, members: list[zipfile.ZipInfo]) -> int:  # type: ignore[type-arg]
    """How many shared-string elements the parts of the (size-checked) zip hold, read in chunks."""
    count = 0
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            for member in members:
                with archive.open(member) as part:
                    carry = b""
                    while chunk := part.read(1024 * 1024):
                        data = carry + chunk
                        # a tag (at most 35 bytes) cut by the chunk's end is counted next time
                        cut = data.rfind(b"<", max(0, len(data) - 64))
                        cut = len(data) if cut == -1 else cut
                        count += len(_SHARED_STRING_TAG.findall(data, 0, cut))
                        carry = data[cut:]
                        if count > MAX_SHARED_STRINGS:
                            return count  # enough to refuse; read no further
                    count += len(_SHARED_STRING_TAG.findall(carry + b" "))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error) as e:
        # damaged, encrypted (RuntimeError) or of an unknown compression (NotImplementedError
        # is a RuntimeError)
        raise not_a_workbook() from e
    finally:
        file.seek(0)
    return count
