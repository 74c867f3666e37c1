"""Fixtures of the hostile-input tests: the election rule set and campaign, and a fixed day."""

from datetime import date

import pytest
from django.utils import timezone

from tests.election.conftest import campaign, running_campaign, small_rules

__all__ = ["campaign", "running_campaign", "small_rules"]

TODAY = date(2026, 12, 10)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY
