from django.apps import AppConfig


class MentoringConfig(AppConfig):
    """This class will register the mentor register, mentor assignments and restorative processes."""

    name = "utvei.mentoring"
    label = "mentoring"
