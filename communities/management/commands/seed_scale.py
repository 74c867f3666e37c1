"""`manage.py seed_scale --communities N`: one synthetic district for benchmarks (design.md §4).

The district (code "scale") gets ceil(N / 40) streets of about 40 communities each, every community
with both committees and a varied profile, and the accounts `scale_office` (manages the district)
and `scale_street` (edits its first street), password `huanjie-demo`.

When a default rule set exists, the district also gets a running campaign under it, with one plan
per community at a spread of stages: steps done (some late), some overdue, some breaking a time
limit, the dashboard's rollups counted and 30 days of snapshots (see `scale_campaign_seed`).

Run twice, it replaces its own district and nothing else: the previous scale district, everything
that points at it (its campaign, plans, steps, rollups and snapshots included) and the history of
all of it go first, by raw deletes in one transaction (synthetic data only). Every object still
gets its "+" history row (reason "scale data"). On PostgreSQL the rows are written with COPY, and
the plan stages and steps (about a million at 20,000 communities) are loaded without their plain
indexes and foreign keys, which are built again at the end (`bulk_load`): 20,000 communities with
their campaign take about 35 s into an empty database, 45 s when replacing a previous 20,000.
"""

import math
import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.services import grant_assign
from communities.models import Committee, Community, District, Street
from communities.services import PROFILE_FIELDS
from election.models import PlanStage, PlanStep

from ..scale_campaign import bulk_load, rows_insert, scale_campaign_seed
from ..seeding import DEMO_PASSWORD, committee_plan, profile_numbers, rows_purge, user_ensure

COMMUNITY_COLUMNS = ["street_id", *PROFILE_FIELDS]

CODE = "scale"
PER_STREET = 40
SEED = 20000
REASON = "scale data"
BATCH = 1000


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
            # the campaign's stages and steps: about a million rows each way at 20,000
            with bulk_load([PlanStage, PlanStep]):
                rows_purge(District, District.objects.filter(code=CODE))
                district, streets = self._hierarchy(count, by=by)
                communities = self._communities(streets, count, by=by)
                self._committees(communities, by=by)
                self._accounts(district, streets[0], by=by)
                campaign_note = scale_campaign_seed(
                    district=district, by=by, rng=random.Random(SEED + 2)
                )
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
            % {"password": DEMO_PASSWORD}
        )

    def _hierarchy(self, count: int, *, by: User | None) -> tuple[District, list[Street]]:
        district = District(name=_("Scale test district"), code=CODE)
        district._history_user = by  # type: ignore[attr-defined]
        district._change_reason = REASON  # type: ignore[attr-defined]
        district.save()
        streets = [
            Street(
                district=district,
                name=_("Scale street %(number)s") % {"number": f"{i + 1:03d}"},
                kind=Street.Kind.TOWNSHIP if i % 7 == 6 else Street.Kind.STREET,
            )
            for i in range(math.ceil(count / PER_STREET))
        ]
        streets = bulk_create_with_history(
            streets, Street, batch_size=BATCH, default_user=by, default_change_reason=REASON
        )
        return district, streets

    def _communities(
        self, streets: list[Street], count: int, *, by: User | None
    ) -> list[Community]:
        rng = random.Random(SEED)
        communities = []
        for number in range(count):
            # deal the communities out evenly: every street gets N // S or one more
            street = streets[number % len(streets)]
            kind = Community.Kind.VILLAGE_CONVERTED if rng.random() < 0.4 else Community.Kind.CITY
            village = kind == Community.Kind.VILLAGE_CONVERTED
            community = Community(
                street=street,
                name=_("Scale community %(number)s") % {"number": f"{number + 1:05d}"},
                kind=kind,
                is_reform_finished=village and rng.random() < 0.05,
                is_demolition_underway=village and rng.random() < 0.2,
                **profile_numbers(kind=kind, rng=rng, population=self._population(rng)),
            )
            if rng.random() < 0.04:
                community.is_difficult = True
                community.difficult_reason = _("Synthetic difficult community for benchmarks")
            if rng.random() < 0.005:
                derived = community.derived_track
                community.track_override = (
                    Community.Track.RESIDENTS
                    if derived == Community.Track.VILLAGE
                    else Community.Track.VILLAGE
                )
                community.track_override_reason = _("Synthetic override for benchmarks")
            communities.append(community)
        # COPY on PostgreSQL (with the history rows), bulk_create_with_history elsewhere
        ids = rows_insert(
            Community,
            COMMUNITY_COLUMNS,
            [tuple(getattr(c, f) for f in COMMUNITY_COLUMNS) for c in communities],
            by=by,
            reason=REASON,
        )
        for community, pk in zip(communities, ids, strict=True):
            community.pk = pk
        return communities

    def _population(self, rng: random.Random) -> int | None:
        # a few very large communities, like the largest one of the seed report
        return rng.randrange(30000, 60000, 10) if rng.random() < 0.01 else None

    def _committees(self, communities: list[Community], *, by: User | None) -> None:
        rng = random.Random(SEED + 1)
        rows: list[tuple[Any, ...]] = []
        for community in communities:
            plan = committee_plan(
                population=community.population or 0, track=community.election_track, rng=rng
            )
            rows.append(
                (community.pk, Committee.Kind.PARTY, plan["party_type"], plan["party_seats"])
            )
            rows.append((community.pk, Committee.Kind.RESIDENTS, "", plan["residents_seats"]))
        rows_insert(
            Committee, ["community_id", "kind", "party_type", "seats"], rows, by=by, reason=REASON
        )

    def _accounts(self, district: District, first_street: Street, *, by: User | None) -> None:
        office, _created = user_ensure(
            username="scale_office",
            display_name=_("Scale office"),
            role=User.Role.OFFICE,
            by=by,
            reason=REASON,
        )
        street, _created = user_ensure(
            username="scale_street",
            display_name=_("Scale street official"),
            role=User.Role.STREET,
            by=by,
            reason=REASON,
        )
        # the grants went with the previous district; `by` may be None on a database without admin
        grant_assign(user=office, obj=district, level="manage", by=by, reason="scale data")
        grant_assign(user=street, obj=first_street, level="edit", by=by, reason="scale data")
