"""Reads for the mail and announcement pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from otmetka.academics.models import Group, Membership, Workload
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import Role
from otmetka.lib.text import initials
from otmetka.messaging.models import (
    Announcement,
    AnnouncementAttachment,
    Message,
    MessageAttachment,
    MessageRecipient,
    search_key,
)
from otmetka.messaging.permissions import (
    FAMILY_ROLES,
    family_group_ids,
    own_group_ids,
    recipients_for,
    today_of,
    writable_groups,
)
from otmetka.people.models import Guardianship

ANNOUNCEMENTS_SHOWN = 5


def announcements_for(
    *, organization_id: int, role: str, group_ids: list[int], today: dt.date
) -> list[Announcement]:
    """Active announcements for a role and its groups, newest first (one query).

    Active means valid_from ≤ today ≤ valid_to; the audience is the whole organization, one of
    `group_ids` (a student's group, a parent's children's groups, a curator's groups) or `role`.
    """
    audience = Q(audience=Announcement.Audience.ORGANIZATION) | Q(
        audience=Announcement.Audience.ROLE, role=role
    )
    if group_ids:
        audience |= Q(audience=Announcement.Audience.GROUP, group_id__in=group_ids)
    return list(
        Announcement.objects.filter(organization_id=organization_id)
        .active_on(today)
        .filter(audience)
        .select_related("group")
        .order_by("-valid_from", "-created_at", "-id")[:ANNOUNCEMENTS_SHOWN]
    )


@dataclass(frozen=True)
class Option:
    user_id: int
    name: str
    note: str = ""


@dataclass
class OptionGroup:
    label: str
    options: list[Option] = field(default_factory=list)


def _name(last: str, first: str, middle: str) -> str:
    return " ".join(part for part in (last, first, middle) if part)


def inbox_rows(
    *, user_id: int, organization_id: int, text: str = "", archived: bool = False
) -> QuerySet[MessageRecipient]:
    """The user's copies of received messages, newest first, with sender and a files flag."""
    rows = MessageRecipient.objects.filter(
        user_id=user_id, archived=archived, message__organization_id=organization_id
    )
    if key := search_key(text):
        rows = rows.filter(
            Q(message__subject_key__contains=key)
            | Q(message__sender__person__sort_key__contains=key)
        )
    files = MessageAttachment.objects.filter(message_id=OuterRef("message_id"))
    return (
        rows.select_related("message__sender__person")
        .annotate(has_files=Exists(files))
        .order_by("-message__created_at", "-message_id")
    )


def unread_count(*, user_id: int, organization_id: int) -> int:
    return MessageRecipient.objects.filter(
        user_id=user_id,
        read_at__isnull=True,
        archived=False,
        message__organization_id=organization_id,
    ).count()


def sent_rows(
    *, user_id: int, organization_id: int, text: str = "", archived: bool = False
) -> QuerySet[Message]:
    """Messages the user sent with read counts; recipients come in one prefetch query."""
    messages = Message.objects.filter(
        sender_id=user_id, organization_id=organization_id, sender_archived=archived
    )
    if key := search_key(text):
        named = MessageRecipient.objects.filter(
            message_id=OuterRef("pk"), user__person__sort_key__contains=key
        )
        messages = messages.filter(Q(subject_key__contains=key) | Exists(named))
    files = MessageAttachment.objects.filter(message_id=OuterRef("pk"))
    recipients = MessageRecipient.objects.select_related("user__person").order_by(
        "user__person__sort_key", "id"
    )
    return (
        messages.annotate(
            recipients_total=Count("recipients"),
            read_total=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
            has_files=Exists(files),
        )
        .prefetch_related(Prefetch("recipients", queryset=recipients))
        .order_by("-created_at", "-id")
    )


