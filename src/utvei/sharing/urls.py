from django.urls import path

from utvei.sharing import views

app_name = "sharing"

urlpatterns = [
    path("cases/<int:case_id>/consents/", views.consent_list_view, name="consents"),
    path("cases/<int:case_id>/consents/new/", views.consent_new_view, name="consent_new"),
    path("cases/<int:case_id>/consents/<int:consent_id>/change/", views.consent_change_view, name="consent_change"),
    path(
        "cases/<int:case_id>/consents/<int:consent_id>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"
    ),
    path("cases/<int:case_id>/escalate/", views.escalate_view, name="escalate"),
    path("cases/<int:case_id>/share/", views.share_view, name="share"),
    path("cases/<int:case_id>/disclosures/", views.disclosure_list_view, name="disclosures"),
    path(
        "cases/<int:case_id>/reports/<int:escalation_id>/complete/",
        views.report_complete_view,
        name="report_complete",
    ),
    path("cases/<int:case_id>/overview-for-the-person/", views.person_overview_view, name="person_overview"),
    path("cases/<int:case_id>/overview-for-the-person.pdf", views.person_overview_pdf_view, name="person_overview_pdf"),
]
