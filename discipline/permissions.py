"""Who may do what in discipline and supervision. Another scope's object is a 404 (OutOfScope).

- **Reports and cases.** A report is listed to whoever may see its community (the office, the
  street's officials, the leader of the community, the discipline officers and the supervision
  team of the district) — as its number, community, category, state and outcome only. The
  reporter's identity and the report's text (`Report.IDENTITY_FIELDS`), its attachments and the
  case's entries are seen only by the officers on the case and the district's discipline leads
  (`can_see_identity`): not the office, not a superuser, not another discipline officer.
- Reports are entered and cases handled by discipline officers (role `discipline` with a grant on
  the district); the leads assign the cases.
- **Supervision.** Inspections are recorded by the supervision team (role `supervisor`) and the
  office of the district; everyone with the district in scope reads them.
- **Joint meetings** are recorded by the office.
- **Major events** are filed by a street official or a leader for a community in their scope (or
  by the office), and acknowledged by the office.
"""

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from communities.models import Community, District
from communities.permissions import OutOfScope, communities_for_user, districts_for_user

from .models import Case, DisciplineLead, Report

# the grant that makes a discipline officer or a supervisor part of a district's work
DISTRICT_PERM = "view_community"
OFFICE_PERM = "manage_campaigns"


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
