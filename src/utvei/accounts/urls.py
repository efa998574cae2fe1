from django.urls import path

from utvei.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.otp_view, name="otp"),
    path("login/code/setup/", views.otp_enrol_view, name="otp_enrol"),
    path("login/setup/<str:token>/", views.enrolment_link_view, name="enrolment_link"),
    path("login/passkey/register/begin/", views.passkey_register_begin_view, name="passkey_register_begin"),
    path("login/passkey/register/complete/", views.passkey_register_complete_view, name="passkey_register_complete"),
    path("login/passkey/verify/begin/", views.passkey_verify_begin_view, name="passkey_verify_begin"),
    path("login/passkey/verify/complete/", views.passkey_verify_complete_view, name="passkey_verify_complete"),
    path("login/again/", views.reauth_view, name="reauth"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account_view, name="account"),
    path("session/keepalive/", views.keepalive_view, name="keepalive"),
    path("admin/users/", views.user_list_view, name="user_list"),
    path("admin/users/new/", views.user_create_view, name="user_create"),
    path("admin/users/<int:user_id>/", views.user_detail_view, name="user_detail"),
]
