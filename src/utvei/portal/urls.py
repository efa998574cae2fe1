from django.urls import path

from utvei.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("logg-inn/", views.login_view, name="login"),
]
