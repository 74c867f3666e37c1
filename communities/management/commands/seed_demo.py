"""`manage.py seed_demo`: the fictional demo district and the demo accounts (design.md §4).

The names, reasons and display names are data, in `communities/demo_data.json`. Numbers come from
a random generator seeded per community, so every run builds the same district, and a community
added to the data file later gets the same profile whenever it is created.

Idempotent: each run only creates what is missing (streets, communities with their committees,
member units, accounts, grants) and resets the demo accounts to their role, name and password.
Existing communities are left as they are, so edits made while trying the app survive. On a
complete database a run makes a few dozen queries and writes nothing.

The demo campaign (under the default rule set; skipped while there is none) is built once, with
dates relative to the day it is built, so that the dashboard is alive at first sight: started 45
days ago, election day in 25 days, a few communities that voted already and a few that vote
later, most past steps done, a few overdue, a few breaking a time limit, public notices, survey
ledgers, seat plans, assignments with visits and 30 days of snapshots. Once it exists it is left
alone (only communities added to the data file since get a plan).
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MemberUnit, User
from accounts.services import GrantLevel, Scope, grant_assign
from communities.models import Community, District, Street
from communities.services import community_create
from election.models import Campaign, RuleSet

from ..demo_campaign import campaign_demo_build, campaign_demo_complete
from ..demo_reports import reports_demo_build
from ..seeding import DEMO_PASSWORD, committee_plan, profile_numbers, text_table, user_ensure

DATA_PATH = Path(__file__).resolve().parents[2] / "demo_data.json"
SEED = 20210101
REASON = "demo data"


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    level: GrantLevel | None = None
    # "district", "street:<index>", "community" (the one named in the data file) or None
    scope: str | None = None
    member_unit: str = ""


ACCOUNTS = [
    Account("office", User.Role.OFFICE, "manage", "district"),
    Account("street1", User.Role.STREET, "edit", "street:0"),
    Account("street2", User.Role.STREET, "edit", "street:1"),
    Account("leader1", User.Role.LEADER, "view", "community"),
    Account("police", User.Role.MEMBER_UNIT, member_unit="police"),
    Account("discipline", User.Role.DISCIPLINE, "view", "district"),
    Account("supervisor", User.Role.SUPERVISOR, "view", "district"),
]


class Command(BaseCommand):
    help = "Create or complete the demo district and the demo accounts (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
        with transaction.atomic():
            admin, _created = user_ensure(
                username="admin",
                display_name=data["accounts"]["admin"]["display_name"],
                role="",
                by=None,
                reason=REASON,
                is_superuser=True,
            )
            district = self._district(data["district"], by=admin)
            streets = self._streets(district, data["streets"], by=admin)
            self._communities(streets, data["streets"], by=admin)
            units = self._member_units(data["member_units"], by=admin)
            rows = self._accounts(data["accounts"], district, streets, units, by=admin)
            campaign_line = self._campaign(district, data["campaign"], by=admin)
        total = Community.objects.filter(street__district=district).count()
        self.stdout.write(
            _("Demo district “%(district)s”: %(streets)s streets, %(communities)s communities.")
            % {"district": district.name, "streets": len(streets), "communities": total}
        )
        self.stdout.write(campaign_line)
        # street reports for the streets of street1 and street2 only: about half a second a PDF
        reports_line = reports_demo_build(
            district=district, streets=streets[:2], today=timezone.localdate()
        )
        self.stdout.write(reports_line)
        self.stdout.write("")
        admin_row = [admin.username, _("superuser"), _("everything")]
        self.stdout.write(text_table([_("Account"), _("Role"), _("Scope")], [admin_row, *rows]))
        self.stdout.write("")
        self.stdout.write(
            _("Password of every demo account: %(password)s") % {"password": DEMO_PASSWORD}
        )

    def _district(self, spec: dict[str, str], *, by: User) -> District:
        district = District.objects.filter(code=spec["code"]).first()
        if district is None:
            district = District(name=spec["name"], code=spec["code"])
            district._history_user = by  # type: ignore[attr-defined]
            district._change_reason = REASON  # type: ignore[attr-defined]
            district.save()
        return district

    def _streets(
        self, district: District, specs: list[dict[str, Any]], *, by: User
    ) -> list[Street]:
        existing = {s.name: s for s in district.streets.all()}
        streets = []
        for spec in specs:
            street = existing.get(spec["name"])
            if street is None:
                street = Street(district=district, name=spec["name"], kind=spec["kind"])
                street._history_user = by  # type: ignore[attr-defined]
                street._change_reason = REASON  # type: ignore[attr-defined]
                street.save()
            streets.append(street)
        return streets

    def _communities(self, streets: list[Street], specs: list[dict[str, Any]], *, by: User) -> int:
        existing = set(
            Community.objects.filter(street__in=streets).values_list("street_id", "name")
        )
        created = 0
        for street, street_spec in zip(streets, specs, strict=True):
            for spec in street_spec["communities"]:
                if (street.pk, spec["name"]) in existing:
                    continue
                self._community_create(street, spec, by=by)
                created += 1
        return created

    def _community_create(self, street: Street, spec: dict[str, Any], *, by: User) -> None:
        # one generator per community: its numbers do not depend on what else exists already
        rng = random.Random(f"{SEED}/{street.name}/{spec['name']}")
        profile = {
            "name": spec["name"],
            "kind": spec["kind"],
            "is_reform_finished": spec.get("reform_finished", False),
            "track_override": spec.get("track_override", ""),
            "track_override_reason": spec.get("track_override_reason", ""),
            "is_demolition_underway": spec.get("demolition", False),
            "is_difficult": bool(spec.get("difficult")),
            "difficult_reason": spec.get("difficult", ""),
            **profile_numbers(kind=spec["kind"], rng=rng, population=spec.get("population")),
        }
        track = Community(
            kind=profile["kind"],
            is_reform_finished=profile["is_reform_finished"],
            track_override=profile["track_override"],
        ).election_track
        plan = committee_plan(population=profile["population"], track=track, rng=rng)
        community_create(street_id=street.pk, data=profile, **plan, by=by, reason=REASON)

    def _campaign(self, district: District, spec: dict[str, Any], *, by: User) -> str:
        """Build the demo campaign once; return the line that describes it (the same every run)."""
        campaign = Campaign.objects.filter(district=district, name=spec["name"]).first()
        if campaign is None:
            rules = RuleSet.objects.filter(is_default=True).order_by("code", "-version").first()
            if rules is None:
                return _("No default rule set yet: the demo campaign is skipped.")
            campaign = campaign_demo_build(
                district=district,
                rule_set=rules,
                spec=spec,
                today=timezone.localdate(),
                seed=SEED,
                by=by,
            )
        else:
            campaign_demo_complete(campaign=campaign, by=by)
        return _("Demo campaign “%(name)s” (%(rules)s): election day %(on)s, %(plans)s plans.") % {
            "name": campaign.name,
            "rules": campaign.rule_set,
            "on": campaign.election_on.isoformat(),
            "plans": campaign.plans.count(),
        }

    def _member_units(self, specs: list[dict[str, str]], *, by: User) -> dict[str, MemberUnit]:
        units = {u.code: u for u in MemberUnit.objects.filter(code__in=[s["code"] for s in specs])}
        for spec in specs:
            if spec["code"] not in units:
                unit = MemberUnit(code=spec["code"], name=spec["name"])
                unit._history_user = by  # type: ignore[attr-defined]
                unit._change_reason = REASON  # type: ignore[attr-defined]
                unit.save()
                units[unit.code] = unit
        return units

    def _accounts(
        self,
        specs: dict[str, dict[str, str]],
        district: District,
        streets: list[Street],
        units: dict[str, MemberUnit],
        *,
        by: User,
    ) -> list[list[str]]:
        """Ensure the accounts and their grants; return the rows of the summary table."""
        rows = []
        for account in ACCOUNTS:
            spec = specs[account.username]
            unit = units[account.member_unit] if account.member_unit else None
            user, _created = user_ensure(
                username=account.username,
                display_name=spec["display_name"],
                role=account.role,
                by=by,
                reason=REASON,
                member_unit=unit,
            )
            scope_text = ""
            if unit is not None:
                scope_text = _("member unit %(unit)s") % {"unit": unit.name}
            if account.level and account.scope:
                obj = self._scope(account.scope, spec, district, streets)
                grant_assign(user=user, obj=obj, level=account.level, by=by, reason="demo data")
                scope_text = self._scope_text(account.level, obj)
            rows.append([user.username, user.get_role_display(), scope_text])
        return rows

    def _scope(
        self, scope: str, spec: dict[str, str], district: District, streets: list[Street]
    ) -> Scope:
        if scope == "district":
            return district
        if scope.startswith("street:"):
            return streets[int(scope.split(":", 1)[1])]
        return Community.objects.select_related("street").get(
            street__district=district, name=spec["community"]
        )

    def _scope_text(self, level: str, obj: Scope) -> str:
        if level == "manage":
            return _("manages %(scope)s") % {"scope": obj}
        if level == "edit":
            return _("edits %(scope)s") % {"scope": obj}
        return _("views %(scope)s") % {"scope": obj}
