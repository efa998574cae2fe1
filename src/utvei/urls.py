"""Root URLs. Every view is marked @public, @login_step or @requires (tests/test_url_policy.py)."""

from django.urls import include, path

from utvei import views as core_views
from utvei.accounts import views as account_views

urlpatterns = [
    path("", account_views.home_view, name="home"),
    path("healthz", core_views.health_view, name="health"),
    path("i18n/language/", core_views.language_view, name="set_language"),
    path("drafts/", core_views.draft_view, name="drafts"),
    path("", include("utvei.accounts.urls")),
    path("cases/", include("utvei.cases.urls")),
    path("", include("utvei.contacts.urls")),
    path("", include("utvei.sharing.urls")),
    path("", include("utvei.plans.urls")),
    path("", include("utvei.network.urls")),
    path("", include("utvei.mentoring.urls")),
    path("", include("utvei.attachments.urls")),
    path("", include("utvei.privacy.urls")),
    path("", include("utvei.notifications.urls")),
    path("min/", include("utvei.portal.urls")),
    path("oidc/", include("utvei.oidc.urls")),
    path("", include("utvei.portal.staff_urls")),
]

handler403 = "utvei.core.errors.forbidden"
handler404 = "utvei.core.errors.not_found"
handler500 = "utvei.core.errors.server_error"
