"""Who may write to whom, and who sees which message, file and announcement.

Mail (Положение 3.9, 4.5, 4.11, 4.12), always inside the actor's organization, to active
accounts only:

- a student or a parent writes to the curators and the teachers (workload of the current
  academic year) of their own (their child's) groups;
- staff write to staff;
- `messages.write_own_group` (the curator): also to the students and parents of the groups they
  curate, one by one or the whole group at once; `messages.write_taught_groups` (the teacher,
  Положение 4.6 «организуют обмен информацией с обучающимися и родителями»): to those of the
  groups they teach this academic year (a workload line of the year containing today);
  `messages.write_all_groups` (director, deputy, administrator): to those of any group.

A reply goes to the participants of the thread the actor may write to, and to those who wrote
to the actor in it and may still do so (a teacher answers a parent who wrote to them).

Groups are read today, in the organization's local date, from dated memberships. A parent's
children are those whose e-diary they receive (`Guardianship.receives_diary`), as in the diary.
A dismissed employee is no longer staff here, but stays a parent if they are one.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from otmetka.academics.models import Group, Membership, Workload
from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.permissions import ActiveRole
from otmetka.accounts.roles import STAFF_ROLES, Role
from otmetka.lib.dates import local_today
from otmetka.messaging.models import (
    Announcement,
    AnnouncementAttachment,
    Message,
    MessageAttachment,
    MessageRecipient,
)
from otmetka.people.models import Employee, Guardianship, Person

FAMILY_ROLES = (Role.STUDENT, Role.PARENT)
# Rights to write first to students and parents of some groups (the groups differ by right).
GROUP_WRITERS = (
    "messages.write_own_group",
    "messages.write_taught_groups",
    "messages.write_all_groups",
)


def today_of(actor: ActiveRole) -> dt.date:
    return local_today(actor.organization.timezone)


def _curators(group_ids: QuerySet) -> QuerySet:
    return Group.curators.through.objects.filter(group_id__in=group_ids).values("employee_id")


def family_group_ids(actor: ActiveRole, day: dt.date) -> QuerySet:
    """Ids of the groups a student is in today, or a parent's children are in (a subquery)."""
    memberships = Membership.objects.on_day(day).filter(
        group__organization_id=actor.organization_id
    )
    if actor.role == Role.STUDENT:
        memberships = memberships.filter(student__person__user_id=actor.user.pk)
    elif actor.role == Role.PARENT:
        # Only the children whose e-diary the parent receives, as the diary itself counts them
        # (Положение 3.8, 3.9: correspondence is part of the e-diary).
        memberships = memberships.filter(
            student__guardianships__guardian__user_id=actor.user.pk,
            student__guardianships__receives_diary=True,
        )
    else:
        memberships = memberships.none()
    return memberships.values_list("group_id", flat=True)


def curated_group_ids(actor: ActiveRole) -> QuerySet:
    """Ids of the active groups the actor curates (a subquery)."""
    return Group.curators.through.objects.filter(
        employee_id=actor.employee_id or 0,
        group__organization_id=actor.organization_id,
        group__is_active=True,
    ).values_list("group_id", flat=True)


def taught_group_ids(actor: ActiveRole) -> QuerySet:
    """Ids of the groups the actor teaches this academic year (a subquery): a workload line
    of the year containing today, in the organization's local date."""
    day = today_of(actor)
    return Workload.objects.filter(
        teacher_id=actor.employee_id or 0,
        group__organization_id=actor.organization_id,
        academic_year__date_from__lte=day,
        academic_year__date_to__gte=day,
    ).values_list("group_id", flat=True)


def own_group_ids(actor: ActiveRole) -> QuerySet | None:
    """Ids of the groups whose people the actor writes to by their own role (a subquery): the
    groups they curate, the groups they teach; None when neither right is theirs."""
    if actor.employee_id is None:
        return None
    curated = actor.has("messages.write_own_group")
    taught = actor.has("messages.write_taught_groups")
    if curated and taught:
        return Group.objects.filter(
            Q(pk__in=curated_group_ids(actor)) | Q(pk__in=taught_group_ids(actor))
        ).values_list("pk", flat=True)
    if curated:
        return curated_group_ids(actor)
    if taught:
        return taught_group_ids(actor)
    return None


def writable_groups(actor: ActiveRole) -> QuerySet[Group]:
    """Groups whose students and parents the actor may write to, one by one or all at once."""
    groups = Group.objects.filter(organization_id=actor.organization_id, is_active=True)
    if not actor.has("messages.send"):
        return groups.none()
    if actor.has("messages.write_all_groups"):
        return groups
    own = own_group_ids(actor)
    return groups.filter(pk__in=own) if own is not None else groups.none()


