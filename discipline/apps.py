from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    """Discipline and supervision of the re-election: publicity, whistle-blower reports and their
    cases (the reporter's identity a secret of the case), inspections and rectification orders,
    joint meetings of the member units, and major events acknowledged by the office."""

    name = "discipline"
    verbose_name = _("discipline and supervision")
