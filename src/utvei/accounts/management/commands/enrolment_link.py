"""``manage.py enrolment_link``: issue one-time links for users to set up two-step login.

For the operator: the first administrator of a new organisation has nobody to issue their link, so the
operator does it here. Every other link comes from the organisation's administrator under *Brukere*.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from utvei.accounts import selectors, services


class Command(BaseCommand):
    """Issue an enrolment link for each named user and print it."""

    help = "Issue a one-time link that lets each named user set up two-step login (printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="+")
        parser.add_argument("--base-url", default="", help="prefix the printed paths, e.g. https://utvei.kommune.no")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = []
        for username in options["usernames"]:
            user = selectors.user_for_operator(username=username)
            if user is None:
                problems.append(f"{username}: no such user")
                continue
            try:
                _link, token = services.enrolment_link_issue(actor=None, user_id=user.pk)
            except ValidationError as exc:
                problems.append(f"{username}: {' '.join(exc.messages)}")
                continue
            path = reverse("accounts:enrolment_link", args=[token])
            self.stdout.write(f"{user.username}\t{options['base_url'].rstrip('/')}{path}")
        if problems:
            raise CommandError("; ".join(problems))
