from django.urls import path

from utvei.privacy import views

app_name = "privacy"

urlpatterns = [
    path("audit/", views.audit_log_view, name="audit_log"),
    path("audit/export.csv", views.audit_export_view, name="audit_export"),
    path("cases/<int:case_id>/access-log/", views.access_log_view, name="access_log"),
    path("cases/<int:case_id>/access-log.pdf", views.access_log_pdf_view, name="access_log_pdf"),
    path("cases/<int:case_id>/access-log/exceptions/new/", views.exception_new_view, name="exception_new"),
    path("cases/<int:case_id>/data-copy.json", views.data_copy_json_view, name="data_copy_json"),
    path("cases/<int:case_id>/data-copy.pdf", views.data_copy_pdf_view, name="data_copy_pdf"),
    path("cases/<int:case_id>/erasure/new/", views.erasure_new_view, name="erasure_new"),
    path("erasure/", views.erasure_queue_view, name="erasure_queue"),
    path("erasure/<int:request_id>/", views.erasure_decide_view, name="erasure_decide"),
    path("emergency/", views.emergency_view, name="emergency"),
    path("emergency/<int:grant_id>/end/", views.emergency_end_view, name="emergency_end"),
    path("grants/", views.grant_queue_view, name="grant_queue"),
    path("grants/<int:grant_id>/", views.grant_review_view, name="grant_review"),
]
