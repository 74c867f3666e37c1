"""`manage.py weekly_report` (design.md §4): one report without a worker, the task's writer."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communities.models import District, Street
from election.models import Campaign
from reports.models import ReportRun
from tests.reports.conftest import FakeWriter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "html"])
def test_command_writes_each_format_without_a_run(
    district: District, fake_writer: FakeWriter, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"report.{kind}"
    stdout = StringIO()

    call_command(
        "weekly_report", "--district", district.name, "--week", "2026-W48", "--format", kind,
        "--out", str(out), stdout=stdout,
    )  # fmt: skip

    assert out.read_bytes().endswith(f"{kind} 2026-W48".encode())
    assert "sha256" in stdout.getvalue()
    # only the file: no temporary file beside it, no run in the archive
    assert list(tmp_path.iterdir()) == [out]
    assert not ReportRun.objects.exists()


def test_command_writes_a_streets_report_of_the_current_week_by_default(
    district: District, street: Street, fake_writer: FakeWriter, tmp_path: Path
) -> None:
    from django.utils import timezone

    out = tmp_path / "street.pdf"
    call_command(
        "weekly_report", "--district", district.name, "--street", street.name, "--out", str(out)
    )

    year, week, _day = timezone.localdate().isocalendar()
    assert out.read_bytes().endswith(f"pdf {year}-W{week:02d}".encode())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--district", "Nowhere"], "Nowhere"),
        (["--district", "Demo District", "--street", "No Street"], "No Street"),
        (["--district", "Demo District", "--week", "2026-48"], "2026-48"),
        (["--district", "Demo District", "--week", "2026-W54"], "54"),
    ],
)
def test_command_refuses_unknown_names_and_bad_weeks(
    district: District, fake_writer: FakeWriter, tmp_path: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("weekly_report", *args, "--out", str(tmp_path / "x.pdf"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("kind", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK"), ("html", b"<")])
def test_command_writes_each_format_with_the_real_writer(
    running_campaign: Campaign, street: Street, tmp_path: Path, kind: str, magic: bytes
) -> None:
    out = tmp_path / f"report.{kind}"

    call_command(
        "weekly_report", "--district", running_campaign.district.name, "--week", "2026-W48",
        "--format", kind, "--out", str(out),
    )  # fmt: skip

    assert out.read_bytes().lstrip()[: len(magic)] == magic
