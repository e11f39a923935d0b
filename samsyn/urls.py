from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("samsyn.core.urls")),
    path("konto/", include("samsyn.accounts.urls")),
    path("barn/", include("samsyn.children.urls")),
    path("logg/", include("samsyn.audit.urls")),
    path("oro/", include("samsyn.concerns.urls")),
    path("samtycke/", include("samsyn.consent.urls")),
    path("barnteam/", include("samsyn.teams.urls")),
    path("plan/", include("samsyn.plans.urls")),
    path("narvaro/", include("samsyn.attendance.urls")),
    path("statistik/", include("samsyn.statistics.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("samsyn.api_urls")),
]