def thread_messages(*, user_id: int, thread: Message) -> list[Message]:
    """The thread's messages the user sent or received, oldest first (three queries).

    A reply a parent sent to the curator in a thread that began as a letter to the whole group
    stays between the two of them: other participants do not see it.
    """
    received = MessageRecipient.objects.filter(user_id=user_id).values("message_id")
    recipients = MessageRecipient.objects.select_related("user__person").order_by(
        "user__person__sort_key", "id"
    )
    return list(
        Message.objects.filter(thread_id=thread.pk, organization_id=thread.organization_id)
        .filter(Q(sender_id=user_id) | Q(pk__in=received))
        .select_related("sender__person")
        .prefetch_related(Prefetch("recipients", queryset=recipients), "attachments")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Letter:
    message: Message
    sender_children: list[str]
    unread: bool


def thread_letters(*, user_id: int, thread: Message, day: dt.date) -> list[Letter]:
    """The thread page: its letters for this user, whether each is still unread by them and,
    for a parent's letter, their children (four queries)."""
    items = thread_messages(user_id=user_id, thread=thread)
    children = children_of_parents(
        user_ids={item.sender_id for item in items},
        organization_id=thread.organization_id,
        day=day,
    )
    return [
        Letter(
            item,
            children.get(item.sender_id, []),
            any(r.user_id == user_id and r.read_at is None for r in item.recipients.all()),
        )
        for item in items
    ]


def children_of_parents(
    *, user_ids: Iterable[int], organization_id: int, day: dt.date
) -> dict[int, list[str]]:
    """For parents among `user_ids`: their children as «Студентов И. П. (ИС-21)» (one query)."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    group = Membership.objects.on_day(day).filter(student_id=OuterRef("student_id"))
    rows = (
        Guardianship.objects.filter(
            guardian__user_id__in=ids,
            guardian__organization_id=organization_id,
            receives_diary=True,
        )
        .annotate(group_name=Subquery(group.values("group__name")[:1]))
        .values_list(
            "guardian__user_id",
            "student__person__last_name",
            "student__person__first_name",
            "student__person__middle_name",
            "group_name",
        )
        .order_by("student__person__sort_key")
    )
    children: dict[int, list[str]] = {}
    for user_id, last, first, middle, group_name in rows:
        name = initials(last, first, middle)
        children.setdefault(user_id, []).append(f"{name} ({group_name})" if group_name else name)
    return children


def recipient_groups(actor: ActiveRole) -> list[OptionGroup]:
    """The compose form's short lists: a family's curators and teachers; the groups a curator
    curates or a teacher teaches.

    Everyone else (staff, any group's people for the director) is found by name search.
    """
    day = today_of(actor)
    groups: list[OptionGroup] = []
    if actor.role in FAMILY_ROLES:
        group_ids = family_group_ids(actor, day)
        allowed = recipients_for(actor).select_related("person")
        curators = allowed.filter(
            person__employee__in=Group.curators.through.objects.filter(
                group_id__in=group_ids
            ).values("employee_id")
        )
        groups.append(
            OptionGroup(
                str(_("Куратор")),
                [Option(user.pk, user.person.full_name) for user in curators],
            )
        )
        subjects: dict[int, list[str]] = {}
        workloads = Workload.objects.filter(
            group_id__in=group_ids,
            academic_year__date_from__lte=day,
            academic_year__date_to__gte=day,
        ).values_list("teacher__person__user_id", "item__name")
        for user_id, item_name in workloads.order_by("item__position", "item__index"):
            if user_id is not None and item_name not in subjects.setdefault(user_id, []):
                subjects[user_id].append(item_name)
        teachers = allowed.filter(pk__in=list(subjects))
        groups.append(
            OptionGroup(
                str(_("Преподаватели")),
                [
                    Option(user.pk, user.person.full_name, ", ".join(subjects[user.pk]))
                    for user in teachers
                ],
            )
        )
    own = own_group_ids(actor)
    if own is not None:
        groups.extend(_own_groups_people(actor, own, day))
    return [group for group in groups if group.options]


def _own_groups_people(actor: ActiveRole, own: QuerySet, day: dt.date) -> list[OptionGroup]:
    """Students and parents of the groups the actor curates or teaches, a list per group
    (three queries)."""
    roll = list(
        Membership.objects.on_day(day)
        .filter(group_id__in=own, group__in=writable_groups(actor))
        .select_related("group", "student__person")
        .order_by("group__name", "student__person__sort_key")
    )
    guardians = list(
        Guardianship.objects.filter(
            student_id__in=[m.student_id for m in roll], receives_diary=True
        )
        .exclude(guardian__user__isnull=True)
        .select_related("guardian", "student__person")
        .order_by("guardian__sort_key")
    )
    candidates = {m.student.person.user_id for m in roll} | {g.guardian.user_id for g in guardians}
    candidates.discard(None)
    allowed = set(recipients_for(actor).filter(pk__in=candidates).values_list("pk", flat=True))
    result: list[OptionGroup] = []
    group_names = list(dict.fromkeys(m.group.name for m in roll))
    group_of = {m.student_id: m.group.name for m in roll}
    for group_name in group_names:
        students = OptionGroup(str(_("Обучающиеся группы %(group)s") % {"group": group_name}))
        parents = OptionGroup(str(_("Родители группы %(group)s") % {"group": group_name}))
        for membership in roll:
            person = membership.student.person
            if membership.group.name == group_name and person.user_id in allowed:
                students.options.append(Option(person.user_id, person.full_name))
        for guardianship in guardians:
            guardian = guardianship.guardian
            if group_of.get(guardianship.student_id) == group_name and guardian.user_id in allowed:
                parents.options.append(
                    Option(
                        guardian.user_id,
                        guardian.full_name,
                        _("%(kind)s: %(child)s")
                        % {
                            "kind": guardianship.get_kind_display(),
                            "child": guardianship.student.person.short_name,
                        },
                    )
                )
        result.extend([students, parents])
    return result


def broadcast_choices(actor: ActiveRole) -> list[tuple[str, str]]:
    """«Всем обучающимся группы …», «Всем родителям группы …» for each group the actor may
    write to (one query)."""
    choices: list[tuple[str, str]] = []
    for group_id, name in writable_groups(actor).order_by("name").values_list("pk", "name"):
        choices.append(
            (f"students:{group_id}", _("Всем обучающимся группы %(group)s") % {"group": name})
        )
        choices.append(
            (f"parents:{group_id}", _("Всем родителям группы %(group)s") % {"group": name})
        )
    return choices


def recipient_search(actor: ActiveRole, text: str, limit: int = 20) -> list[Option]:
    """Allowed recipients whose name contains `text`, with their roles (two queries)."""
    key = search_key(text)
    if len(key) < 2:
        return []
    users = (
        recipients_for(actor)
        .filter(person__sort_key__contains=key)
        .select_related("person")
        .prefetch_related("role_assignments")
        .order_by("person__sort_key", "pk")[:limit]
    )
    return [
        Option(
            user.pk,
            user.person.full_name,
            ", ".join(
                str(Role(assignment.role).label)
                for assignment in user.role_assignments.all()
                if assignment.organization_id == actor.organization_id
            ),
        )
        for user in users
    ]


def chosen_options(actor: ActiveRole, user_ids: Iterable[int]) -> list[Option]:
    """Names of already chosen recipients the actor may write to (one query)."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    users = recipients_for(actor).filter(pk__in=ids).select_related("person")
    return [Option(user.pk, user.person.full_name) for user in users.order_by("person__sort_key")]


def announcement_rows(announcements: QuerySet[Announcement]) -> QuerySet[Announcement]:
    """An announcement list page: author, group and a files flag in one query."""
    files = AnnouncementAttachment.objects.filter(announcement_id=OuterRef("pk"))
    return announcements.select_related("author__person", "group").annotate(has_files=Exists(files))
