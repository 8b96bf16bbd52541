"""A database outage: the errors that mean it, and the page people see while it lasts.

The page comes from the 500 handler (`handler500` in otmetka/urls.py), not from a middleware:
Django turns an exception into a response at every layer of the middleware stack, so a
middleware sees only the errors of the views below it. The first query of a signed-in
person's request runs in the accounts middleware (the session, the user, the active role),
long before a view, and it is the one that meets the outage.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

# What the database driver raises when the server is down, restarting, refuses connections,
# or has dropped ours (Django wraps psycopg's and sqlite3's errors in these two).
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
# A restart of PostgreSQL or a switch to a replica takes seconds to a minute.
RETRY_AFTER_SECONDS = 60


def is_database_outage(error: BaseException | None) -> bool:
    """True when `error`, or an error it was raised while handling, is a database outage."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def outage_response() -> HttpResponse:
    """The Russian 503 page, rendered without the database.

    No request is passed to the template, so no context processor runs: they would load the
    session, the user and the menu, which is the database that has just failed.
    """
    content = loader.get_template("503.html").render()
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler: a 503 page while the database is out, Django's 500 page otherwise.

    Django calls it while handling the exception, and logs the request with the exception and
    the status returned here (django.request, level ERROR).
    """
    if is_database_outage(sys.exc_info()[1]):
        return outage_response()
    return defaults.server_error(request)
