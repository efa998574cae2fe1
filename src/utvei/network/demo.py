"""Synthetic demo data for network; called by utvei.accounts.demo.seed_demo after the base world exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from utvei.accounts.demo import DemoWorld


def seed(world: DemoWorld) -> None:
    """This function will add this app's demo data to the world, through the services."""
