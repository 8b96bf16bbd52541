"""Pages of internal mail (inbox, sent, thread, compose, reply) and of announcements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from otmetka.accounts.permissions import ActiveRole, right_required, role_of, signed_in
from otmetka.lib.downloads import file_download
from otmetka.lib.errors import DomainError
from otmetka.lib.views import form_error, paginate, query_without_page, search_text
from otmetka.messaging import selectors, services
from otmetka.messaging.forms import AnnouncementForm, ComposeForm, ReplyForm, user_ids
from otmetka.messaging.models import Message
from otmetka.messaging.permissions import (
    FAMILY_ROLES,
    announcements_visible_to,
    audience_group_ids,
    can_edit_announcement,
    can_publish,
    get_announcement_attachment_for_user_or_404,
    get_announcement_for_user_or_404,
    get_attachment_for_user_or_404,
    get_message_for_user_or_404,
    get_thread_for_user_or_404,
    publishable_groups,
    reply_recipients_for,
    today_of,
)
from otmetka.messaging.services import message_archive, message_send, thread_mark_read

SEND = "messages.send"
RECIPIENTS_SHOWN = 20  # matches offered while typing a name
PUBLISH = ("announcements.publish_all", "announcements.publish_own_group")


def _ids(role: ActiveRole) -> dict[str, Any]:
    return {"user_id": role.user.pk, "organization_id": role.organization_id}


def _download(file: FieldFile, name: str, content_type: str) -> FileResponse:
    return file_download(file, name=name, content_type=content_type)


# --- Mail ------------------------------------------------------------------------------------


@right_required(SEND)
def inbox(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    text, archived = search_text(request), request.GET.get("archived") == "1"
    page = paginate(request, selectors.inbox_rows(**_ids(role), text=text, archived=archived))
    children = selectors.children_of_parents(
        user_ids=[row.message.sender_id for row in page],
        organization_id=role.organization_id,
        day=today_of(role),
    )
    for row in page:
        row.sender_children = children.get(row.message.sender_id, [])
    context = {
        "page": page,
        "text": text,
        "archived": archived,
        "unread": selectors.unread_count(**_ids(role)),
        "query": query_without_page(request),
    }
    return render(request, "messaging/inbox.html", context)


@right_required(SEND)
def sent(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    text, archived = search_text(request), request.GET.get("archived") == "1"
    page = paginate(request, selectors.sent_rows(**_ids(role), text=text, archived=archived))
    context = {
        "page": page,
        "text": text,
        "archived": archived,
        "query": query_without_page(request),
    }
    return render(request, "messaging/sent.html", context)


@right_required(SEND)
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    role = role_of(request)
    root = get_thread_for_user_or_404(role, thread_id)
    letters = selectors.thread_letters(user_id=role.user.pk, thread=root, day=today_of(role))
    # Read after loading, so the page still shows which letters were new.
    thread_mark_read(user_id=role.user.pk, thread=root)
    context = {"root": root, "letters": letters, "me": role.user.pk}
    return render(request, "messaging/thread.html", context)


@right_required(SEND)
def compose(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    choices = selectors.broadcast_choices(role)
    form = ComposeForm(request.POST or None, request.FILES or None, broadcast_choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            message = message_send(
                actor=role,
                recipient_ids=form.cleaned_data["recipients"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                group_broadcast=form.group_broadcast(),
            )
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Сообщение отправлено."))
            return redirect("messaging:thread", thread_id=message.thread_id)
    wanted = (
        request.POST.getlist("recipients")
        if request.method == "POST"
        else request.GET.getlist("to")
    )
    chosen_ids = user_ids(wanted)
    groups = selectors.recipient_groups(role)
    listed = {option.user_id for group in groups for option in group.options}
    context = {
        "form": form,
        "groups": groups,
        "chosen_ids": chosen_ids,
        "chosen": selectors.chosen_options(role, chosen_ids - listed),
        "can_search": role.role not in FAMILY_ROLES or role.has("messages.write_all_groups"),
    }
    return render(request, "messaging/compose.html", context, status=400 if form.errors else 200)


@right_required(SEND)
def recipient_search(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    # One more than is shown, so that the list can say it goes on.
    found = selectors.recipient_search(role, search_text(request), limit=RECIPIENTS_SHOWN + 1)
    return render(request, "messaging/recipient_search.html", {
        "found": found[:RECIPIENTS_SHOWN], "text": search_text(request),
        "more": len(found) > RECIPIENTS_SHOWN, "shown": RECIPIENTS_SHOWN,
    })


def _default_reply_to(message: Message, me: int, allowed: list[selectors.Option]) -> set[int]:
    allowed_ids = {option.user_id for option in allowed}
    if message.sender_id != me:
        return {message.sender_id} & allowed_ids
    return {r.user_id for r in message.recipients.all()} & allowed_ids


@right_required(SEND)
def reply(request: HttpRequest, message_id: int) -> HttpResponse:
    role = role_of(request)
    message = get_message_for_user_or_404(role, message_id)
    root = message.thread or message
    people = reply_recipients_for(role, root).select_related("person").order_by("person__sort_key")
    allowed = [selectors.Option(user.pk, user.display_name()) for user in people]
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_send(
                actor=role,
                recipient_ids=form.cleaned_data["recipients"],
                subject="",
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                reply_to=message,
            )
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Ответ отправлен."))
            return redirect("messaging:thread", thread_id=root.pk)
    chosen = (
        user_ids(request.POST.getlist("recipients"))
        if request.method == "POST"
        else _default_reply_to(message, role.user.pk, allowed)
    )
    context = {"form": form, "message": message, "root": root, "allowed": allowed}
    context["chosen_ids"] = chosen
    return render(request, "messaging/reply.html", context, status=400 if form.errors else 200)


@require_POST
@right_required(SEND)
def archive(request: HttpRequest, message_id: int) -> HttpResponse:
    role = role_of(request)
    message = get_message_for_user_or_404(role, message_id)
    restore = request.POST.get("restore") == "1"
    message_archive(actor=role, message=message, archived=not restore)
    messages.success(request, _("Сообщение возвращено.") if restore else _("Сообщение в архиве."))
    return redirect("messaging:sent" if request.POST.get("from") == "sent" else "messaging:inbox")


@right_required(SEND)
def attachment(request: HttpRequest, message_attachment_id: int) -> FileResponse:
    role = role_of(request)
    file = get_attachment_for_user_or_404(role, message_attachment_id)
    return _download(file.file, file.original_name, file.content_type)


@signed_in
def badge(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    unread = selectors.unread_count(**_ids(role)) if role.has(SEND) else 0
    return render(request, "messaging/badge.html", {"unread": unread})


# --- Announcements ---------------------------------------------------------------------------


@signed_in
def announcement_list(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    rows = selectors.announcement_rows(announcements_visible_to(role))
    context = {"page": paginate(request, rows), "today": today_of(role), "query": ""}
    context["can_publish"] = can_publish(role)
    return render(request, "messaging/announcement_list.html", context)


@signed_in
def announcement_detail(request: HttpRequest, announcement_id: int) -> HttpResponse:
    role = role_of(request)
    announcement = get_announcement_for_user_or_404(role, announcement_id)
    context = {
        "announcement": announcement,
        "files": list(announcement.attachments.all()),
        "can_edit": can_edit_announcement(role, announcement),
        "today": today_of(role),
    }
    return render(request, "messaging/announcement_detail.html", context)


def _announcement_form(
    request: HttpRequest, role: ActiveRole, announcement: Any = None
) -> AnnouncementForm:
    return AnnouncementForm(
        request.POST or None,
        request.FILES or None,
        groups=publishable_groups(role).order_by("name"),
        publish_all=role.has("announcements.publish_all"),
        announcement=announcement,
        today=today_of(role),
    )


def _announcement_fields(form: AnnouncementForm) -> dict[str, Any]:
    data = form.cleaned_data
    fields = ("title", "body", "audience", "group", "valid_from", "valid_to", "attachments")
    return {name: data[name] for name in fields} | {"role": data.get("role") or ""}


@right_required(*PUBLISH)
def announcement_create(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    form = _announcement_form(request, role)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.announcement_create(actor=role, **_announcement_fields(form))
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Объявление опубликовано."))
            return redirect("messaging:announcement_detail", announcement_id=announcement.pk)
    status = 400 if form.errors else 200
    return render(request, "messaging/announcement_form.html", {"form": form}, status=status)


@right_required(*PUBLISH)
def announcement_edit(request: HttpRequest, announcement_id: int) -> HttpResponse:
    role = role_of(request)
    announcement = get_announcement_for_user_or_404(role, announcement_id)
    if not can_edit_announcement(role, announcement):
        raise PermissionDenied
    form = _announcement_form(request, role, announcement)
    if request.method == "POST" and form.is_valid():
        removed = [a.pk for a in form.cleaned_data.get("remove_attachments") or []]
        try:
            services.announcement_update(
                actor=role,
                announcement=announcement,
                remove_attachment_ids=removed,
                **_announcement_fields(form),
            )
        except DomainError as refusal:
            form_error(form, refusal)
        else:
            messages.success(request, _("Объявление сохранено."))
            return redirect("messaging:announcement_detail", announcement_id=announcement.pk)
    context = {"form": form, "announcement": announcement}
    status = 400 if form.errors else 200
    return render(request, "messaging/announcement_form.html", context, status=status)


@require_POST
@right_required(*PUBLISH)
def announcement_delete_view(request: HttpRequest, announcement_id: int) -> HttpResponse:
    role = role_of(request)
    announcement = get_announcement_for_user_or_404(role, announcement_id)
    if not can_edit_announcement(role, announcement):
        raise PermissionDenied
    services.announcement_delete(actor=role, announcement=announcement)
    messages.success(request, _("Объявление удалено."))
    return redirect("messaging:announcement_list")


@signed_in
def announcement_attachment(request: HttpRequest, announcement_attachment_id: int) -> FileResponse:
    role = role_of(request)
    file = get_announcement_attachment_for_user_or_404(role, announcement_attachment_id)
    return _download(file.file, file.original_name, file.content_type)


@signed_in
def announcement_slot(request: HttpRequest) -> HttpResponse:
    """Active announcements for the start page, loaded after the page (two queries)."""
    role = role_of(request)
    day = today_of(role)
    shown = selectors.announcements_for(
        organization_id=role.organization_id,
        role=role.role,
        group_ids=list(audience_group_ids(role, day)),
        today=day,
    )
    return render(request, "messaging/announcement_slot.html", {"announcements": shown})
