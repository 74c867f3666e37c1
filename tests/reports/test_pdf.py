"""The weekly report's PDF: real text (every community name can be extracted), only the intended
CJK fonts, each embedded as a subset, on A4 pages."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from election.models import Campaign
from reports import fonts
from reports.exporters import report_write
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
def pdf(
    district: Any,
    street: Any,
    running_campaign: Campaign,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> Path:
    for name in CHINESE_NAMES:
        CommunityFactory(street=street, name=name)
    iso = timezone.localdate().isocalendar()
    ctx = report_context(district=district, iso_year=iso.year, iso_week=iso.week)
    path = tmp_path / "report.pdf"
    report_write(kind="pdf", context=ctx, path=path)
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
