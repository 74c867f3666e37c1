"""Load rule set files: the shipped ones, or files a province sent (idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import DomainError
from election.rulesets import shipped_files
from election.services.rulesets import ruleset_load_file


class Command(BaseCommand):
    help = (
        "Load rule sets from JSON files (default: the shipped ones). A version that exists "
        "already is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="rule set JSON files")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["files"] or shipped_files()
        for path in paths:
            if not path.is_file():
                raise CommandError(f"no such file: {path}")
            try:
                rule_set, created = ruleset_load_file(path)
            except (DomainError, KeyError, ValueError) as e:
                raise CommandError(f"{path}: {e}") from e
            verb = "loaded" if created else "exists, left as it is"
            self.stdout.write(f"{rule_set.code} v{rule_set.version}: {verb}")
