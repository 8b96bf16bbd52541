from django.urls import path

from otmetka.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.sent, name="sent"),
    path("new/", views.compose, name="compose"),
    path("recipients/", views.recipient_search, name="recipient_search"),
    path("badge/", views.badge, name="badge"),
    path("threads/<int:thread_id>/", views.thread, name="thread"),
    path("<int:message_id>/reply/", views.reply, name="reply"),
    path("<int:message_id>/archive/", views.archive, name="archive"),
    path("files/<int:message_attachment_id>/", views.attachment, name="attachment"),
    path("announcements/", views.announcement_list, name="announcement_list"),
    path("announcements/new/", views.announcement_create, name="announcement_create"),
    path("announcements/slot/", views.announcement_slot, name="announcement_slot"),
    path(
        "announcements/<int:announcement_id>/",
        views.announcement_detail,
        name="announcement_detail",
    ),
    path(
        "announcements/<int:announcement_id>/edit/",
        views.announcement_edit,
        name="announcement_edit",
    ),
    path(
        "announcements/<int:announcement_id>/delete/",
        views.announcement_delete_view,
        name="announcement_delete",
    ),
    path(
        "announcements/files/<int:announcement_attachment_id>/",
        views.announcement_attachment,
        name="announcement_attachment",
    ),
]
