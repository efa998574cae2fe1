from django.urls import path

from utvei.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entry_list_view, name="entry_list"),
]
