from django.urls import path  # noqa: F401

from otmetka.schedule.views import bells as bells_views
from otmetka.schedule.views import changes as changes_views  # changes
from otmetka.schedule.views import entries as entries_views  # entries
from otmetka.schedule.views import feeds as feeds_views  # changes
from otmetka.schedule.views import hours as hours_views  # hours
from otmetka.schedule.views import personal as personal_views  # changes
from otmetka.schedule.views import today as today_views  # generate

app_name = "schedule"

urlpatterns: list = [
    # === sections: each engineer adds theirs below with a marker comment ===
    # === generate ===
    path("today/", today_views.today, name="today"),
    path("generate/", today_views.generate, name="generate"),
    # === end generate ===
    # === changes ===
    path("changes/", changes_views.changes_day, name="changes_day"),
    path("changes/pdf/", changes_views.changes_pdf, name="changes_pdf"),
    path("changes/<int:change_id>/delete/", changes_views.change_delete, name="change_delete"),
    path("my/week/", personal_views.my_week, name="my_week"),
    path("my/today/", personal_views.my_today, name="my_today"),
    path("week.pdf", personal_views.week_pdf, name="week_pdf"),
    path("feeds/", feeds_views.feed_list, name="feed_list"),
    path("feeds/new/", feeds_views.feed_create_view, name="feed_create"),
    path("feeds/<int:feed_id>/revoke/", feeds_views.feed_revoke_view, name="feed_revoke"),
    path("ical/<str:token>.ics", feeds_views.ical, name="ical"),
    # === end changes ===
    # === entries ===
    path("", entries_views.group_list, name="group_list"),
    path("groups/<int:group_id>/", entries_views.group_week, name="group_week"),
    path("groups/<int:group_id>/add/", entries_views.entry_create, name="entry_create"),
    path("groups/<int:group_id>/copy-week/", entries_views.week_copy, name="week_copy"),
    path("groups/<int:group_id>/clear-day/", entries_views.day_clear, name="day_clear"),
    path("groups/<int:group_id>/export/", entries_views.export_xlsx, name="export_xlsx"),
    path("entries/<int:entry_id>/", entries_views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/delete/", entries_views.entry_delete, name="entry_delete"),
    path("teachers/<int:employee_id>/", entries_views.teacher_week, name="teacher_week"),
    path("rooms/<int:room_id>/", entries_views.room_week, name="room_week"),
    path("conflicts/", entries_views.conflicts, name="conflicts"),
    path("hours/", entries_views.hours_balance, name="hours_balance"),
    path("export/", entries_views.export_xlsx, name="export_xlsx"),
    path("import/", entries_views.timetable_import, name="import"),
    path("import/template/", entries_views.import_template, name="import_template"),
    # === end entries ===
    # === hours ===
    path("hours/report/", hours_views.hours_report, name="hours_report"),
    path("hours/my/", hours_views.hours_my, name="hours_my"),
    path("hours/report.xlsx", hours_views.hours_xlsx, name="hours_xlsx"),
    path("hours/report.pdf", hours_views.hours_pdf, name="hours_pdf"),
    # === end hours ===
    path("bells/dates/", bells_views.date_bells, name="date_bells"),
    path(
        "bells/dates/<int:date_bells_id>/remove/",
        bells_views.date_bells_remove,
        name="date_bells_remove",
    ),
]
