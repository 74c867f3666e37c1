"""District → Street → Community, the two committees, and the object-permission tables.

Permissions: every level carries the same codenames (`view_community`, `change_community`, …),
meaning "may do this to the communities in this object". `communities/permissions.py` holds the
rule that a community is reachable through a grant on it, its street or its district.
"""

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# codenames granted on District, Street and Community alike; see permissions.py
SCOPE_PERMISSIONS: list[tuple[str, "str | StrPromise"]] = [
    ("view_community", _("Can view the communities in scope")),
    ("change_community", _("Can edit the communities in scope")),
]


class District(TimeStampedModel):
    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]
        permissions = [
            *SCOPE_PERMISSIONS,
            ("manage_grants", _("Can manage the access grants of the district")),
            ("import_communities", _("Can import streets and communities into the district")),
            ("manage_campaigns", _("Can run the district's campaigns and assign leaders")),
        ]

    def __str__(self) -> str:
        return self.name


class Street(TimeStampedModel):
    class Kind(models.TextChoices):
        STREET = "street", _("street")
        TOWNSHIP = "township", _("township")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="streets"
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STREET)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["district", "name"]
        permissions = list(SCOPE_PERMISSIONS)
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="street_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(models.QuerySet["Community"]):
    def with_track(self) -> "CommunityQuerySet":
        """Annotate `track`: the override if any, else villagers' rules for an unreformed 村改居."""
        return self.annotate(
            track=Case(
                When(~Q(track_override=""), then="track_override"),
                When(
                    kind=Community.Kind.VILLAGE_CONVERTED,
                    is_reform_finished=False,
                    then=Value(Community.Track.VILLAGE),
                ),
                default=Value(Community.Track.RESIDENTS),
                output_field=models.CharField(),
            )
        )


