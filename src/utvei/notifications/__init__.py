"""Notifications: an in-app inbox for every user and optional e-mail that carries no case content."""
