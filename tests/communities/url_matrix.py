from tests.url_matrix import (
    NOT_FOUND,
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


ENTRIES = {
    "communities:community-list": Case(expect=everyone(OK)),
    "communities:community-detail": Case(kwargs=community_pk, expect=in_scope_of_community(OK)),
    "communities:community-history": Case(kwargs=community_pk, expect=in_scope_of_community(OK)),
    "communities:community-edit": Case(kwargs=community_pk, expect=editors_of_community(OK)),
    "communities:committee-edit": Case(kwargs=committee, expect=editors_of_community(OK)),
    # filled in with the Excel import and export
    "communities:community-export": Case(expect=everyone(NOT_FOUND)),
    "communities:import-upload": Case(expect=everyone(NOT_FOUND)),
    "communities:import-template": Case(expect=everyone(NOT_FOUND)),
    "communities:import-preview": Case(
        kwargs=lambda w: {"token": "00000000-0000-0000-0000-000000000000"},
        expect=everyone(NOT_FOUND),
    ),
}
