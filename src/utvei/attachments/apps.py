from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    """Register attachments: signed consents and documents uploaded to a case, a conversation or a consent."""

    name = "utvei.attachments"
    label = "attachments"

    def ready(self) -> None:
        """Declare the rule and add the attachments section to the case's attachments tab."""
        from utvei.attachments import policy, selectors
        from utvei.cases import sections

        policy.declare()
        sections.register_section(
            tab="attachments",
            order=10,
            template="attachments/_case_section.html",
            provider=selectors.section_for_case,
            visible=selectors.sees_attachments,
        )
