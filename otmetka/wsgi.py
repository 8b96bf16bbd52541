import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otmetka.settings")

application = get_wsgi_application()

# Refuse to start without a secret: Django raises ImproperlyConfigured for an empty SECRET_KEY.
if not settings.SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY or SECRET_KEY_FILE must be set when DEBUG is off "
        "(for development run with DEBUG=1, as `make run` does)."
    )
