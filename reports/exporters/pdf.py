"""The weekly report as an A4 PDF (WeasyPrint), with the prepared subset fonts.

The print CSS names the CJK families on `html` and on the page's margin boxes (otherwise the page
numbers fall back to another font) and loads the subsets of reports/fonts.py, which keeps the
per-document font subsetting of WeasyPrint fast.

Two more things make a long report quick (BENCHMARKS.md has the figures): the document is styled
with a lean user-agent stylesheet (print_ua.css) instead of WeasyPrint's HTML5 one, and Python's
cyclic garbage collector is paused while WeasyPrint lays out and writes the pages.
"""

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from io import BytesIO
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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block.

    WeasyPrint allocates a few hundred thousand small objects for a report (boxes, styles, text
    lines), nearly all alive until the PDF is written, and the collector would walk them again
    and again as they pile up: about a third of the time of a 500-community report. Reference
    counting still frees what is dropped; the cycles left over are collected once, afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def _report_html_class() -> Any:
    """WeasyPrint's HTML document, styled with print_ua.css instead of its HTML5 stylesheet."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(Path(__file__).with_name("print_ua.css")))

    class ReportHTML(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [stylesheet]

    return ReportHTML


def pdf_preload() -> None:
    """Load what a worker's first report would otherwise pay for, as the worker starts
    (reports/tasks.py): import WeasyPrint (about half a second), read the print stylesheet, build
    the subset fonts if they are missing, and write the report's title page to nowhere, which
    compiles the template and loads the fonts and the parts WeasyPrint builds on first use."""
    html = pdf_html({"campaign": None})
    with gc_paused():
        _report_html_class()(string=html, base_url=str(settings.STATIC_ROOT)).write_pdf(BytesIO())


def html_to_pdf(
    html: str, path: Path, progress: Callable[[int], None], *, lean: bool = True
) -> None:
    """Write `html` to `path` as a PDF. Without `lean`, WeasyPrint runs as installed: its own
    HTML5 user-agent stylesheet, the collector left on (the benchmark's stock case)."""
    from weasyprint import HTML

    if not lean:
        document = HTML(string=html, base_url=str(settings.STATIC_ROOT)).render()
        progress(70)
        document.write_pdf(path)
        return

    with gc_paused():
        document = _report_html_class()(string=html, base_url=str(settings.STATIC_ROOT)).render()
        progress(70)
        document.write_pdf(path)
        del document
    # what the render left in reference cycles (about 200,000 objects for 500 communities) was
    # all allocated while the collector was paused, so it is all in the youngest generation
    gc.collect(0)


def pdf_write(context: dict[str, Any], path: Path, progress: Callable[[int], None]) -> None:
    html = pdf_html(context)
    progress(20)
    html_to_pdf(html, path, progress)
