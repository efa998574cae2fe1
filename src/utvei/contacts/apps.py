from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    """Register contact plans, conversations and consultations."""

    name = "utvei.contacts"
    label = "contacts"

    def ready(self) -> None:
        """Declare the rules, and add the conversations tab, the warning facts and the work list's dates."""
        from utvei.cases import sections
        from utvei.contacts import policy, selectors

        policy.declare()
        sections.register_section(
            tab="conversations",
            order=10,
            template="contacts/_case_section.html",
            provider=selectors.contacts_for_case,
            visible=selectors.sees_contacts,
        )
        sections.register_section(
            tab="conversations",
            order=20,
            template="contacts/_case_notes.html",
            provider=selectors.case_notes_for_case,
            visible=selectors.sees_contacts,
        )
        sections.register_facts(selectors.contact_facts)
        sections.register_upcoming(selectors.next_contacts)
        sections.register_phase_evidence(
            phase="P2", what=_("a contact plan is made"), latest=selectors.latest_contact_plan
        )
        sections.register_phase_evidence(
            phase="P3", what=_("a conversation is recorded"), latest=selectors.latest_conversation
        )
