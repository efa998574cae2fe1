"""An attachment is shredded with its person's data key (its own module: the key store commits apart)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.helpers import FormClient, login_verified
from utvei.accounts.models import User
from utvei.attachments.models import Attachment, AttachmentContent
from utvei.cases.models import Case
from utvei.cases.services import person_data_key_destroy

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    return login_verified(FormClient(), user)


def _case1() -> Case:
    case = Case.objects.order_by("pk").first()
    assert case is not None
    return case


def test_the_attachment_is_shredded_with_the_persons_data_key(demo: dict[str, User]) -> None:
    case = _case1()
    attachment = Attachment.objects.filter(case=case).order_by("pk").first()
    assert attachment is not None
    assert person_data_key_destroy(actor=demo["koordinator"], person_id=case.person_id) is True
    with translation.override("nb"):
        stored = AttachmentContent.objects.get(attachment=attachment)
        assert stored.data == b""
        assert Attachment.objects.get(pk=attachment.pk).filename == "kan ikke vises"
    response = _client(demo["koordinator"]).get(
        reverse("attachments:download", kwargs={"attachment_id": attachment.pk})
    )
    assert response.status_code == 410
    assert b"%PDF" not in response.content
    assert "Vedlegget kan ikke vises" in response.content.decode()
