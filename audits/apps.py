from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    """Departure audits of the outgoing committees (离任经济责任审计), their findings and
    rectification, the public posting of the results, and the handover (移交) to the new committee.

    It builds on the election plans: the plan's audit and handover steps follow these records."""

    name = "audits"
    verbose_name = _("departure audits and handover")

    def ready(self) -> None:
        # election never imports audits: the plan page and the step editor ask these hooks
        from election.selectors.plan_parts import plan_page_part_register, step_guard_register

        from .selectors.engagements import plan_audits_part
        from .services.engagements import step_guard

        plan_page_part_register(plan_audits_part)
        step_guard_register(step_guard)

        # from election day on, an audit whose results were never posted turns the step red
        from election.services.plans import step_reasons_register

        from .services.postings import posting_step_reasons

        step_reasons_register(posting_step_reasons)

        # the handover: its card on the plan page; its step is done by completing the handover
        from .selectors.handover import plan_handover_part
        from .services.handover import handover_step_guard

        plan_page_part_register(plan_handover_part)
        step_guard_register(handover_step_guard)
