from tests.election import matrix_campaigns as mc
from tests.election import matrix_objects as plans
from tests.election.matrix_candidates import CANDIDATE_ENTRIES
from tests.election.matrix_dashboard import dashboard_campaign
from tests.election.matrix_imports import IMPORT_ENTRIES
from tests.election.matrix_negative_lists import NEGATIVE_LIST_ENTRIES
from tests.election.matrix_results import RESULT_ENTRIES
from tests.election.matrix_rules import RULE_ENTRIES
from tests.election.matrix_statistics import STATISTICS_ENTRIES
from tests.url_matrix import (
    FOUND,
    NOT_FOUND,
    OK,
    Case,
    editors_of_community,
    everyone,
    in_scope_of_community,
    office_only,
)

# the district dashboard's readers: a view grant on the district, or on a street of it (a street
# official reads its own street's view, the outsider too); a community grant is not enough
DISTRICT_READERS = everyone(NOT_FOUND, admin_user=OK, office=OK, discipline=OK, supervisor=OK)
DASHBOARD_READERS = {**DISTRICT_READERS, "street_official": OK, "outsider": OK}

# each area replaces its placeholders with real expectations
ENTRIES = {
    **RULE_ENTRIES,
    **NEGATIVE_LIST_ENTRIES,
    **CANDIDATE_ENTRIES,
    **RESULT_ENTRIES,
    **STATISTICS_ENTRIES,
    **IMPORT_ENTRIES,
    # campaigns, survey, seats, assignments (matrix_campaigns builds the objects)
    "election:campaign-list": Case(expect=office_only(OK)),
    "election:campaign-create": Case(expect=office_only(OK)),
    "election:campaign-detail": Case(kwargs=mc.campaign_pk, expect=office_only(OK)),
    # the office renames the campaign (the rule set's period is checked in test_campaign_edit)
    "election:campaign-edit": Case(
        method="post",
        kwargs=mc.campaign_pk,
        data=mc.campaign_edit_data,
        expect=office_only(FOUND),
        after=mc.campaign_edited_only_by_the_office,
    ),
    # a second start of a running campaign only re-enqueues the (idempotent) start
    "election:campaign-start": Case(
        method="post", kwargs=mc.campaign_pk, expect=office_only(FOUND)
    ),
    "election:survey-summary": Case(kwargs=mc.campaign_pk, expect=office_only(OK)),
    "election:seats-summary": Case(kwargs=mc.campaign_pk, expect=office_only(OK)),
    "election:survey-edit": Case(kwargs=mc.plan_pk, expect=editors_of_community(OK)),
    "election:seats-edit": Case(kwargs=mc.plan_pk, expect=editors_of_community(OK)),
    "election:plan-voting": Case(kwargs=mc.plan_pk, expect=editors_of_community(OK)),
    # postponing an election is the district office's decision
    "election:plan-postpone": Case(kwargs=mc.plan_pk, expect=office_only(OK)),
    # everyone signed in sees their own assignments (maybe none); the office also its district's
    "election:assignment-list": Case(expect=everyone(OK)),
    "election:assignment-add": Case(
        method="post", data=mc.assignment_data, expect=office_only(FOUND)
    ),
    "election:assignment-communities": Case(
        query=lambda w: f"?street={w.street.pk}", expect=office_only(OK)
    ),
    "election:assignment-end": Case(
        method="post",
        kwargs=mc.assignment_pk,
        data=lambda w: {"reason": "Moved to another post"},
        expect=office_only(FOUND),
        after=mc.assignment_ended_only_by_the_office,
    ),
    # the assigned leader and the office record visits; nobody else sees the assignment
    "election:visit-add": Case(kwargs=mc.assignment_pk, expect=office_only(OK, leader=OK)),
    # the dashboard: the district (office, discipline, supervisor) or one's streets (officials)
    "election:dashboard": Case(kwargs=dashboard_campaign, expect=DASHBOARD_READERS),
    "election:dashboard-steps": Case(
        kwargs=dashboard_campaign, query="?flag=overdue", expect=DASHBOARD_READERS
    ),
    # plans and steps (views/plans.py)
    "election:worklist": Case(expect=everyone(OK)),
    "election:plan-detail": Case(kwargs=plans.plan_pk, expect=in_scope_of_community(OK)),
    "election:plan-dates": Case(
        method="post",
        kwargs=plans.plan_pk,
        data=lambda w: {"election_on": "2027-01-10", "party_election_on": "2026-12-20"},
        expect=editors_of_community(FOUND),
    ),
    "election:step-edit": Case(kwargs=plans.step_pk, expect=editors_of_community(OK)),
    # objections to the voter list: read by those in scope, recorded and decided by editors
    "election:plan-objections": Case(kwargs=plans.plan_pk, expect=in_scope_of_community(OK)),
    "election:objection-decide": Case(kwargs=plans.objection_pk, expect=editors_of_community(OK)),
    # no file: the editors are sent back to the plan with the reason
    "election:evidence-add": Case(
        method="post", kwargs=plans.step_pk, expect=editors_of_community(FOUND)
    ),
    "election:evidence-download": Case(kwargs=plans.evidence_pk, expect=in_scope_of_community(OK)),
    "election:notice-add": Case(kwargs=plans.step_pk, expect=editors_of_community(OK)),
    "election:notice-photo": Case(kwargs=plans.notice_pk, expect=in_scope_of_community(OK)),
    "election:stage-close": Case(
        method="post", kwargs=plans.stage_pk, expect=editors_of_community(FOUND)
    ),
    "election:stage-reopen": Case(
        method="post",
        kwargs=plans.closed_stage_pk,
        data=lambda w: {"reason": "correct the voter list"},
        expect=editors_of_community(FOUND),
    ),
}
