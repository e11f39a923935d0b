from django.urls import include, path

from samsyn.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    # Django's set_language view: POST language=sv|en (and next).
    path("i18n/", include("django.conf.urls.i18n")),
]
