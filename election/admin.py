"""The election app in Django's admin. Rule sets are edited here or on the office's rule-set
pages; campaigns and plans are read-mostly here (their writes go through the services)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.http import id_parse

from .models import (
    CalendarDay,
    Campaign,
    Candidate,
    CandidateVote,
    CommitteeMember,
    CommunityPlan,
    ElectionImport,
    ElectionResult,
    NegativeCriterion,
    NegativeList,
    RuleSet,
    SeatRule,
    StageTemplate,
    StatisticsBand,
    StepTemplate,
    UnitReview,
    VoterObjection,
    VotingRule,
)
from .services.negative_lists import negative_list_clone, negative_list_is_locked

# --- rule sets -----------------------------------------------------------------------------------


class StageTemplateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = StageTemplate
    extra = 0
    fields = ["order", "code", "title", "applies_to"]
    show_change_link = True


class SeatRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SeatRule
    extra = 0
    fields = [
        "body",
        "party_type",
        "min_seats",
        "max_seats",
        "usual_max_seats",
        "secretary_only_below",
        "requires_woman",
        "legal_basis",
    ]


class VotingRuleInline(admin.StackedInline):  # type: ignore[type-arg]
    model = VotingRule
    extra = 0
    fields = [
        ("mode", "applies_to"),
        ("valid_numerator", "valid_denominator"),
        ("win_numerator", "win_denominator"),
        ("runoff_numerator", "runoff_denominator"),
        "rule_text",
        "legal_basis",
    ]


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "version",
        "region",
        "effective_on",
        "effective_to",
        "is_default",
        "is_demonstration",
    ]
    list_filter = ["is_default", "is_demonstration", "region"]
    search_fields = ["name", "code", "region"]
    inlines = [StageTemplateInline, SeatRuleInline, VotingRuleInline]


class StepTemplateInline(admin.StackedInline):  # type: ignore[type-arg]
    model = StepTemplate
    fk_name = "stage"
    extra = 0
    fields = [
        ("order", "code", "title", "applies_to"),
        ("anchor", "anchor_step", "offset_days"),
        ("check_kind", "check_days", "checked_date", "check_anchor", "day_unit"),
        ("requires_notice", "notice_days"),
        "rule_text",
        "legal_basis",
        "legal_basis_village",
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # an anchor step is a step of the same rule set
        if db_field.name == "anchor_step" and request.resolver_match:
            stage_id = id_parse(request.resolver_match.kwargs.get("object_id"))
            stage = StageTemplate.objects.filter(pk=stage_id).first() if stage_id else None
            if stage is not None:
                kwargs["queryset"] = StepTemplate.objects.filter(
                    stage__rule_set_id=stage.rule_set_id
                ).select_related("stage")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(StageTemplate)
class StageTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "rule_set", "order", "code", "applies_to"]
    list_filter = ["rule_set"]
    list_select_related = ["rule_set"]
    search_fields = ["title", "code"]
    inlines = [StepTemplateInline]


# --- negative lists (the office clones a version and edits the clone's criteria) ---------------


class NegativeCriterionInline(admin.TabularInline):  # type: ignore[type-arg]
    """A list's criteria, read only once a campaign using the list started its joint review
    (the answers on record name them); clone the list to change them."""

    model = NegativeCriterion
    extra = 0
    fields = ["order", "tier", "text", "lookback_years", "unit_code"]

    def _locked(self, obj: NegativeList | None) -> bool:
        return obj is not None and negative_list_is_locked(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(NegativeList)
class NegativeListAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "version", "effective_on", "effective_to"]
    search_fields = ["name", "code"]
    inlines = [NegativeCriterionInline]
    actions = ["clone"]

    @admin.action(description=gettext_lazy("Clone to a new version"))
    def clone(self, request: HttpRequest, queryset: QuerySet[NegativeList]) -> None:
        for negative_list in queryset:
            copy = negative_list_clone(negative_list=negative_list, by=request.user)  # type: ignore[arg-type]
            self.message_user(
                request,
                _("Copied “%(name)s” to version %(version)s.")
                % {"name": negative_list.name, "version": copy.version},
                messages.SUCCESS,
            )


@admin.register(NegativeCriterion)
class NegativeCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "negative_list", "order", "tier", "lookback_years", "unit_code"]
    list_filter = ["negative_list", "tier"]
    list_select_related = ["negative_list"]
    search_fields = ["text"]


# --- campaigns and plans (writes go through the services) ---------------------------------------


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district", "rule_set", "status", "starts_on", "election_on"]
    list_filter = ["status", "district"]
    list_select_related = ["district", "rule_set"]
    search_fields = ["name", "district__name"]
    readonly_fields = ["status", "started_at", "started_by", "created_at", "updated_at"]


@admin.register(CommunityPlan)
class CommunityPlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "community",
        "campaign",
        "election_on",
        "steps_done",
        "steps_total",
        "steps_red",
        "next_due_on",
    ]
    list_filter = ["campaign"]
    list_select_related = ["community__street", "campaign"]
    search_fields = ["community__name", "community__street__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # plans are created by starting a campaign

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # dates and steps change through the plan pages, which recompute them


@admin.register(VoterObjection)
class VoterObjectionAdmin(SimpleHistoryAdmin):
    list_display = ["raised_by", "plan", "received_on", "decided_on", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["plan__community", "plan__campaign"]
    search_fields = ["raised_by", "plan__community__name"]
    readonly_fields = ["plan", "created_by", "created_at", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded on the plan's page, which recomputes the ruling step

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decided on the plan's page, which recomputes the ruling step


# --- China's official calendar (the office corrects it when a new year is published) -----------


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """Public holidays and swapped working days. A change applies to plans when they are next
    recomputed (any edit of a step, a notice, an objection or a date of the plan)."""

    list_display = ["day", "is_working_day", "name", "source"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "day"


# --- statistics bands on the rule set (the age and education bands of the statistics table) ----


class StatisticsBandInline(admin.TabularInline):  # type: ignore[type-arg]
    """Provinces differ: the office sets the age bands (whole years) and the education bands
    (levels 1 primary to 6 postgraduate) that the statistics table counts; bounds inclusive."""

    model = StatisticsBand
    extra = 0
    fields = ["kind", "order", "label", "min_value", "max_value"]


RuleSetAdmin.inlines = [*RuleSetAdmin.inlines, StatisticsBandInline]


# --- election results and committee members (recorded on the results pages, read here) ---------


class CandidateVoteInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CandidateVote
    extra = 0
    fields = ["candidate", "votes", "elected"]
    readonly_fields = ["candidate", "votes", "elected"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ElectionResult)
class ElectionResultAdmin(SimpleHistoryAdmin):
    """Read only: a result is recorded on the plan's results page, which checks the figures
    against the rule set's voting rule and marks who won."""

    list_display = ["plan", "body", "round", "held_on", "is_valid", "seats_filled", "seats_to_fill"]
    list_filter = ["round", "is_valid", "body"]
    list_select_related = ["plan__community", "plan__campaign"]
    search_fields = ["plan__community__name"]
    inlines = [CandidateVoteInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    """Read only: members are created by forming the committee on the results page (or by the
    previous term's import); the ID number shows masked."""

    list_display = ["name", "committee", "post", "started_on", "ended_on", "is_first_time"]
    list_filter = ["post", "is_first_time", "gender"]
    list_select_related = ["committee__community"]
    search_fields = ["name", "committee__community__name"]
    exclude = ["id_number"]
    readonly_fields = ["id_number_masked"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnitReviewInline(admin.TabularInline):  # type: ignore[type-arg]
    model = UnitReview
    extra = 0
    fields = ["unit", "sent_on", "due_on", "answered_on", "answered_by"]
    readonly_fields = ["unit", "sent_on", "due_on", "answered_on", "answered_by"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    """Read only: candidates are registered, reviewed and decided on the candidate pages, whose
    services keep the gate; the ID number shows masked."""

    list_display = ["name", "plan", "body", "status", "post_sought", "is_incumbent"]
    list_filter = ["status", "body", "post_sought"]
    list_select_related = ["plan__community", "plan__campaign"]
    search_fields = ["name", "plan__community__name"]
    exclude = ["id_number"]
    readonly_fields = ["id_number_masked"]
    inlines = [UnitReviewInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ElectionImport)
class ElectionImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: who imported which workbook into which campaign, and how it ended. Imports are
    made on the import pages (/election/imports/); the row errors never hold an ID number."""

    list_display = ["original_name", "campaign", "kind", "status", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["campaign", "created_by"]
    search_fields = ["original_name", "campaign__name"]
    exclude = ["file"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
