from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    """Discipline and supervision of the re-election: publicity, whistle-blower reports and their
    cases (the reporter's identity a secret of the case), inspections and rectification orders,
    joint meetings of the member units, and major events acknowledged by the office."""

    name = "discipline"
    verbose_name = _("discipline and supervision")

    def ready(self) -> None:
        # election never imports discipline: a candidate's page asks this hook for the
        # substantiated reports against the candidate (its vetting)
        from election.selectors.plan_parts import candidate_page_part_register

        from .selectors.reports import candidate_cases_part

        candidate_page_part_register(candidate_cases_part)
