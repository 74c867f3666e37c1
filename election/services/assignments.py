"""Writes for assignments (分包): leaders and street cadres who follow a community, and their
visits. Assigning someone gives them read access to the community (a "view" grant through
`accounts.services.grant_assign`); ending the assignment takes that access away again, unless the
person holds it for another reason."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import grant_assign, grant_revoke
from communities.models import Community, CommunityUserObjectPermission
from core.exceptions import DomainError

from ..models import LeaderAssignment, Visit

# history reason of the grants an assignment gives; ending it only takes back such grants
ASSIGNMENT_REASON = "assignment"
# who may be assigned as what: leaders are district leaders, cadres are street officials
ROLE_OF_KIND = {
    LeaderAssignment.Kind.LEADER: User.Role.LEADER,
    LeaderAssignment.Kind.CADRE: User.Role.STREET,
}
VISIT_FIELDS = ["visited_on", "summary", "instructions", "follow_up", "follow_up_done_on"]


class AssignmentError(DomainError):
    pass


@transaction.atomic
def assignment_create(*, community: Community, user: User, kind: str, by: User) -> LeaderAssignment:
    """Assign `user` to follow `community` as a leader (分包) or a street cadre (包村).

    Gives the user a "view" grant on the community (history reason "assignment"). Raises
    AssignmentError for a deactivated account or a person whose role does not fit the kind (a
    leader must have the leader role, a cadre the street role). Idempotent: if the person is
    already assigned to the community, that assignment is returned and nothing is written.
    """
    if not user.is_active:
        raise AssignmentError(
            _("%(user)s is deactivated; activate the account first.") % {"user": user}
        )
    role = ROLE_OF_KIND.get(LeaderAssignment.Kind(kind))
    if user.role != role:
        raise AssignmentError(
            _("%(user)s cannot be assigned as %(kind)s: that needs the role “%(role)s”.")
            % {
                "user": user,
                "kind": LeaderAssignment.Kind(kind).label,
                "role": User.Role(role).label if role else "",
            }
        )
    # lock the community: two offices assigning the same person at once make one assignment
    Community.objects.select_for_update().filter(pk=community.pk).first()
    existing = LeaderAssignment.objects.filter(
        community=community, user=user, is_active=True
    ).first()
    if existing is not None:
        return existing
    assignment = LeaderAssignment(community=community, user=user, kind=kind, assigned_by=by)
    assignment._history_user = by  # type: ignore[attr-defined]
    assignment._change_reason = "assignment created"  # type: ignore[attr-defined]
    assignment.save()
    grant_assign(user=user, obj=community, level="view", by=by, reason=ASSIGNMENT_REASON)
    return assignment


def _access_only_from_assignment(user: User, community: Community) -> bool:
    """Whether every grant the user holds on the community was given by an assignment.

    An edit grant, or a view grant given for another reason (by the office, or with the demo
    data), is not the assignment's to take back.
    """
    rows = list(
        CommunityUserObjectPermission.objects.filter(
            user=user, content_object=community
        ).select_related("permission")
    )
    if not rows:
        return False
    for row in rows:
        if row.permission.codename != "view_community":
            return False
        history: Any = row.history
        created = history.filter(history_type="+").order_by("-history_date").first()
        if created is None or created.history_change_reason != ASSIGNMENT_REASON:
            return False
    return True


@transaction.atomic
def assignment_end(*, assignment: LeaderAssignment, by: User, reason: str = "") -> LeaderAssignment:
    """End an assignment; it stays in the history. Idempotent for an ended assignment.

    Revokes the read access the assignment gave (`grant_revoke` on the community), unless another
    active assignment of the person still covers the community, or the person holds access there
    for another reason. Raises GrantError if `by` would revoke their own grant. History reason:
    `reason`, else "assignment ended".
    """
    assignment = (
        LeaderAssignment.objects.select_for_update()
        .select_related("user", "community")
        .get(pk=assignment.pk)
    )
    if not assignment.is_active:
        return assignment
    assignment.is_active = False
    assignment._history_user = by  # type: ignore[attr-defined]
    assignment._change_reason = reason.strip() or "assignment ended"  # type: ignore[attr-defined]
    assignment.save(update_fields=["is_active", "updated_at"])
    still_needed = LeaderAssignment.objects.filter(
        community=assignment.community, user=assignment.user, is_active=True
    ).exists()
    if not still_needed and _access_only_from_assignment(assignment.user, assignment.community):
        grant_revoke(user=assignment.user, obj=assignment.community, by=by)
    return assignment


def _check_visit(visit: Visit) -> None:
    today = timezone.localdate()
    if not visit.summary.strip():
        raise AssignmentError(_("Say what was found on the visit."))
    if visit.visited_on > today:
        raise AssignmentError(_("A visit cannot be recorded for a day still to come."))
    done_on = visit.follow_up_done_on
    if done_on is None:
        return
    if not visit.follow_up.strip():
        raise AssignmentError(_("A follow-up date needs the follow-up it closes."))
    if done_on < visit.visited_on:
        raise AssignmentError(_("The follow-up cannot be done before the visit."))
    if done_on > today:
        raise AssignmentError(_("The follow-up cannot be done on a day still to come."))


@transaction.atomic
def visit_create(*, assignment: LeaderAssignment, data: Mapping[str, Any], by: User) -> Visit:
    """Record a visit to the assigned community: the day, what was found, the instructions given,
    the follow-up asked for and, if already done, when it was done.

    Raises AssignmentError for an ended assignment, a visit in the future, an empty summary, or
    a follow-up date without a follow-up, before the visit or in the future. History reason:
    "visit recorded".
    """
    assignment = LeaderAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise AssignmentError(_("This assignment has ended; visits can no longer be added."))
    visit = Visit(assignment=assignment, created_by=by)
    for field in VISIT_FIELDS:
        if field in data:
            setattr(visit, field, data[field])
    visit.summary = visit.summary.strip()
    _check_visit(visit)
    visit._history_user = by  # type: ignore[attr-defined]
    visit._change_reason = "visit recorded"  # type: ignore[attr-defined]
    visit.save()
    return visit


@transaction.atomic
def visit_follow_up_done(*, visit: Visit, on: date, by: User) -> Visit:
    """Record the day a visit's follow-up was done. Idempotent once a date is set.

    Raises AssignmentError when the visit asked for no follow-up, or `on` is before the visit or
    in the future. History reason: "follow-up done".
    """
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.follow_up_done_on is not None:
        return visit
    visit.follow_up_done_on = on
    _check_visit(visit)
    visit._history_user = by  # type: ignore[attr-defined]
    visit._change_reason = "follow-up done"  # type: ignore[attr-defined]
    visit.save(update_fields=["follow_up_done_on", "updated_at"])
    return visit
