from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from . import two_factor, views
from .security import allow_inline_styles

handler400 = "governance.error_pages.bad_request"
handler403 = "governance.error_pages.permission_denied"
handler404 = "governance.error_pages.page_not_found"
handler500 = "governance.error_pages.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    # Sign-in in two steps for a person with a TOTP device; the admin's login form sends here too.
    path("accounts/login/", two_factor.SignInView.as_view(), name="login"),
    path("accounts/login/code/", two_factor.verify, name="two-factor-verify"),
    path("accounts/two-factor/", two_factor.enrol, name="two-factor"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/login/", two_factor.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # ReDoc's styled-components inject <style> elements: inline styles allowed on that page only.
    path("api/redoc/", allow_inline_styles(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"),
    path("api/v1/", include("governance.api_urls")),
    path("api/v1/", include("grids.api.urls")),
    path("api/v1/", include("grids.transfer.urls")),
    path("api/v1/", include("incidents.api.urls")),
    path("api/v1/insurance/", include("insurance.api.urls")),
    path("api/v1/credit/", include("credit.api.urls")),
    path("api/v1/care/", include("care.api.urls")),
    path("api/v1/disputes/", include("disputes.api.urls")),
    path("api/v1/oversight/", include("oversight.api.urls")),
    path("api/v1/", include("interfaces.api.urls")),
    # Open311 GeoReport v2 for other systems and citizens' apps (docs/integration.md).
    path("open311/v2/", include("interfaces.open311.urls")),
    path("", include("incidents.urls")),
    path("", include("grids.urls")),
    path("reviews/", include("incidents.review_urls")),
    path("insurance/", include("insurance.urls")),
    path("credit/", include("credit.urls")),
    path("care/", include("care.urls")),
    path("disputes/", include("disputes.urls")),
    path("oversight/", include("oversight.urls")),
    # The admin console: one console_urls.py per app, pages of the data that app owns.
    path("console/", include("governance.console_urls")),
    path("console/", include("grids.console_urls")),
    path("console/", include("incidents.console_urls")),
    path("console/", include("interfaces.console_urls")),
]
