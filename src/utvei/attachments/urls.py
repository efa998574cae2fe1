from django.urls import path

from utvei.attachments import views

app_name = "attachments"

urlpatterns = [
    path("cases/<int:case_id>/attachments/new/", views.upload_view, name="upload"),
    path("attachments/<int:attachment_id>/download/", views.download_view, name="download"),
]
