"""`manage.py seed_demo`: the fictional demo district and the demo accounts (design.md §4).

Each app keeps its own demo data beside its code and builds it in one function, called here from
the bottom of the house up: `accounts.demo` (the superuser, member units and demo accounts),
`communities.demo` (the district 示范区, its streets and communities, and the accounts' grants),
`election.demo` (the demo campaign), `audits.demo` (its audits and handovers), `discipline.demo`
(publicity, reports and cases, inspections, a joint meeting, major events) and `reports.demo`
(the archive). An app added later brings its own `demo.py` and one call here.

Idempotent: each run only creates what is missing and resets the demo accounts to their role,
name and password. Existing communities are left as they are, so edits made while trying the app
survive. On a complete database a run makes a few dozen queries and writes nothing.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import accounts.demo
import audits.demo
import communities.demo
import discipline.demo
import election.demo
import reports.demo
from communities.models import Community

from ...output import text_table


class Command(BaseCommand):
    help = "Create or complete the demo district and the demo accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        with transaction.atomic():
            people = accounts.demo.demo_seed()
            admin = people.admin
            site = communities.demo.demo_seed(users=people.users, by=admin)
            campaign_line = election.demo.demo_seed(district=site.district, today=today, by=admin)
            audits_line = audits.demo.demo_seed(district=site.district, today=today, by=admin)
            discipline_line = discipline.demo.demo_seed(
                district=site.district, today=today, by=admin
            )
        district = site.district
        total = Community.objects.filter(street__district=district).count()
        self.stdout.write(
            _("Demo district “%(district)s”: %(streets)s streets, %(communities)s communities.")
            % {"district": district.name, "streets": len(site.streets), "communities": total}
        )
        self.stdout.write(campaign_line)
        self.stdout.write(audits_line)
        self.stdout.write(discipline_line)
        # street reports for the streets of street1 and street2 only: about half a second a PDF
        self.stdout.write(
            reports.demo.demo_seed(district=district, streets=site.streets[:2], today=today)
        )
        self.stdout.write("")
        rows = [[admin.username, _("superuser"), _("everything")]]
        for username, user in people.users.items():
            scope = site.notes.get(username) or people.notes.get(username, "")
            rows.append([user.username, user.get_role_display(), scope])
        self.stdout.write(text_table([_("Account"), _("Role"), _("Scope")], rows))
        self.stdout.write("")
        self.stdout.write(
            _("Password of every demo account: %(password)s")
            % {"password": accounts.demo.DEMO_PASSWORD}
        )
