"""Who may read and write the inspections, their findings, the rectification orders and the joint
meetings. Another scope's object is a 404 (OutOfScope).

- **Inspections** are recorded and edited (their findings and orders added) by the supervision
  team and the office of the district (`supervision_districts`). The office, the discipline
  officers and the supervision team read every inspection of their district
  (`reading_districts`).
- A **street official** or a **leader** reads the inspections that visited one of their
  communities, but only the findings and orders of their own communities (not the inspection's
  summary, which may speak of others), and the orders list shows only those.
- A **rectification order** is closed by whoever records inspections in its district, or by an
  editor of its community (the street's officials: the owner of an order is usually the street or
  the community, and it is the street that puts it right and holds the evidence). Leaders and
  discipline officers read it only.
- **Joint meetings** and their decisions are recorded by the office; the office, the discipline
  officers and the supervision team read them.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from communities.models import Community
from communities.permissions import OutOfScope, communities_for_user

from .models import Inspection, InspectionFinding, JointMeeting, MeetingDecision, RectificationOrder
from .permissions import office_districts, reading_districts, supervision_districts

EDIT_PERM = "change_community"


def community_scope(user: User) -> QuerySet[Community]:
    """The communities whose findings and orders the user sees (for the office, the discipline
    officers and the supervision team: every community of their district)."""
    return communities_for_user(user)


def inspections_for_user(user: User) -> QuerySet[Inspection]:
    """Inspections of the districts the user reads as a whole, and those that visited one of the
    user's communities (one query, no duplicates)."""
    if not user.is_active:
        return Inspection.objects.none()
    visited = Inspection.communities.through.objects.filter(
        inspection_id=OuterRef("pk"), community__in=community_scope(user).values("pk")
    )
    return Inspection.objects.filter(
        Q(district__in=reading_districts(user).values("pk")) | Q(Exists(visited))
    )


def reads_whole(user: User, inspection: Inspection) -> bool:
    """Whether the user reads the whole inspection (its summary, every finding)."""
    return reading_districts(user).filter(pk=inspection.district_id).exists()


def access_inspection(user: User, pk: int, *, write: bool = False) -> Inspection:
    """An inspection the user may read, or record findings and edit (`write`); else 404."""
    if write:
        qs = Inspection.objects.filter(district__in=supervision_districts(user).values("pk"))
    else:
        qs = inspections_for_user(user)
    inspection = qs.select_related("district", "campaign").filter(pk=pk).first()
    if inspection is None:
        raise OutOfScope
    return inspection


def can_record_inspections(user: User) -> bool:
    return supervision_districts(user).exists()


def can_write_inspection(user: User, inspection: Inspection) -> bool:
    return supervision_districts(user).filter(pk=inspection.district_id).exists()


def findings_for_user(user: User) -> QuerySet[InspectionFinding]:
    return InspectionFinding.objects.filter(community__in=community_scope(user).values("pk"))


def access_finding(user: User, pk: int) -> InspectionFinding:
    """A finding whose inspection the user records (to open an order from it); else 404."""
    finding = (
        InspectionFinding.objects.filter(
            inspection__district__in=supervision_districts(user).values("pk")
        )
        .select_related("inspection", "community__street")
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise OutOfScope
    return finding


def orders_for_user(user: User) -> QuerySet[RectificationOrder]:
    """The rectification orders of the user's communities (one query)."""
    return RectificationOrder.objects.filter(
        finding__community__in=community_scope(user).values("pk")
    )


def _closing_q(user: User) -> Q:
    return Q(finding__inspection__district__in=supervision_districts(user).values("pk")) | Q(
        finding__community__in=communities_for_user(user, perm=EDIT_PERM).values("pk")
    )


def access_order(user: User, pk: int, *, close: bool = False) -> RectificationOrder:
    """A rectification order the user may read, or close (`close`); else 404."""
    qs = orders_for_user(user)
    if close:
        qs = qs.filter(_closing_q(user))
    order = (
        qs.select_related("finding__inspection", "finding__community__street").filter(pk=pk).first()
    )
    if order is None:
        raise OutOfScope
    return order


def can_close_order(user: User, order: RectificationOrder) -> bool:
    return RectificationOrder.objects.filter(_closing_q(user), pk=order.pk).exists()


def meetings_for_user(user: User) -> QuerySet[JointMeeting]:
    return JointMeeting.objects.filter(district__in=reading_districts(user).values("pk"))


def access_meeting(user: User, pk: int, *, write: bool = False) -> JointMeeting:
    """A joint meeting the user may read, or edit (`write`: the office); else 404."""
    if write:
        qs = JointMeeting.objects.filter(district__in=office_districts(user).values("pk"))
    else:
        qs = meetings_for_user(user)
    meeting = qs.select_related("district").filter(pk=pk).first()
    if meeting is None:
        raise OutOfScope
    return meeting


def can_record_meetings(user: User) -> bool:
    return office_districts(user).exists()


def can_write_meeting(user: User, meeting: JointMeeting) -> bool:
    return office_districts(user).filter(pk=meeting.district_id).exists()


def access_decision(user: User, pk: int) -> MeetingDecision:
    """A meeting decision the user may follow up (the office of its district); else 404."""
    decision = (
        MeetingDecision.objects.filter(meeting__district__in=office_districts(user).values("pk"))
        .select_related("meeting")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise OutOfScope
    return decision
