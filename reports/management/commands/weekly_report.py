"""Write one weekly report without a worker (design.md §4), through the task's own writer."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from communities.models import District, Street
from core.exceptions import DomainError
from reports.services import EXTENSIONS, current_iso_week, iso_week_parse, report_export


class Command(BaseCommand):
    help = "Write one weekly report (PDF, Excel or HTML) of a district or one of its streets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", required=True, help="The district's name (or code).")
        parser.add_argument("--week", help="ISO week as YYYY-Www; default: this week.")
        parser.add_argument("--street", help="A street of the district: its report instead.")
        parser.add_argument("--format", choices=sorted(EXTENSIONS), default="pdf")
        parser.add_argument("--out", required=True, type=Path, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["district"]
        district = (
            District.objects.filter(name=name).first() or District.objects.filter(code=name).first()
        )
        if district is None:
            raise CommandError(_("No district named “%(name)s”.") % {"name": name})
        street = None
        if options["street"]:
            street = Street.objects.filter(district=district, name=options["street"]).first()
            if street is None:
                raise CommandError(
                    _("%(district)s has no street named “%(name)s”.")
                    % {"district": district.name, "name": options["street"]}
                )
        try:
            iso_year, iso_week = (
                iso_week_parse(options["week"]) if options["week"] else current_iso_week()
            )
            out: Path = options["out"].resolve()
            if not out.parent.is_dir():
                raise CommandError(
                    _("The folder of %(path)s does not exist.") % {"path": options["out"]}
                )
            written = report_export(
                district=district,
                street=street,
                iso_year=iso_year,
                iso_week=iso_week,
                kind=options["format"],
                out=out,
            )
        except DomainError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{written.path} ({written.size} B, sha256 {written.sha256})")
