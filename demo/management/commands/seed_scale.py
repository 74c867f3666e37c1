"""`manage.py seed_scale --communities N`: one synthetic district for benchmarks (design.md §4).

The district (code "scale") gets ceil(N / 40) streets of about 40 communities each, every community
with both committees and a varied profile (`communities.demo.scale_seed`), and the accounts
`scale_office` (manages the district) and `scale_street` (edits its first street), password
`huanjie-demo` (`accounts.demo.scale_seed`).

When a default rule set exists, the district also gets a running campaign under it, with one plan
per community at a spread of stages: steps done (some late), some overdue, some breaking a time
limit, the dashboard's rollups counted and 30 days of snapshots (`election.demo.scale_seed`).

Run twice, it replaces its own district and nothing else: the previous scale district, everything
that points at it (its campaign, plans, steps, rollups and snapshots included) and the history of
all of it go first, by raw deletes in one transaction (synthetic data only). Every object still
gets its "+" history row (reason "scale data"). On PostgreSQL the rows are written with COPY, and
the plan stages and steps (about a million at 20,000 communities) are loaded without their plain
indexes and foreign keys, which are built again at the end (`core.bulk.bulk_load`): 20,000
communities with their campaign take about 35 s into an empty database, 45 s when replacing a
previous 20,000.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

import accounts.demo
import communities.demo
import election.demo
from accounts.models import User
from communities.models import District
from core.bulk import bulk_load, rows_purge


class Command(BaseCommand):
    help = "Replace the synthetic 'scale' district with N communities, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--communities", type=int, default=20000, help="number of communities")

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["communities"]
        if count < 1:
            raise CommandError(_("--communities must be at least 1."))
        started = time.perf_counter()
        # names are stored in the site's language, like names an office would type
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            by = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
            with bulk_load(election.demo.SCALE_BULK_MODELS):
                rows_purge(District, District.objects.filter(code=communities.demo.SCALE_CODE))
                district, streets = communities.demo.scale_seed(count=count, by=by)
                office, official = accounts.demo.scale_seed(
                    by=by, reason=communities.demo.SCALE_REASON
                )
                # the grants went with the previous district
                communities.demo.scale_grants(
                    office=office, official=official, district=district, street=streets[0], by=by
                )
                campaign_note = election.demo.scale_seed(district=district, by=by)
        self.stdout.write(
            _(
                "Scale district “%(district)s”: %(communities)s communities in %(streets)s "
                "streets, seeded in %(seconds).1f s."
            )
            % {
                "district": district.name,
                "communities": count,
                "streets": len(streets),
                "seconds": time.perf_counter() - started,
            }
        )
        self.stdout.write(campaign_note)
        self.stdout.write(
            _("Accounts scale_office and scale_street, password: %(password)s")
            % {"password": accounts.demo.DEMO_PASSWORD}
        )
