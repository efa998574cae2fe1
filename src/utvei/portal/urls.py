"""The person's portal, under ``/min/``."""

from django.urls import path

from utvei.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("logg-inn/", views.login_view, name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("plan/", views.plan_view, name="plan"),
    path("plan/mal/<int:goal_id>/melding/", views.goal_message_view, name="goal_message"),
    path("samtykker/", views.consents_view, name="consents"),
    path("samtykker/<int:consent_id>/trekk-tilbake/", views.consent_withdraw_view, name="consent_withdraw"),
    path("logg/", views.log_view, name="log"),
    path("varsler/", views.settings_view, name="settings"),
    path("sperring/", views.requests_view, name="requests"),
    path("nettverk/", views.network_view, name="network"),
    path("last-ned/", views.pdf_view, name="pdf"),
]
