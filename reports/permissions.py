"""Who sees which report run. Asks the scope rule in `communities.permissions`.

A district's own report needs a view grant on the district (office, discipline, supervision); a
street's report needs a view grant on that street or its district (its officials, and the district's
readers). Anything else is a 404 (OutOfScope).
"""

from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import User
from communities.models import District, Street
from communities.permissions import OutOfScope, districts_for_user, streets_for_user

from .models import ReportFile, ReportRun

VIEW = "view_community"


def runs_for_user(user: User) -> QuerySet[ReportRun]:
    """The runs the user may see and download (one query; the grants are subqueries)."""
    districts = districts_for_user(user, perm=VIEW).values("pk")
    streets = streets_for_user(user, perm=VIEW).values("pk")
    return ReportRun.objects.filter(
        Q(street__isnull=True, district__in=districts) | Q(street__in=streets)
    ).select_related("district", "street")


def access_run(user: User, pk: int) -> ReportRun:
    run = runs_for_user(user).filter(pk=pk).select_related("file").first()
    if run is None:
        raise OutOfScope
    return run


def access_report_file(user: User, pk: UUID) -> ReportFile:
    """A finished run's file, after the same check as its run, or Http404."""
    report_file = (
        ReportFile.objects.filter(pk=pk, run__in=runs_for_user(user).values("pk"))
        .select_related("run__district", "run__street")
        .first()
    )
    if report_file is None:
        raise OutOfScope
    return report_file


def report_districts_for_user(user: User) -> QuerySet[District]:
    """Districts whose own report the user may ask for."""
    return districts_for_user(user, perm=VIEW).order_by("name")


def report_streets_for_user(user: User) -> QuerySet[Street]:
    """Streets whose report the user may ask for."""
    return streets_for_user(user, perm=VIEW).order_by("district__name", "name")


def access_report_scope(
    user: User, *, district_id: int | None, street_id: int | None
) -> tuple[District, Street | None]:
    """The district (and street) of a report the user asks for, or Http404."""
    if street_id is not None:
        street = report_streets_for_user(user).filter(pk=street_id).first()
        if street is None:
            raise OutOfScope
        return street.district, street
    district = (
        report_districts_for_user(user).filter(pk=district_id).first() if district_id else None
    )
    if district is None:
        raise OutOfScope
    return district, None
