"""Reads for the negative-list pages: every list with its counts per tier, one list's criteria
with the name of the member unit that checks each, and the campaigns that picked a list."""

from django.db.models import Count, Q, QuerySet

from accounts.models import MemberUnit

from ..models import Campaign, NegativeCriterion, NegativeList

Tier = NegativeCriterion.Tier


def negative_list_list() -> QuerySet[NegativeList]:
    """Every list version, newest version of each code first, annotated with `cannot_count`,
    `unsuitable_count` and `campaigns_count` (one query)."""
    return NegativeList.objects.annotate(
        cannot_count=Count("criteria", filter=Q(criteria__tier=Tier.CANNOT), distinct=True),
        unsuitable_count=Count("criteria", filter=Q(criteria__tier=Tier.UNSUITABLE), distinct=True),
        campaigns_count=Count("campaigns", distinct=True),
    ).order_by("code", "-version")


def negative_list_criteria(negative_list: NegativeList) -> list[NegativeCriterion]:
    """The list's criteria in order, each with `unit_name`: the name of the member unit whose
    code it names, or the code itself when no such unit exists (two queries)."""
    criteria = list(NegativeCriterion.objects.filter(negative_list=negative_list).order_by("order"))
    codes = {c.unit_code for c in criteria if c.unit_code}
    names = dict(MemberUnit.objects.filter(code__in=codes).values_list("code", "name"))
    for criterion in criteria:
        criterion.unit_name = names.get(criterion.unit_code, criterion.unit_code)  # type: ignore[attr-defined]
    return criteria


def negative_list_campaigns(negative_list: NegativeList) -> QuerySet[Campaign]:
    """The campaigns that vet against the list, with their district."""
    return negative_list.campaigns.select_related("district").order_by("-starts_on", "pk")
