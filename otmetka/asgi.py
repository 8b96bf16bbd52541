import os

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otmetka.settings")

application = get_asgi_application()

# Refuse to start without a secret: Django raises ImproperlyConfigured for an empty SECRET_KEY.
if not settings.SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY or SECRET_KEY_FILE must be set when DEBUG is off "
        "(for development run with DEBUG=1, as `make run` does)."
    )
