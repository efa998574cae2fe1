from django.urls import path

from utvei.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox_view, name="inbox"),
    path("notifications/read-all/", views.read_all_view, name="read_all"),
    path("notifications/settings/", views.settings_view, name="settings"),
    path("notifications/<int:notification_id>/open/", views.open_view, name="open"),
    path("notifications/<int:notification_id>/read/", views.read_view, name="read"),
]
