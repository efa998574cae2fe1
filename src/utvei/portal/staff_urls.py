"""The case workers' page of what the person sent from the portal."""

from django.urls import path

from utvei.portal import views

app_name = "portal_staff"

urlpatterns = [
    path("cases/<int:case_id>/fra-personen/", views.from_person_view, name="from_person"),
    path(
        "cases/<int:case_id>/fra-personen/sperring/<int:request_id>/",
        views.block_decide_view,
        name="block_decide",
    ),
]
