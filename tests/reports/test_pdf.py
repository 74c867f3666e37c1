"""The weekly report's PDF: real text (every community name can be extracted), only the intended
CJK fonts, each embedded as a subset, on A4 pages."""

import gc
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image, ImageChops

from election.models import Campaign
from reports import fonts
from reports.exporters import report_write
from reports.exporters.pdf import gc_paused, html_to_pdf, pdf_html
from reports.selectors import report_context

# the election fixtures (a small rule set and a running campaign)
from tests.election.conftest import campaign, running_campaign, small_rules  # noqa: F401
from tests.factories import CommunityFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed"),
]

# Community names in Chinese, written as escapes (no Chinese literals in the code). The last one
# holds a character outside GB2312, printed from the full system font (the second family).
CHINESE_NAMES = ["\u4e1c\u98ce\u793e\u533a", "\u5357\u6751\u793e\u533a", "\u5803\u5c71\u793e\u533a"]


INTENDED = ("Report-Serif", "Report-Sans", "Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC")


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603


@pytest.fixture
def context(
    district: Any,
    street: Any,
    running_campaign: Campaign,  # noqa: F811 - the fixture imported above
) -> dict[str, Any]:
    for name in CHINESE_NAMES:
        CommunityFactory(street=street, name=name)
    iso = timezone.localdate().isocalendar()
    return report_context(district=district, iso_year=iso.year, iso_week=iso.week)


@pytest.fixture
def pdf(context: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    report_write(kind="pdf", context=context, path=path)
    return path


def test_pdf_is_a_pdf(pdf: Path) -> None:
    assert pdf.read_bytes().startswith(b"%PDF")


def test_pdf_text_holds_every_community_name(pdf: Path) -> None:
    text = _run("pdftotext", "-enc", "UTF-8", str(pdf), "-")

    for name in ["Riverside", "Hillside", *CHINESE_NAMES]:
        assert name in text


def test_pdf_embeds_only_the_cjk_fonts_as_subsets(pdf: Path) -> None:
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    names = [line.split()[0] for line in lines]

    assert names
    for line, name in zip(lines, names, strict=True):
        # a subset's name is "ABCDEF+PostScriptName"
        prefix, _plus, postscript = name.partition("+")
        assert len(prefix) == 6 and postscript, name
        # WeasyPrint names an embedded font after its CSS family: the subsets, or the full
        # system font for characters outside them
        assert postscript.startswith(INTENDED), name
        columns = line.split()
        # emb and sub: yes yes
        assert columns[-5:-3] == ["yes", "yes"], line
    # serif body and sans headings, from the subsets; the rare character from the full font
    assert any("+Report-Serif" in n for n in names) and any("+Report-Sans" in n for n in names)
    assert any("+Noto-Serif-CJK-SC" in n for n in names)


def test_pdf_pages_are_a4(pdf: Path) -> None:
    info = _run("pdfinfo", str(pdf))
    # the first pages are portrait A4 (595 x 842 points)
    assert "595.276 x 841.89 pts (A4)" in info or "595 x 842" in info


def test_fonts_prepare_is_idempotent() -> None:
    first = fonts.prepare()
    mtimes = {k: p.stat().st_mtime for k, p in first.items()}

    again = fonts.prepare()

    assert again == first
    assert {k: p.stat().st_mtime for k, p in again.items()} == mtimes
    # the subset holds GB2312 and ASCII, not every CJK character
    assert ord("A") in fonts.charset() and 0x5803 not in fonts.charset()


def test_pdf_has_an_outline_of_its_sections(pdf: Path) -> None:
    xml = _run("pdftohtml", "-xml", "-i", "-stdout", str(pdf))
    outline = xml[xml.index("<outline>") :]
    items = re.findall(r"<item page=\"\d+\">([^<]+)</item>", outline)

    # the title, then the numbered sections (headings become bookmarks)
    assert len(items) >= 10
    assert items[0].endswith("\u5468\u62a5")  # the title ends with "weekly report"


def _page_images(pdf: Path, stem: Path) -> list[Image.Image]:
    _run("pdftoppm", "-png", "-r", "40", str(pdf), str(stem))
    return [Image.open(p).convert("L") for p in sorted(stem.parent.glob(f"{stem.name}-*.png"))]


def test_lean_stylesheet_lays_the_report_out_as_weasyprints_own(
    context: dict[str, Any], tmp_path: Path
) -> None:
    # print_ua.css replaces WeasyPrint's HTML5 stylesheet for speed; a template element it
    # forgets would be laid out differently, and this catches it
    html = pdf_html(context)
    html_to_pdf(html, tmp_path / "lean.pdf", lambda percent: None)
    html_to_pdf(html, tmp_path / "stock.pdf", lambda percent: None, lean=False)

    lean = _page_images(tmp_path / "lean.pdf", tmp_path / "lean")
    stock = _page_images(tmp_path / "stock.pdf", tmp_path / "stock")

    assert len(lean) == len(stock) >= 2
    for page, (a, b) in enumerate(zip(lean, stock, strict=True), start=1):
        assert a.size == b.size, page
        assert ImageChops.difference(a, b).getbbox() is None, f"page {page} differs"


def test_the_collector_is_back_on_after_a_render_even_a_failed_one() -> None:
    assert gc.isenabled()

    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError

    assert gc.isenabled()


def test_a_starting_worker_loads_the_pdf_writer() -> None:
    from celery.signals import worker_process_init

    import reports.tasks  # noqa: F401 - connects the handler, as the worker's task discovery does
    from reports.exporters import pdf as pdf_module

    pdf_module._report_html_class.cache_clear()

    worker_process_init.send(sender=None)

    assert pdf_module._report_html_class.cache_info().currsize == 1


def test_a_worker_starts_even_if_the_pdf_writer_cannot_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from celery.signals import worker_process_init

    import reports.tasks  # noqa: F401 - connects the handler, as the worker's task discovery does

    def broken() -> None:
        raise fonts.FontsUnavailable("Noto Serif CJK SC Regular is not installed")

    monkeypatch.setattr("reports.exporters.pdf.pdf_preload", broken)

    worker_process_init.send(sender=None)

    assert "PDF writer not loaded" in caplog.text
