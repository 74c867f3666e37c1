"""The rule sets shipped with the product, as JSON data files (one rule set version per file).

`national-2018.json` is the national law's default; `province-7day.json` is a province's stricter
version (final candidate list 7 days before E, handover within 7 days). The data migration and
the `load_rule_sets` command load them through `election.services.rulesets.ruleset_load`.
"""

from pathlib import Path

RULESET_DIR = Path(__file__).resolve().parent


def shipped_files() -> list[Path]:
    """The shipped rule set files, in name order."""
    return sorted(RULESET_DIR.glob("*.json"))
