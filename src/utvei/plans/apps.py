from django.apps import AppConfig


class PlansConfig(AppConfig):
    """This class will register the individual plan, measures, mentors, restorative processes and team meetings."""

    name = "utvei.plans"
    label = "plans"
