from io import BytesIO

from django.core.files.base import ContentFile
from openpyxl import Workbook

from communities.import_columns import COLUMNS
from communities.models import CommunityImport
from tests.url_matrix import (
    OK,
    Case,
    community_pk,
    editors_of_community,
    everyone,
    in_scope_of_community,
    office_only,
)


def committee(world):  # type: ignore[no-untyped-def]
    return {"pk": world.community.pk, "committee_pk": world.community.committees.first().pk}


def office_import(world):  # type: ignore[no-untyped-def]
    book = Workbook()
    book.worksheets[0].append([c.key for c in COLUMNS])
    out = BytesIO()
    book.save(out)
    community_import = CommunityImport.objects.create(
        district=world.district,
        uploaded_by=world.users["office"],
        file=ContentFile(out.getvalue(), name="communities.xlsx"),
    )
    return {"token": community_import.pk}


ENTRIES = {
    "communities:community-list": Case(expect=everyone(OK)),
    "communities:community-detail": Case(kwargs=community_pk, expect=in_scope_of_community(OK)),
    "communities:community-history": Case(kwargs=community_pk, expect=in_scope_of_community(OK)),
    "communities:community-edit": Case(kwargs=community_pk, expect=editors_of_community(OK)),
    "communities:committee-edit": Case(kwargs=committee, expect=editors_of_community(OK)),
    "communities:community-export": Case(expect=everyone(OK)),
    "communities:import-upload": Case(expect=office_only(OK)),
    "communities:import-template": Case(expect=office_only(OK)),
    # the office's own upload: only they (and a superuser) may open it
    "communities:import-preview": Case(kwargs=office_import, expect=office_only(OK)),
    # the state of that upload's check or import, polled by its page
    "communities:import-status": Case(kwargs=office_import, expect=office_only(OK)),
}
