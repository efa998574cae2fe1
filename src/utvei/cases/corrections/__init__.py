"""Correction pages of the cases app: ending a team seat, correcting a task and the person's contact details."""