def _working(day: dt.date) -> Q:
    """As staff, not dismissed by `day` (staff without a staff card count as working).

    Only the staff side of a person: a former employee who is a parent is still a parent.
    """
    dismissed = Employee.objects.filter(dismissal_date__lt=day, person__user__isnull=False)
    return ~Q(pk__in=dismissed.values("person__user_id"))


def _teachers_of(group_ids: QuerySet, day: dt.date) -> Q:
    """Accounts of the curators and of this academic year's teachers of the groups."""
    taught = Workload.objects.filter(
        group_id__in=group_ids,
        academic_year__date_from__lte=day,
        academic_year__date_to__gte=day,
    ).values("teacher_id")
    employees = Employee.objects.filter(Q(pk__in=_curators(group_ids)) | Q(pk__in=taught))
    at_work = employees.filter(Q(dismissal_date__isnull=True) | Q(dismissal_date__gte=day))
    return Q(pk__in=at_work.values("person__user_id"))


def students_of(group_ids: QuerySet, day: dt.date) -> Q:
    roll = Membership.objects.on_day(day).filter(group_id__in=group_ids).values("student_id")
    return Q(pk__in=Person.objects.filter(student__in=roll).values("user_id"))


def parents_of(group_ids: QuerySet, day: dt.date) -> Q:
    """Accounts of the parents who receive the e-diary of a student on the groups' roll."""
    roll = Membership.objects.on_day(day).filter(group_id__in=group_ids).values("student_id")
    guardians = Guardianship.objects.filter(student__in=roll, receives_diary=True)
    return Q(pk__in=guardians.values("guardian__user_id"))


def _accounts(actor: ActiveRole) -> QuerySet[User]:
    """Active accounts of the actor's organization, the actor excluded."""
    return User.objects.filter(
        organization_id=actor.organization_id, is_active=True, is_superuser=False
    ).exclude(pk=actor.user.pk)


def recipients_for(actor: ActiveRole) -> QuerySet[User]:
    """Everyone the actor may start a conversation with (one query when evaluated)."""
    if not actor.has("messages.send"):
        return User.objects.none()
    day = today_of(actor)
    scope = Q(pk__in=[])
    if actor.role in STAFF_ROLES:
        staff = RoleAssignment.objects.filter(
            organization_id=actor.organization_id, role__in=list(STAFF_ROLES)
        ).values("user_id")
        scope |= Q(pk__in=staff) & _working(day)
    if actor.role in FAMILY_ROLES:
        scope |= _teachers_of(family_group_ids(actor, day), day)
    if actor.has_any(*GROUP_WRITERS):
        groups = writable_groups(actor).values("pk")
        scope |= students_of(groups, day) | parents_of(groups, day)
    return _accounts(actor).filter(scope)


def _may_still_write_back(actor: ActiveRole, thread: Message) -> list[int]:
    """Those who wrote to the actor in this thread and, in one of their roles, may still
    write to them (a teacher answers a parent; a parent answers the director's letter).

    Only those the actor may not write to anyway are looked at, a query or two each: a parent
    or a student who wrote to a teacher who is not their curator; never the parents answering
    their curator's letter to the whole group, however many they are.
    """
    senders = (
        Message.objects.filter(thread_id=thread.pk, recipients__user_id=actor.user.pk)
        .exclude(sender_id=actor.user.pk)
        .exclude(sender_id__in=recipients_for(actor).values("pk"))
        .values("sender_id")
    )
    assignments = RoleAssignment.objects.filter(
        user_id__in=senders, organization_id=actor.organization_id
    ).select_related("user__person__employee", "organization")
    day = today_of(actor)
    allowed: list[int] = []
    for assignment in assignments.order_by("user_id", "id"):
        if assignment.user_id in allowed or _dismissed_staff(assignment, day):
            continue
        if can_write_to(ActiveRole(assignment), actor.user):
            allowed.append(assignment.user_id)
    return allowed


def _dismissed_staff(assignment: RoleAssignment, day: dt.date) -> bool:
    """A staff role of someone dismissed by `day`: it no longer speaks for them."""
    if assignment.role not in STAFF_ROLES:
        return False
    person = getattr(assignment.user, "person", None)
    employee = getattr(person, "employee", None) if person is not None else None
    dismissed = employee.dismissal_date if employee is not None else None
    return dismissed is not None and dismissed < day


def reply_recipients_for(actor: ActiveRole, thread: Message) -> QuerySet[User]:
    """Participants of the thread the actor may still answer: those they may write to, and
    those who wrote to them here and may still write to them."""
    if not actor.has("messages.send"):
        return User.objects.none()
    participants = Q(
        pk__in=MessageRecipient.objects.filter(message__thread_id=thread.pk).values("user_id")
    ) | Q(pk__in=Message.objects.filter(thread_id=thread.pk).values("sender_id"))
    allowed = Q(pk__in=recipients_for(actor).values("pk")) | Q(
        pk__in=_may_still_write_back(actor, thread)
    )
    return _accounts(actor).filter(participants).filter(allowed)


