"""Who may do what in discipline and supervision. Another scope's object is a 404 (OutOfScope).

- **Reports and cases.** A report is listed to whoever may see its community (the office, the
  street's officials, the leader of the community, the discipline officers and the supervision
  team of the district) — as its number, community, category, state and outcome only. The
  reporter's identity and the report's text (`Report.IDENTITY_FIELDS`), its attachments and the
  case's entries are seen only by the officers on the case and the district's discipline leads
  (`can_see_identity`): not the office, not a superuser, not another discipline officer.
- Reports are entered and cases handled by discipline officers (role `discipline` with a grant on
  the district); the leads assign the cases.
- **Inspections** are recorded and edited (their findings and orders added) by the supervision
  team (role `supervisor`) and the office of the district (`supervision_districts`). The office,
  the discipline officers and the supervision team read every inspection of their district
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
- **Major events** are filed by a street official or a leader for a community in their scope (or
  by the office), and acknowledged by the office.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from communities.models import Community, District
from communities.permissions import OutOfScope, communities_for_user, districts_for_user

from .models import (
    Case,
    DisciplineLead,
    Inspection,
    InspectionFinding,
    JointMeeting,
    MeetingDecision,
    RectificationOrder,
    Report,
)

# the grant that makes a discipline officer or a supervisor part of a district's work
DISTRICT_PERM = "view_community"
OFFICE_PERM = "manage_campaigns"
# the grant that lets a street official close an order of one of their communities
EDIT_PERM = "change_community"


def discipline_districts(user: User) -> QuerySet[District]:
    """The districts whose reports the user enters and whose cases they may be put on: a
    discipline officer with a grant on the district."""
    if not user.is_active or user.role != User.Role.DISCIPLINE:
        return District.objects.none()
    return districts_for_user(user, perm=DISTRICT_PERM)


def lead_districts(user: User) -> QuerySet[District]:
    """The districts whose discipline work the user leads (still a discipline officer there)."""
    return discipline_districts(user).filter(
        pk__in=DisciplineLead.objects.filter(user=user).values("district_id")
    )


def reports_for_user(user: User) -> QuerySet[Report]:
    """Reports of the communities the user may see (one query; identity not implied)."""
    return Report.objects.filter(
        community__in=communities_for_user(user).values("pk")
    ).select_related("community__street", "district")


def access_report(user: User, pk: int) -> Report:
    report = reports_for_user(user).filter(pk=pk).first()
    if report is None:
        raise OutOfScope
    return report


def can_see_identity(user: User, report: Report) -> bool:
    """Whether `user` may see the reporter's identity, the report's text, its attachments and
    the case's entries: an officer on the case, or a lead of the report's district (who must
    still be a discipline officer there). Never by being a superuser or the office."""
    if not user.is_authenticated or not user.is_active or user.role != User.Role.DISCIPLINE:
        return False
    if lead_districts(user).filter(pk=report.district_id).exists():
        return True
    return (
        Case.objects.filter(report=report, officers=user).exists()
        and discipline_districts(user).filter(pk=report.district_id).exists()
    )


def identity_report_ids(user: User) -> "QuerySet[Report, Any]":
    """The reports whose identity `user` may see, as a queryset of ids (for lists)."""
    if not user.is_authenticated or not user.is_active or user.role != User.Role.DISCIPLINE:
        return Report.objects.none().values("pk")
    districts = discipline_districts(user)
    led = lead_districts(user).values("pk")
    return (
        Report.objects.filter(district__in=districts.values("pk"))
        .filter(Q(district__in=led) | Q(case__officers=user))
        .values("pk")
    )


def supervision_districts(user: User) -> QuerySet[District]:
    """The districts whose inspections the user records: the supervision team and the office."""
    if not user.is_active:
        return District.objects.none()
    if user.role == User.Role.SUPERVISOR:
        return districts_for_user(user, perm=DISTRICT_PERM)
    return districts_for_user(user, perm=OFFICE_PERM)


def office_districts(user: User) -> QuerySet[District]:
    """The districts whose joint meetings and major events the user runs (the office)."""
    return districts_for_user(user, perm=OFFICE_PERM)


def reading_districts(user: User) -> QuerySet[District]:
    """The districts whose discipline and supervision records the user reads as a whole (the
    office, the discipline officers, the supervision team)."""
    if not user.is_active:
        return District.objects.none()
    if user.is_superuser:
        return District.objects.all()
    if user.role in (User.Role.DISCIPLINE, User.Role.SUPERVISOR):
        return districts_for_user(user, perm=DISTRICT_PERM)
    return districts_for_user(user, perm=OFFICE_PERM)


def event_communities(user: User) -> QuerySet[Community]:
    """The communities for which the user may file a major event: a street official's or a
    leader's communities, and the office's."""
    if user.role not in (User.Role.STREET, User.Role.LEADER, User.Role.OFFICE) and not (
        user.is_superuser
    ):
        return Community.objects.none()
    return communities_for_user(user)


# --- reports and cases: who opens, assigns and handles them ---------------------------------


def discipline_officers(district: District) -> QuerySet[User]:
    """The active discipline officers of a district (role `discipline` with a grant on it): the
    people a case may be assigned to and a lead may be chosen from."""
    from communities.models import DistrictUserObjectPermission

    granted = DistrictUserObjectPermission.objects.filter(
        content_object=district, permission__codename=DISTRICT_PERM
    ).values("user_id")
    return User.objects.filter(is_active=True, role=User.Role.DISCIPLINE, pk__in=granted).order_by(
        "display_name", "username", "pk"
    )


def can_assign_cases(user: User, district_id: int) -> bool:
    """Whether `user` opens cases and sets their officers in the district: a lead of the
    district; while the district has no lead, any of its discipline officers (so that no report
    waits for a lead to be named — 有报必查)."""
    districts = discipline_districts(user).filter(pk=district_id)
    if not districts.exists():
        return False
    leads = DisciplineLead.objects.filter(district_id=district_id)
    return not leads.exists() or leads.filter(user=user).exists()


def access_report_identity(user: User, pk: int) -> Report:
    """A report whose identity, text, attachments and case entries `user` may see (an officer on
    its case or a lead of its district); any other report is a 404, like another scope's."""
    report = access_report(user, pk)
    if not can_see_identity(user, report):
        raise OutOfScope
    return report


def access_case(user: User, report_pk: int) -> Case:
    """The case of a report, for an officer on it or a lead (404 otherwise, or without a case)."""
    report = access_report_identity(user, report_pk)
    case = Case.objects.filter(report=report).select_related("report").first()
    if case is None:
        raise OutOfScope
    return case


def lead_list_districts(user: User) -> QuerySet[District]:
    """The districts whose discipline leads the user sets: the office (and a superuser)."""
    return office_districts(user)


# --- supervision: inspections and their findings --------------------------------------------


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


# --- supervision: rectification orders ------------------------------------------------------


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


# --- joint meetings and their decisions -----------------------------------------------------


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
