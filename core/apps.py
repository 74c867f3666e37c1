from django.apps import AppConfig

# The largest header Django's multipart parser reads for one part of an upload (its
# Content-Disposition with the file name). Django's 1,024 bytes refuse a file named with 330
# Chinese characters before any form sees it; 16 KiB lets a name of a thousand characters (even
# percent-encoded) reach the upload form, which refuses it with a field error
# (core.uploads.UploadField). Still small: the parser reads one part header at a time.
MULTIPART_HEADER_MAX_BYTES = 16 * 1024


class CoreConfig(AppConfig):
    name = "core"

    def ready(self) -> None:
        from django.http import multipartparser

        # a module constant, read on every parse (django-stubs do not declare it); a test
        # uploads a 1,000-character name to every upload form
        current = multipartparser.MAX_TOTAL_HEADER_SIZE  # type: ignore[attr-defined]
        multipartparser.MAX_TOTAL_HEADER_SIZE = max(  # type: ignore[attr-defined]
            current, MULTIPART_HEADER_MAX_BYTES
        )
