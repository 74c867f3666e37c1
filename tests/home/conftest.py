"""The election app's rule set and campaign fixtures, for the home pages' tests."""

from tests.election.conftest import campaign, running_campaign, small_rules

__all__ = ["campaign", "running_campaign", "small_rules"]
