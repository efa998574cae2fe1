"""WSGI entry point for Utvei."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utvei.settings")
application = get_wsgi_application()
