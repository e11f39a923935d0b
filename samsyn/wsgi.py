"""WSGI entry point."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")
application = get_wsgi_application()
if not settings.SECRET_KEY:
    raise ImproperlyConfigured(
        "SAMSYN_SECRET_KEY saknas. Sätt en lång slumpmässig nyckel i miljön "
        "(eller SAMSYN_DEMO=1 för demoläge)."
    )
