"""Writes of the notifications app: notify users, mark notifications read, choose what goes by e-mail.

``notify`` is the one call other apps make, inside their own transaction, after the change it reports. It
stores the kind and the case, never words about the case, and enqueues one e-mail task for each recipient
who chose that kind by e-mail; the worker sends the mail (``send_notification_email``), which says only that
there is a new message and links to the inbox.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from utvei.access import policy
from utvei.access.policy import Action, NotFound
from utvei.accounts.models import User
from utvei.audit.models import AuditEvent
from utvei.audit.services import record
from utvei.notifications.models import EmailChoice, Notification, NotificationKind


def notify(
    *,
    recipient_ids: Iterable[int],
    kind: NotificationKind,
    key: str,
    case_id: int | None = None,
    actor_id: int | None = None,
) -> list[Notification]:
    """Tell each recipient that ``kind`` happened (on the case), once per (recipient, kind, key).

    The acting user (``actor_id``) is never told of their own act. Runs in the caller's transaction, so the
    notification and its e-mail task commit or roll back with the change they report. Holds no case content.
    """
    wanted = {pk for pk in recipient_ids if pk != actor_id}
    if not wanted:
        return []
    with transaction.atomic():
        told = set(
            Notification.objects.filter(recipient_id__in=sorted(wanted), kind=kind, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        created = Notification.objects.bulk_create(
            Notification(recipient_id=pk, kind=kind, key=key, case_id=case_id) for pk in sorted(wanted - told)
        )
        by_email = set(
            EmailChoice.objects.filter(user_id__in=[n.recipient_id for n in created], kind=kind).values_list(
                "user_id", flat=True
            )
        )
        for notification in created:
            if notification.recipient_id in by_email:
                send_notification_email.enqueue(notification.pk)
    return created


def _own(actor: User, notification_id: int) -> Notification:
    notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(Notification._meta.label, notification_id)
    policy.require(actor, Action.UPDATE, notification)
    return notification


def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read; marking it again changes nothing.

    :raises NotFound: the notification does not exist or is another user's.
    """
    with transaction.atomic():
        notification = _own(actor, notification_id)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            record(actor=actor, event=AuditEvent.UPDATE, target=notification, changed_fields=["read_at"])
    return notification


def notification_open(*, actor: User, notification_id: int) -> int:
    """Mark the notification read and give the id of its case, if the policy still shows the case.

    The notification is marked read even when its case is no longer shown, so it leaves the unread count.

    :raises NotFound: the notification is another user's or missing, names no case, or its case is no longer
        one the actor may see (the same 404 as a missing case).
    """
    notification = notification_mark_read(actor=actor, notification_id=notification_id)
    with transaction.atomic():
        case = notification.case
        if case is None:
            raise NotFound("cases.Case", None)
        policy.require(actor, Action.VIEW, case)
        return case.pk


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; give how many changed."""
    with transaction.atomic():
        unread = policy.scope(actor, Action.UPDATE, Notification.objects.filter(read_at__isnull=True))
        changed = unread.update(read_at=timezone.now())
        if changed:
            record(
                actor=actor,
                event=AuditEvent.UPDATE,
                target_type=Notification._meta.label,
                target_id=changed,
                changed_fields=["read_at"],
            )
    return changed


def email_choices_set(*, actor: User, kinds: Iterable[str]) -> frozenset[str]:
    """Make ``kinds`` exactly the notification kinds that reach the actor by e-mail too.

    :raises ValueError: a kind that does not exist (the form offers only real ones).
    """
    chosen = frozenset(kinds)
    unknown = chosen - set(NotificationKind.values)
    if unknown:
        raise ValueError(f"Unknown notification kinds: {sorted(unknown)}")
    with transaction.atomic():
        current = set(EmailChoice.objects.filter(user=actor).values_list("kind", flat=True))
        EmailChoice.objects.filter(user=actor, kind__in=sorted(current - chosen)).delete()
        EmailChoice.objects.bulk_create(EmailChoice(user=actor, kind=kind) for kind in sorted(chosen - current))
        if current != chosen:
            record(
                actor=actor,
                event=AuditEvent.UPDATE,
                target_type=EmailChoice._meta.label,
                target_id=actor.pk,
                changed_fields=sorted(current ^ chosen),
            )
    return chosen


def inbox_url() -> str:
    """Give the absolute address of the inbox, for the e-mail (``UTVEI_SITE_URL``)."""
    return settings.SITE_URL.rstrip("/") + reverse("notifications:inbox")


@task()
def send_notification_email(notification_id: int) -> str:
    """Send the e-mail of one notification, unless sent already, no longer chosen or the user has no address.

    The mail says only that there is a new message and links to the inbox: no case, person or kind. The
    notification row is locked while sending and marked sent in the same transaction; a failure after
    the mail left (a lost commit) sends it once more, never loses it.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return "already sent"
        user = notification.recipient
        if not user.is_active or not user.email:
            return "no address"
        if not EmailChoice.objects.filter(user=user, kind=notification.kind).exists():
            return "not chosen"
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("You have a new message in Utvei")
            body = _("You have a new message in Utvei. Log in to read it: %(url)s") % {"url": inbox_url()}
        send_mail(subject, body, None, [user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"
