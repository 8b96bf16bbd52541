"""The twelve roles of the regulation (DESIGN.md §1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Директор")
    ADMIN = "admin", _("Администратор АИС")
    DEPUTY = "deputy", _("Заместитель директора по УМР")
    HR = "hr", _("Специалист отдела кадров")
    CURATOR = "curator", _("Куратор группы")
    TEACHER = "teacher", _("Преподаватель")
    DISPATCHER = "dispatcher", _("Диспетчер расписания")
    DEPT_HEAD = "dept_head", _("Заведующий отделением")
    SECRETARY = "secretary", _("Секретарь учебной части")
    METHODIST = "methodist", _("Методист")
    STUDENT = "student", _("Обучающийся")
    PARENT = "parent", _("Родитель (законный представитель)")


STAFF_ROLES = frozenset(Role) - {Role.STUDENT, Role.PARENT}