class Community(TimeStampedModel):
    class Kind(models.TextChoices):
        CITY = "city", _("city community")
        VILLAGE_CONVERTED = "village_converted", _("village-converted community")

    class Track(models.TextChoices):
        RESIDENTS = "residents", _("residents' committee rules")
        VILLAGE = "village", _("villagers' committee rules")

    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    is_reform_finished = models.BooleanField(
        _("collective-economy reform finished"),
        default=False,
        help_text=_("Only matters for village-converted communities."),
    )
    track_override = models.CharField(
        _("election track override"), max_length=10, choices=Track.choices, blank=True
    )
    track_override_reason = models.CharField(
        _("reason for the override"), max_length=300, blank=True
    )
    population = models.PositiveIntegerField(_("resident population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    registered_voters = models.PositiveIntegerField(_("registered voters"), null=True, blank=True)
    is_demolition_underway = models.BooleanField(_("demolition under way"), default=False)
    is_difficult = models.BooleanField(_("difficult community"), default=False)
    difficult_reason = models.CharField(_("why it is difficult"), max_length=300, blank=True)
    # optimistic lock: a save from a stale form is refused instead of overwriting silently
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    objects: ClassVar[CommunityQuerySet] = CommunityQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["street__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"], name="community_name_unique_in_street"
            ),
            models.CheckConstraint(
                condition=Q(track_override="") | ~Q(track_override_reason=""),
                name="community_track_override_has_reason",
                violation_error_message=_("Overriding the election track needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(is_difficult=False) | ~Q(difficult_reason=""),
                name="community_difficult_has_reason",
                violation_error_message=_("A difficult community needs a reason."),
            ),
        ]
        indexes = [models.Index(fields=["name"], name="community_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:community-detail", args=[self.pk])

    @property
    def derived_track(self) -> str:
        """The track the law gives this community, ignoring any override."""
        if self.kind == self.Kind.VILLAGE_CONVERTED and not self.is_reform_finished:
            return self.Track.VILLAGE
        return self.Track.RESIDENTS

    @property
    def election_track(self) -> str:
        return self.track_override or self.derived_track

    def get_election_track_display(self) -> str:
        return str(self.Track(self.election_track).label)

    @property
    def residents_per_seat(self) -> float | None:
        seats = sum(c.seats for c in self.committees.all())
        if not self.population or not seats:
            return None
        return self.population / seats


class Committee(TimeStampedModel):
    """One of the community's two committees, with its current number of seats."""

    class Kind(models.TextChoices):
        PARTY = "party", _("party committee")
        RESIDENTS = "residents", _("residents' (villagers') committee")

    class PartyType(models.TextChoices):
        COMMITTEE = "committee", pgettext_lazy("party organisation type", "party committee")
        GENERAL_BRANCH = "general_branch", _("general party branch")
        BRANCH = "branch", _("party branch")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="committees"
    )
    kind = models.CharField(_("committee"), max_length=10, choices=Kind.choices)
    party_type = models.CharField(
        _("party organisation type"), max_length=20, choices=PartyType.choices, blank=True
    )
    seats = models.PositiveSmallIntegerField(_("current seats"), default=0)
    # the Party organisation's full members (正式党员): under the rule set's threshold it elects a
    # secretary only, not a committee
    full_members = models.PositiveIntegerField(_("full party members"), null=True, blank=True)
    term_started_on = models.DateField(_("term started on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["community", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["community", "kind"], name="committee_kind_unique"),
            models.CheckConstraint(
                condition=Q(kind="party") | Q(party_type=""),
                name="committee_party_type_only_for_party",
            ),
            models.CheckConstraint(
                condition=Q(kind="party") | Q(full_members__isnull=True),
                name="committee_full_members_only_for_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.get_kind_display()}"

    def get_kind_display_for_track(self) -> str:
        """The residents' committee is a villagers' committee on the village track."""
        if self.kind == self.Kind.PARTY:
            return str(self.Kind.PARTY.label)
        if self.community.election_track == Community.Track.VILLAGE:
            return str(_("villagers' committee"))
        return str(_("residents' committee"))


def _import_file_path(instance: "CommunityImport", filename: str) -> str:
    # the stored name never comes from the user (the original name is kept in a field), nor from
    # the import's id, which its pages show: a random name no one can guess
    return f"imports/{uuid.uuid4().hex}.xlsx"


class CommunityImport(TimeStampedModel):
    """An uploaded workbook of streets and communities, from its check to its import.

    Not history-tracked: it is an artefact of the import, and the rows it creates carry their own
    history (reason "imported"). The check and the import run in Celery tasks; `status` says
    where the import is and guards against applying the same file twice (see services/imports.py).
    The file is deleted once the import is done; the row stays as the record of who imported what.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        PREVIEWED = "previewed", _("checked, waiting for confirmation")
        QUEUED = "queued", _("waiting to be imported")
        APPLYING = "applying", _("being imported")
        APPLIED = "applied", _("imported")
        FAILED = "failed", _("refused")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="community_imports",
    )
    # emptied when the file is deleted after the import
    file = models.FileField(_("file"), upload_to=_import_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECKING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # the outcome of the last check: counts, new streets, the first rows and problems
    preview = models.JSONField(_("check result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("import started at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    streets_created = models.PositiveIntegerField(_("streets created"), default=0)
    communities_created = models.PositiveIntegerField(_("communities created"), default=0)

    class Meta:
        verbose_name = _("community import")
        verbose_name_plural = _("community imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or str(self.pk)

    def get_absolute_url(self) -> str:
        return reverse("communities:import-preview", args=[self.pk])

    @property
    def is_active(self) -> bool:
        """Whether a task is checking or importing the file (the page polls meanwhile)."""
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.APPLYING)


# --- guardian direct foreign-key permission tables (one per level, user grants only) -------------


class DistrictUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="user_grants"
    )
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("district grant")
        verbose_name_plural = _("district grants")


class StreetUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="user_grants")
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("street grant")
        verbose_name_plural = _("street grants")


class CommunityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="user_grants"
    )
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("community grant")
        verbose_name_plural = _("community grants")


GRANT_MODELS: dict[str, type[UserObjectPermissionBase]] = {
    "district": DistrictUserObjectPermission,
    "street": StreetUserObjectPermission,
    "community": CommunityUserObjectPermission,
}
