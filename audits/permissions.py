"""Access to audits and handovers. A community's audits and handover are seen by whoever may see
its plan and written by whoever may edit it (the office, the street's officials); the audit firms
and the finding categories are the office's (the district's managers). Another street's object
is a 404 (OutOfScope), never a 403."""

from django.db.models import QuerySet

from accounts.models import User
from communities.models import District
from communities.permissions import OutOfScope, districts_for_user
from election.permissions import plans_for_user

from .models import (
    AuditFirm,
    Engagement,
    Finding,
    FindingCategory,
    Handover,
    Posting,
    Rectification,
)


def engagements_for_user(user: User, *, perm: str = "view_community") -> QuerySet[Engagement]:
    """Audits of the plans the user may `perm` (one query, the scope as a subquery)."""
    return Engagement.objects.filter(
        plan__in=plans_for_user(user, perm=perm).values("pk")
    ).select_related("plan__community__street", "plan__campaign", "firm")


def access_engagement(user: User, pk: int, *, perm: str = "view_community") -> Engagement:
    engagement = engagements_for_user(user, perm=perm).filter(pk=pk).first()
    if engagement is None:
        raise OutOfScope
    return engagement


def access_finding(user: User, pk: int, *, perm: str = "view_community") -> Finding:
    finding = (
        Finding.objects.filter(
            pk=pk, engagement__in=engagements_for_user(user, perm=perm).values("pk")
        )
        .select_related("engagement__plan__community__street", "category")
        .first()
    )
    if finding is None:
        raise OutOfScope
    return finding


def access_rectification(user: User, pk: int, *, perm: str = "view_community") -> Rectification:
    item = (
        Rectification.objects.filter(
            pk=pk, finding__engagement__in=engagements_for_user(user, perm=perm).values("pk")
        )
        .select_related("finding__engagement__plan__community__street")
        .first()
    )
    if item is None:
        raise OutOfScope
    return item


def access_posting(user: User, pk: int, *, perm: str = "view_community") -> Posting:
    posting = (
        Posting.objects.filter(
            pk=pk, engagement__in=engagements_for_user(user, perm=perm).values("pk")
        )
        .select_related("engagement__plan__community__street", "notice")
        .first()
    )
    if posting is None:
        raise OutOfScope
    return posting


def handovers_for_user(user: User, *, perm: str = "view_community") -> QuerySet[Handover]:
    return Handover.objects.filter(
        plan__in=plans_for_user(user, perm=perm).values("pk")
    ).select_related("plan__community__street", "plan__campaign")


def access_handover(user: User, pk: int, *, perm: str = "view_community") -> Handover:
    handover = handovers_for_user(user, perm=perm).filter(pk=pk).first()
    if handover is None:
        raise OutOfScope
    return handover


def audit_districts(user: User) -> QuerySet[District]:
    """The districts whose audit firms and finding categories the user manages (the office)."""
    return districts_for_user(user, perm="manage_campaigns")


def firms_for_user(user: User) -> QuerySet[AuditFirm]:
    return AuditFirm.objects.filter(district__in=audit_districts(user).values("pk"))


def access_firm(user: User, pk: int) -> AuditFirm:
    firm = firms_for_user(user).filter(pk=pk).first()
    if firm is None:
        raise OutOfScope
    return firm


def categories_for_user(user: User) -> QuerySet[FindingCategory]:
    return FindingCategory.objects.filter(district__in=audit_districts(user).values("pk"))
