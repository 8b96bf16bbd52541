from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("otmetka.accounts.urls")),
    path("people/", include("otmetka.people.urls")),
    path("study/", include("otmetka.academics.urls")),
    path("college/", include("otmetka.org.urls")),
    path("journal/", include("otmetka.journal.urls")),
    path("movement/", include("otmetka.movement.urls")),
    path("timetable/", include("otmetka.schedule.urls")),
    path("notifications/", include("otmetka.notifications.urls")),
    path("messages/", include("otmetka.messaging.urls")),
    path("diary/", include("otmetka.diary.urls")),
    path("reports/", include("otmetka.reports.urls")),
    path("certificates/", include("otmetka.certificates.urls")),
    path("contingent/", include("otmetka.contingent.urls")),
    path("documents/", include("otmetka.documents.urls")),
    path("i18n/", include(("django.conf.urls.i18n", "i18n"), namespace="i18n")),
    path("django-admin/", admin.site.urls),
    # Browsers ask for /favicon.ico where a page names no icon (a PDF opened in a tab).
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("otmetka/favicon.svg"), permanent=True),
    ),
]

# A database outage answers 503 «Сервис временно недоступен» instead of the 500 page.
handler500 = "otmetka.lib.outage.server_error"