def can_write_to(actor: ActiveRole, user: User) -> bool:
    return recipients_for(actor).filter(pk=user.pk).exists()


def can_broadcast(actor: ActiveRole) -> bool:
    return actor.has("messages.send") and actor.has_any(*GROUP_WRITERS)


def messages_visible_to(actor: ActiveRole) -> QuerySet[Message]:
    """Messages of the actor's organization they sent or received."""
    user_id = actor.user.pk
    received = MessageRecipient.objects.filter(user_id=user_id).values("message_id")
    return Message.objects.filter(organization_id=actor.organization_id).filter(
        Q(sender_id=user_id) | Q(pk__in=received)
    )


def get_thread_for_user_or_404(actor: ActiveRole, thread_id: int) -> Message:
    """The first message of a thread in which the actor sent or received at least one message."""
    mine = messages_visible_to(actor).filter(thread_id=OuterRef("pk"))
    threads = Message.objects.filter(
        Exists(mine), organization_id=actor.organization_id, thread_id=F("pk")
    )
    return get_object_or_404(threads, pk=thread_id)


def get_message_for_user_or_404(actor: ActiveRole, message_id: int) -> Message:
    return get_object_or_404(messages_visible_to(actor).select_related("thread"), pk=message_id)


def get_attachment_for_user_or_404(actor: ActiveRole, attachment_id: int) -> MessageAttachment:
    """A file of a message the actor sent or received; 404 to everyone else."""
    attachments = MessageAttachment.objects.filter(
        message__in=messages_visible_to(actor).values("pk")
    )
    return get_object_or_404(attachments, pk=attachment_id)


# --- Announcements ---------------------------------------------------------------------------


def can_publish(actor: ActiveRole) -> bool:
    return actor.has_any("announcements.publish_all", "announcements.publish_own_group")


def publishable_groups(actor: ActiveRole) -> QuerySet[Group]:
    groups = Group.objects.filter(organization_id=actor.organization_id, is_active=True)
    if actor.has("announcements.publish_all"):
        return groups
    if actor.has("announcements.publish_own_group") and actor.employee_id is not None:
        return groups.filter(pk__in=curated_group_ids(actor))
    return groups.none()


def audience_group_ids(actor: ActiveRole, day: dt.date) -> QuerySet:
    """Groups whose announcements the actor reads: a student's group, a parent's children's
    groups, a curator's groups (a subquery)."""
    if actor.role in FAMILY_ROLES:
        return family_group_ids(actor, day)
    if actor.role == Role.CURATOR:
        return curated_group_ids(actor)
    return Group.objects.none().values_list("pk", flat=True)


def _addressed_to(actor: ActiveRole, day: dt.date) -> Q:
    return (
        Q(audience=Announcement.Audience.ORGANIZATION)
        | Q(audience=Announcement.Audience.ROLE, role=actor.role)
        | Q(audience=Announcement.Audience.GROUP, group_id__in=audience_group_ids(actor, day))
    )


def announcements_visible_to(actor: ActiveRole) -> QuerySet[Announcement]:
    """Active announcements addressed to the actor, their own ones (past and future too) and,
    for `announcements.publish_all`, every announcement of the organization."""
    announcements = Announcement.objects.filter(organization_id=actor.organization_id)
    if actor.has("announcements.publish_all"):
        return announcements
    day = today_of(actor)
    active = Q(valid_from__lte=day, valid_to__gte=day) & _addressed_to(actor, day)
    return announcements.filter(active | Q(author_id=actor.user.pk))


def get_announcement_for_user_or_404(actor: ActiveRole, announcement_id: int) -> Announcement:
    return get_object_or_404(
        announcements_visible_to(actor).select_related("author__person", "group"),
        pk=announcement_id,
    )


def get_announcement_attachment_for_user_or_404(
    actor: ActiveRole, attachment_id: int
) -> AnnouncementAttachment:
    attachments = AnnouncementAttachment.objects.filter(
        announcement__in=announcements_visible_to(actor).values("pk")
    )
    return get_object_or_404(attachments, pk=attachment_id)


def can_edit_announcement(actor: ActiveRole, announcement: Announcement) -> bool:
    """The author while they may still publish, or whoever publishes for the organization."""
    if announcement.organization_id != actor.organization_id:
        return False
    if actor.has("announcements.publish_all"):
        return True
    return announcement.author_id == actor.user.pk and can_publish(actor)
