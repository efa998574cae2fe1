from django.urls import path

from utvei.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("<int:case_id>/", views.case_detail_view, name="detail"),
]
