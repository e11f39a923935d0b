"""URLs under ``/api/v1/``: the NinjaAPI's routes, ``openapi.json`` and ``docs``."""

from django.urls import URLPattern, URLResolver, path

from samsyn.api import api

urlpatterns: list[URLPattern | URLResolver] = [path("", api.urls)]
