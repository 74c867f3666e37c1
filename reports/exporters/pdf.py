"""The weekly report as an A4 PDF (WeasyPrint), with the prepared subset fonts.

The print CSS names the CJK families on `html` and on the page's margin boxes (otherwise the page
numbers fall back to another font) and loads the subsets of reports/fonts.py, which keeps the
per-document font subsetting of WeasyPrint fast.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports import fonts

TEMPLATE = "reports/pdf/weekly_report.html"

_PLACEHOLDER = re.compile(r"\x00(page|pages)\x00")


def css_string(text: str) -> str:
    """A CSS string literal of `text` (quotes, backslashes, newlines and <> escaped)."""
    return '"' + re.sub(r'[\\"\n\r<>]', lambda m: f"\\{ord(m.group()):x} ", text) + '"'


def page_numbers_css() -> str:
    """The `content` value of the page numbers ("Page 3 of 12", as translated)."""
    text = _("Page %(page)s of %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    parts = []
    for i, piece in enumerate(_PLACEHOLDER.split(text)):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


# whitespace between tags: WeasyPrint would make (and lay out) a box of each run of it
_BETWEEN_TAGS = re.compile(r">\s+<")


def pdf_html(context: dict[str, Any], *, subsets: bool = True) -> str:
    """The HTML of the PDF. Without `subsets`, the CSS names the full system fonts only (the
    benchmark's stock case)."""
    head = context.get("title") or ""
    html = render_to_string(
        TEMPLATE,
        {
            **context,
            "font_css": fonts.font_face_css() if subsets else "",
            "fonts": fonts.font_stacks(subsets=subsets),
            "running_head": css_string(str(head)),
            "page_numbers": page_numbers_css(),
        },
    )
    return _BETWEEN_TAGS.sub("><", html)


def html_to_pdf(html: str, path: Path, progress: Callable[[int], None]) -> None:
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.STATIC_ROOT)).render()
    progress(70)
    document.write_pdf(path)


def pdf_write(context: dict[str, Any], path: Path, progress: Callable[[int], None]) -> None:
    html = pdf_html(context)
    progress(20)
    html_to_pdf(html, path, progress)
