"""The weekly report reads: no table runs past the page's margin, even with a demo-sized district
and very long names; numbers carry thousands separators and percentages read "48%"; the stage
chart has one bar per stage, in the procedure's order, labelled with the stage's name."""

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from accounts.models import User
from communities.models import District, Street
from election.models import Campaign, PlanStep, RuleSet, StageTemplate
from election.services.plans import campaign_start
from reports.exporters import report_write
from reports.exporters.pdf import html_to_pdf, pdf_html
from reports.selectors import report_context
from tests.factories import CommunityFactory, StreetFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]

MM = 72 / 25.4  # points per millimetre
# the @page margins of templates/reports/pdf/weekly_report.html (left and right: 17 mm)
SIDE_MARGIN = 17 * MM
TOLERANCE = 1.0  # points: a glyph's box may touch the margin

# long names, written as escapes (no Chinese literals in the code): a street of 20 characters,
# a community of 40, and a Latin name of 60 letters without a space to break at
LONG_STREET = "\u4e1c\u6e56" * 10
LONG_COMMUNITY = "\u5357\u6751\u65b0\u533a\u7b2c\u4e00\u5c45\u6c11\u59d4\u5458" * 4
LATIN_COMMUNITY = "Riverside" * 6 + "Garden"
LONG_REASON = "Voter list posted 12 days before election day, 20 required; " * 6


@pytest.fixture
def demo_sized(district: District, admin_user: User) -> Campaign:
    """Six streets of ten communities (one street and two communities with very long names)
    under the shipped national rules, started, with red and overdue steps."""
    rules = RuleSet.objects.get(code="national-2026", version=1)
    streets = [StreetFactory(district=district, name=LONG_STREET)] + [
        StreetFactory(district=district, name=f"Street {i}") for i in range(2, 7)
    ]
    for i, street in enumerate(streets):
        for j in range(10):
            name = f"Community {i}-{j}"
            if (i, j) == (0, 0):
                name = LONG_COMMUNITY
            elif (i, j) == (1, 0):
                name = LATIN_COMMUNITY
            CommunityFactory(street=street, name=name, population=12345 + i * 1000 + j)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="2026",
        starts_on=today - timedelta(days=40),
        election_on=today + timedelta(days=60),
        party_election_on=today + timedelta(days=40),
    )
    campaign_start(campaign=campaign, by=admin_user)
    steps = PlanStep.objects.filter(plan__campaign=campaign).order_by("pk")
    ids = list(steps.values_list("pk", flat=True))
    PlanStep.objects.filter(pk__in=ids[::3]).update(
        status=PlanStep.Status.DONE, done_on=today - timedelta(days=2)
    )
    PlanStep.objects.filter(pk__in=ids[1::7]).update(
        status=PlanStep.Status.IN_PROGRESS, due_on=today - timedelta(days=5)
    )
    PlanStep.objects.filter(pk__in=ids[2:60:5]).update(is_red=True, red_reason=LONG_REASON)
    campaign.refresh_from_db()
    return campaign


def _context(district: District, street: Street | None = None) -> dict[str, Any]:
    iso = timezone.localdate().isocalendar()
    return report_context(district=district, iso_year=iso.year, iso_week=iso.week, street=street)


def _pages(pdf: Path) -> list[tuple[float, list[tuple[str, float, float]]]]:
    """Each page's width and its words with their left and right edges (pdftotext -bbox)."""
    xhtml = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdftotext", "-bbox", str(pdf), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    root = ElementTree.fromstring(xhtml)  # noqa: S314 - poppler's output of our own PDF
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in root.iterfind(".//x:page", ns):
        words = [
            (w.text or "", float(w.attrib["xMin"]), float(w.attrib["xMax"]))
            for w in page.iterfind("x:word", ns)
        ]
        pages.append((float(page.attrib["width"]), words))
    return pages


def _outside(pages: list[tuple[float, list[tuple[str, float, float]]]]) -> list[str]:
    out = []
    for number, (width, words) in enumerate(pages, start=1):
        for text, x_min, x_max in words:
            if x_min < SIDE_MARGIN - TOLERANCE or x_max > width - SIDE_MARGIN + TOLERANCE:
                out.append(
                    f"page {number}: {text!r} from {x_min:.0f} to {x_max:.0f} of {width:.0f}"
                )
    return out


def test_no_text_of_the_pdf_runs_past_the_margin(
    district: District, demo_sized: Campaign, tmp_path: Path
) -> None:
    path = tmp_path / "report.pdf"
    report_write(kind="pdf", context=_context(district), path=path)

    pages = _pages(path)

    assert len(pages) >= 3
    # portrait and landscape pages both
    assert len({round(width) for width, _words in pages}) == 2
    words = [text for _width, page in pages for text, _a, _b in page]
    assert words
    assert _outside(pages) == []


def test_the_margin_check_catches_a_table_too_wide(
    district: District, demo_sized: Campaign, tmp_path: Path
) -> None:
    # the check itself: a fixed-width cell wider than the page is reported
    html = pdf_html(_context(district)).replace(
        '<table class="grid">', '<table class="grid" style="width: 260mm">', 1
    )
    path = tmp_path / "wide.pdf"
    html_to_pdf(html, path, lambda percent: None)

    assert _outside(_pages(path))


def test_a_streets_report_stays_within_the_margin(
    district: District, demo_sized: Campaign, tmp_path: Path
) -> None:
    street = Street.objects.get(name=LONG_STREET)
    path = tmp_path / "street.pdf"
    report_write(kind="pdf", context=_context(district, street), path=path)

    assert _outside(_pages(path)) == []


def test_numbers_carry_thousands_separators_and_percentages_read_the_chinese_way(
    district: District, demo_sized: Campaign
) -> None:
    ctx = _context(district)
    html = pdf_html(ctx)

    headline = ctx["headline"]
    assert headline["steps_total"] >= 1000
    assert f"{headline['steps_total']:,}" in html
    assert f"({headline['pct_done']}%)" in html
    assert re.search(rf">\s*{headline['steps_total']}\b", html) is None
    # no "48 %" with a space
    assert re.search(r"\d %", html) is None


def test_the_stage_chart_has_a_bar_per_stage_in_the_procedures_order(
    district: District, demo_sized: Campaign
) -> None:
    ctx = _context(district)
    html = pdf_html(ctx)

    chart = html[html.index('<table class="bars">') :]
    chart = chart[: chart.index("</table>")]
    labels = re.findall(r"<th>([^<]+)</th>", chart)
    widths = [int(w) for w in re.findall(r'class="bar" style="width: (\d+)%"', chart)]
    stages = list(
        StageTemplate.objects.filter(rule_set=demo_sized.rule_set)
        .order_by("order")
        .values_list("title", flat=True)
    )
    assert labels == stages
    assert len(widths) == len(stages)
    per_stage = ctx["matrix"]["per_stage"]
    assert widths == [s["plans_completed"] * 100 // s["plans_total"] for s in per_stage]
