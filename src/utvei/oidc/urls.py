from django.urls import path

from utvei.oidc import views

app_name = "oidc"

urlpatterns = [
    path("idporten/start/", views.idporten_start_view, name="idporten_start"),
    path("idporten/callback/", views.idporten_callback_view, name="idporten_callback"),
    path("<slug:slug>/start/", views.staff_start_view, name="staff_start"),
    path("<slug:slug>/callback/", views.staff_callback_view, name="staff_callback"),
]
