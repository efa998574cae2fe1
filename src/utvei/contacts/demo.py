"""Synthetic demo data for contacts; called by utvei.accounts.demo.seed_demo after the cases exist.

Case 1's first conversation and the consultation after it, recorded by the demo's case worker.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from utvei.accounts.models import User

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld


def seed(world: DemoWorld) -> None:
    """Record case 1's first conversation and consultation through the services."""
    _first_contact(world.users["saksbehandler"], world.cases[0].pk, world.today)


def _first_contact(actor: User, case_id: int, today: date) -> None:
    """Record the demo case's first conversation and the consultation after it."""
    from utvei.contacts import services as contact_services
    from utvei.contacts.models import ConversationForm, ConversationMethod

    contact_services.conversation_record(
        actor=actor,
        case_id=case_id,
        held_on=today - timedelta(days=60),
        form=ConversationForm.MEETING,
        participants="Jonas, saksbehandler, mentor",
        method=ConversationMethod.objects.filter(is_active=True).first(),
        notes="Rolig samtale. Jonas forteller at han vil bort fra miljøet og trenger arbeid og bolig.",
        persons_own_words="«Jeg vil ha et vanlig liv og en jobb.»",
        told_mandate=True,
        told_confidentiality=True,
        told_reporting_duty=True,
        next_steps="Møte med Nav og mentor innen to uker.",
        next_contact_on=today + timedelta(days=5),
    )
    contact_services.consultation_record(
        actor=actor,
        case_id=case_id,
        conversation_id=None,
        held_on=today - timedelta(days=58),
        consulted="supervisor",
        consulted_organisation="Demo kommune",
        anonymised=False,
        summary="Drøftet videre oppfølging med veileder.",
        decision="Tilby exit-oppfølging med mentor og Nav.",
    )
