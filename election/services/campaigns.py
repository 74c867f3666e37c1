"""Writes for campaigns: create one, edit it, ask for it to start, and create its plans in a
worker.

Starting a campaign of a district with thousands of communities takes a while, so the office's
request only flips the campaign to running (the database then refuses a second running campaign in
the district) and enqueues `campaign_start_task`, which creates the plans with
`services.plans.campaign_start` once the request has committed.
"""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import District
from core.exceptions import DomainError
from core.tasks import enqueue_on_commit
from core.text import text_clean

from ..models import Campaign, NegativeList, RuleSet
from .negative_lists import campaign_review_started
from .periods import ruleset_check_in_force
from .plans import campaign_start, plans_mark_stale


class CampaignError(DomainError):
    pass


def _check_dates(*, starts_on: date, party_election_on: date, election_on: date) -> None:
    if election_on <= starts_on:
        raise CampaignError(_("Election day must come after the campaign's start."))
    if party_election_on >= election_on:
        raise CampaignError(
            _("The party organisation's election must come before the default election day.")
        )
    if party_election_on < starts_on:
        raise CampaignError(_("The party organisation's election cannot come before the start."))


@transaction.atomic
def campaign_create(
    *,
    district: District,
    rule_set: RuleSet,
    name: str,
    starts_on: date,
    election_on: date,
    party_election_on: date,
    by: User,
    negative_list: NegativeList | None = None,
) -> Campaign:
    """Create a draft campaign of `district` under `rule_set`, vetting candidates against
    `negative_list` (may be chosen later).

    Raises CampaignError for an empty name, for election day E not after the start, or for the
    Party election not before E (or before the start); RuleSetPeriodError when the rule set does
    not govern elections on E (its effective period). Nothing is planned until it starts.
    History reason: "campaign created".
    """
    name = text_clean(name)
    if not name:
        raise CampaignError(_("Give the campaign a name."))
    _check_dates(starts_on=starts_on, party_election_on=party_election_on, election_on=election_on)
    ruleset_check_in_force(rule_set=rule_set, day=election_on)
    campaign = Campaign(
        district=district,
        rule_set=rule_set,
        negative_list=negative_list,
        name=name,
        starts_on=starts_on,
        election_on=election_on,
        party_election_on=party_election_on,
    )
    campaign._history_user = by  # type: ignore[attr-defined]
    campaign._change_reason = "campaign created"  # type: ignore[attr-defined]
    campaign.save()
    return campaign


CAMPAIGN_EDITABLE = [
    "rule_set",
    "negative_list",
    "name",
    "starts_on",
    "party_election_on",
    "election_on",
]


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, data: dict[str, Any], by: User, reason: str = ""
) -> Campaign:
    """Change a campaign's name, period (start, default Party election and election days), rule
    set or negative list; `data` holds any of CAMPAIGN_EDITABLE.

    Locks the campaign. Raises CampaignError for a closed campaign, an empty name, dates out of
    order (as `campaign_create`), a new rule set once the campaign runs (its plans were made
    from the old one), or a new negative list once a candidate of the campaign has been sent to
    the joint review (`campaign_review_started`); RuleSetPeriodError when the rule set does not
    govern elections on the default election day. The plans' own election days do not move.
    When a running campaign's start moves, the steps due from the start move too: its plans are
    marked for recomputing (`plans_refresh_stale`, enqueued on commit; a plan's page recomputes
    it when opened first).
    Idempotent: unchanged data saves nothing. History reason: `reason`, else "campaign edited".
    """
    from ..tasks import plans_refresh_stale_task

    campaign = Campaign.objects.select_for_update().select_related("rule_set").get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise CampaignError(_("“%(name)s” is closed.") % {"name": campaign.name})
    new = {f: data.get(f, getattr(campaign, f)) for f in CAMPAIGN_EDITABLE}
    new["name"] = text_clean(new["name"])
    if not new["name"]:
        raise CampaignError(_("Give the campaign a name."))
    _check_dates(
        starts_on=new["starts_on"],
        party_election_on=new["party_election_on"],
        election_on=new["election_on"],
    )
    changed = [f for f in CAMPAIGN_EDITABLE if new[f] != getattr(campaign, f)]
    if not changed:
        return campaign
    if "rule_set" in changed and campaign.status != Campaign.Status.DRAFT:
        raise CampaignError(
            _(
                "The rules of a running campaign cannot change: its plans were made from them. "
                "Create a new campaign under the other rules."
            )
        )
    if "negative_list" in changed and campaign_review_started(campaign):
        raise CampaignError(
            _(
                "The negative list of this campaign cannot change: its candidates have been sent "
                "to the joint review, and the member units answer that list's criteria."
            )
        )
    ruleset_check_in_force(rule_set=new["rule_set"], day=new["election_on"])
    for f in changed:
        setattr(campaign, f, new[f])
    campaign._history_user = by  # type: ignore[attr-defined]
    campaign._change_reason = reason.strip() or "campaign edited"  # type: ignore[attr-defined]
    campaign.save(update_fields=[*changed, "updated_at"])
    if "starts_on" in changed and plans_mark_stale(campaign=campaign):
        enqueue_on_commit(plans_refresh_stale_task)
    return campaign


@transaction.atomic
def campaign_start_request(*, campaign: Campaign, by: User) -> Campaign:
    """Mark the campaign running and have a worker create its plans once this commits.

    Raises CampaignError for a closed campaign, or while another campaign of the district is
    running. Safe to call again on a running campaign: it enqueues the start once more, which only
    adds plans for communities that have none (new communities, or a start that failed half way).
    History reason: "campaign started".
    """
    from ..tasks import campaign_start_task

    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise CampaignError(_("“%(name)s” is closed.") % {"name": campaign.name})
    if campaign.status == Campaign.Status.DRAFT:
        others = Campaign.objects.filter(district_id=campaign.district_id).exclude(pk=campaign.pk)
        running = others.filter(status=Campaign.Status.RUNNING).first()
        if running is not None:
            raise CampaignError(
                _("“%(running)s” is still running in this district; close it first.")
                % {"running": running.name}
            )
        campaign.status = Campaign.Status.RUNNING
        campaign.started_at = timezone.now()
        campaign.started_by = by
        campaign._history_user = by  # type: ignore[attr-defined]
        campaign._change_reason = "campaign started"  # type: ignore[attr-defined]
        try:
            # another campaign of the district may have started since the check (two offices at
            # once): the database refuses the second, and the savepoint keeps this transaction
            with transaction.atomic():
                campaign.save(update_fields=["status", "started_at", "started_by", "updated_at"])
        except IntegrityError as e:
            raise CampaignError(
                _("Another campaign of this district has just started; close it first.")
            ) from e
    enqueue_on_commit(campaign_start_task, campaign_id=campaign.pk, user_id=by.pk)
    return campaign


def campaign_plans_create(*, campaign_id: int, user_id: int | None) -> int:
    """Create the plans of a running campaign (the worker's half of starting it).

    Idempotent: communities that already have a plan are skipped. A campaign closed meanwhile, or
    one that no longer exists, is left alone (returns 0): that is an outcome, not an error to retry.
    Returns the number of plans created.
    """
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status == Campaign.Status.CLOSED:
        return 0
    by = User.objects.filter(pk=user_id).first() if user_id else None
    return campaign_start(campaign=campaign, by=by)
