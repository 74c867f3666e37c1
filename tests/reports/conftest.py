"""Fixtures of the report tests: a fake content and writer for the run lifecycle, and Redis."""

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from communities.models import District
from election.models import Campaign, RuleSet
from reports import exporters, selectors

FAKE_BODY = b"%PDF-fake weekly report\n"


class FakeWriter:
    """Stands in for `reports.exporters.report_write` in the lifecycle tests: counts its calls
    and writes a small file, reporting progress like the real one."""

    def __init__(self) -> None:
        self.calls = 0
        self.before_write: Callable[[Path], None] | None = None

    def __call__(
        self,
        *,
        kind: str,
        context: dict[str, Any],
        path: Path,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.calls += 1
        if self.before_write is not None:
            self.before_write(path)
        path.write_bytes(FAKE_BODY + f"{kind} {context['week']}".encode())
        if progress is not None:
            progress(50)
            progress(100)


def fake_context(
    *, district: Any, iso_year: int, iso_week: int, street: Any = None
) -> dict[str, Any]:
    return {"district": district.name, "week": f"{iso_year}-W{iso_week:02d}", "street": street}


@pytest.fixture
def fake_writer(monkeypatch: pytest.MonkeyPatch) -> FakeWriter:
    writer = FakeWriter()
    monkeypatch.setattr(exporters, "report_write", writer)
    monkeypatch.setattr(selectors, "report_context", fake_context)
    return writer


@pytest.fixture
def running_campaign(district: District) -> Campaign:
    rules = RuleSet.objects.create(code="report-tests", version=1, name="Report test rules")
    return Campaign.objects.create(
        district=district,
        rule_set=rules,
        name="Report campaign",
        status=Campaign.Status.RUNNING,
        starts_on=date(2026, 10, 26),
        election_on=date(2027, 1, 10),
        party_election_on=date(2026, 12, 20),
    )
