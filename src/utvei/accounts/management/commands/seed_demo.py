"""``manage.py seed_demo``: create the synthetic demo world and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from utvei.accounts.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo


class Command(BaseCommand):
    """Seed the demo data (once) and list the demo logins."""

    help = "Create synthetic demo organisations, users and cases, then print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_demo()
        self.stdout.write("Demo data created." if created else "Demo data already present.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}) at http://127.0.0.1:8000/login/")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.username:<15} {spec.organisation:<36} {spec.description}")
