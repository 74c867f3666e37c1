"""Build the report's subset fonts once (reports/fonts.py); `make run` and `make test` call it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports import fonts


class Command(BaseCommand):
    help = "Cut the system Noto CJK fonts to the report's character set (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild existing subsets too.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = fonts.prepare(force=options["force"])
        for key, path in paths.items():
            self.stdout.write(f"{key}: {path} ({path.stat().st_size // 1024} KiB)")
