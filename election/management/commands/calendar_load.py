from typing import Any

from django.core.management.base import BaseCommand

from election.services.calendar import calendar_load


class Command(BaseCommand):
    help = (
        "Add China's public holidays and swapped working days from the chinese_calendar "
        "package to the calendar (days already there, corrected or not, are kept)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        added = calendar_load()
        self.stdout.write(f"{added} calendar days added.")
