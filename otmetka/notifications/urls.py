from django.urls import path  # noqa: F401

from otmetka.notifications import views  # changes

app_name = "notifications"

urlpatterns: list = [
    # === sections: each engineer adds theirs below with a marker comment ===
    # === changes ===
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="mark_read"),
    path("<int:notification_id>/", views.notification_open, name="open"),
    path("badge/", views.badge, name="badge"),
    # === end changes ===
    # === e-mail preferences ===
    path("settings/", views.preferences, name="settings"),
]
