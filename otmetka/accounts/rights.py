"""Named rights, like SGO's «роли безопасности», and the defaults each role gets.

A role's rights in an organization are these defaults changed by the organization's own
overrides (`RoleRightOverride`), which the administrator edits (Положение 4.2). Rights say
*what* a role may do; row scope (own journals, own group, own department, own children) is
applied on top in each app's permissions.py. Scoped rights come in pairs: *_own and *_all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otmetka.accounts.roles import Role


@dataclass(frozen=True)
class Right:
    code: str
    section: Promise
    label: Promise


_ORG = _("Организация")
_USERS = _("Пользователи и права")
_PEOPLE = _("Сотрудники и обучающиеся")
_STUDY = _("Образовательные программы")
_GROUPS = _("Группы")
_WORKLOAD = _("Нагрузка")
_JOURNAL = _("Электронный журнал")
_MOVEMENT = _("Книга движения")
_TIMETABLE = _("Расписание")
_REPORTS = _("Отчёты")
_DIARY = _("Дневник и переписка")
_ANNOUNCEMENTS = _("Объявления")
_CERTIFICATES = _("Справки")

RIGHTS: tuple[Right, ...] = (
    Right("org.view", _ORG, _("Просмотр структуры организации")),
    Right("org.edit", _ORG, _("Учебные годы, отделения, кабинеты, звонки")),
    Right("users.staff", _USERS, _("Учётные записи сотрудников")),
    Right("users.students", _USERS, _("Учётные записи обучающихся")),
    Right("users.parents", _USERS, _("Учётные записи родителей")),
    Right("credentials.issue_all", _USERS, _("Выдача реквизитов доступа всем")),
    Right("credentials.issue_own_group", _USERS, _("Выдача реквизитов своей группе")),
    Right("rights.edit", _USERS, _("Настройка прав ролей")),
    Right("audit.view", _USERS, _("Просмотр журнала аудита")),
    Right("staff.view", _PEOPLE, _("Просмотр списка сотрудников")),
    Right("staff.edit", _PEOPLE, _("Ведение карточек сотрудников")),
    Right("students.view_all", _PEOPLE, _("Просмотр карточек всех обучающихся")),
    Right("students.view_own_group", _PEOPLE, _("Просмотр карточек своей группы")),
    Right("students.edit_all", _PEOPLE, _("Ведение карточек обучающихся")),
    Right("students.edit_contacts_own_group", _PEOPLE, _("Контактные данные своей группы")),
    Right("guardians.link", _PEOPLE, _("Присоединение родителей к обучающимся")),
    Right("programs.view", _STUDY, _("Просмотр программ и учебных планов")),
    Right("programs.edit", _STUDY, _("Ведение программ и учебных планов")),
    Right("groups.view_all", _GROUPS, _("Просмотр всех групп")),
    Right("groups.view_own", _GROUPS, _("Просмотр своей группы")),
    Right("groups.edit", _GROUPS, _("Формирование групп и их состава")),
    Right("subgroups.edit_own", _GROUPS, _("Подгруппы своей группы")),
    Right("subgroups.edit_all", _GROUPS, _("Подгруппы всех групп")),
    Right("workload.view_all", _WORKLOAD, _("Просмотр нагрузки всех преподавателей")),
    Right("workload.view_own", _WORKLOAD, _("Просмотр своей нагрузки")),
    Right("workload.edit", _WORKLOAD, _("Распределение нагрузки")),
    Right("journal.view_own", _JOURNAL, _("Просмотр своих журналов")),
    Right("journal.view_own_group", _JOURNAL, _("Просмотр журналов своей группы")),
    Right("journal.view_all", _JOURNAL, _("Просмотр всех журналов")),
    Right("journal.edit_own", _JOURNAL, _("Заполнение своих журналов")),
    Right("journal.edit_all", _JOURNAL, _("Заполнение всех журналов")),
    Right("journal.attendance_reasons", _JOURNAL, _("Причины пропусков своей группы")),
    Right("journal.unlock", _JOURNAL, _("Разблокировка журналов")),
    Right("journal.retakes", _JOURNAL, _("Назначение повторной аттестации (пересдач)")),
    Right("movement.view", _MOVEMENT, _("Просмотр книги движения")),
    Right("movement.edit", _MOVEMENT, _("Ведение приказов")),
    Right("timetable.view", _TIMETABLE, _("Просмотр расписания")),
    Right("timetable.edit", _TIMETABLE, _("Составление расписания и замен")),
    Right("reports.own", _REPORTS, _("Свои отчёты преподавателя")),
    Right("reports.own_group", _REPORTS, _("Отчёты по своей группе")),
    Right("reports.all", _REPORTS, _("Все отчёты")),
    Right(
        "summary.prepare",
        _REPORTS,
        _("Подготовка и распечатка сводных ведомостей (своего отделения, своей группы)"),
    ),
    Right("summary.approve", _REPORTS, _("Согласование и визирование сводных ведомостей")),
    Right("diary.view_own", _DIARY, _("Свой дневник (дневник своих детей)")),
    Right("messages.send", _DIARY, _("Переписка")),
    Right(
        "messages.write_own_group",
        _DIARY,
        _("Письма обучающимся и родителям своей группы, в том числе всей группе сразу"),
    ),
    Right(
        "messages.write_taught_groups",
        _DIARY,
        _(
            "Письма обучающимся и родителям групп, в которых преподаёт, "
            "в том числе всей группе сразу"
        ),
    ),
    Right(
        "messages.write_all_groups",
        _DIARY,
        _("Письма обучающимся и родителям любой группы, в том числе всей группе сразу"),
    ),
    Right(
        "announcements.publish_all",
        _ANNOUNCEMENTS,
        _("Объявления для всей организации, роли или любой группы"),
    ),
    Right("announcements.publish_own_group", _ANNOUNCEMENTS, _("Объявления для своей группы")),
    Right(
        "certificates.issue",
        _CERTIFICATES,
        _("Выдача справок обучающимся и журнал регистрации выданных справок"),
    ),
)
RIGHTS_BY_CODE = {right.code: right for right in RIGHTS}

_STAFF_BASE = {"org.view", "programs.view", "timetable.view", "messages.send"}

DEFAULT_RIGHTS: dict[str, frozenset[str]] = {
    Role.DIRECTOR: frozenset(
        _STAFF_BASE
        | {
            "staff.view",
            "students.view_all",
            "groups.view_all",
            "workload.view_all",
            "journal.view_all",
            "movement.view",
            "reports.all",
            "audit.view",
            "certificates.issue",
            "messages.write_all_groups",
            "announcements.publish_all",
        }
    ),
    Role.ADMIN: frozenset(
        _STAFF_BASE
        | {
            "org.edit",
            "users.staff",
            "users.students",
            "users.parents",
            "credentials.issue_all",
            "rights.edit",
            "audit.view",
            "staff.view",
            "students.view_all",
            "groups.view_all",
            "workload.view_all",
            "journal.view_all",
            "journal.unlock",
            "messages.write_all_groups",
            "announcements.publish_all",
        }
    ),
    Role.DEPUTY: frozenset(
        _STAFF_BASE
        | {
            "org.edit",
            "staff.view",
            "students.view_all",
            "programs.edit",
            "groups.view_all",
            "subgroups.edit_all",
            "workload.view_all",
            "workload.edit",
            "journal.view_all",
            "journal.unlock",
            "journal.retakes",
            "movement.view",
            "timetable.edit",
            "reports.all",
            "summary.prepare",
            "summary.approve",
            "certificates.issue",
            "messages.write_all_groups",
            "announcements.publish_all",
        }
    ),
    Role.HR: frozenset(_STAFF_BASE | {"staff.view", "staff.edit"}),
    Role.CURATOR: frozenset(
        _STAFF_BASE
        | {
            "credentials.issue_own_group",
            "students.view_own_group",
            "students.edit_contacts_own_group",
            "groups.view_own",
            "subgroups.edit_own",
            "journal.view_own_group",
            "journal.attendance_reasons",
            "reports.own_group",
            "summary.prepare",
            "messages.write_own_group",
            "announcements.publish_own_group",
        }
    ),
    Role.TEACHER: frozenset(
        _STAFF_BASE
        | {
            "workload.view_own",
            "journal.view_own",
            "journal.edit_own",
            "reports.own",
            # Положение 4.6: «организуют обмен информацией с обучающимися и родителями».
            "messages.write_taught_groups",
        }
    ),
    Role.DISPATCHER: frozenset(
        _STAFF_BASE
        | {
            "staff.view",
            "groups.view_all",
            "subgroups.edit_all",
            "workload.view_all",
            "timetable.edit",
        }
    ),
    Role.DEPT_HEAD: frozenset(
        _STAFF_BASE
        | {
            "students.view_all",
            "students.edit_all",
            "guardians.link",
            "groups.view_all",
            "groups.edit",
            "subgroups.edit_all",
            "journal.view_all",
            "journal.retakes",
            "movement.view",
            "movement.edit",
            "reports.all",
            "summary.prepare",
        }
    ),
    Role.SECRETARY: frozenset(
        _STAFF_BASE
        | {
            "students.view_all",
            "students.edit_all",
            "groups.view_all",
            # Положение 4.9: the secretaries print the сводные ведомости and issue справки.
            "summary.prepare",
            "certificates.issue",
        }
    ),
    Role.METHODIST: frozenset(_STAFF_BASE | {"programs.edit", "groups.view_all"}),
    Role.STUDENT: frozenset({"diary.view_own", "timetable.view", "messages.send"}),
    Role.PARENT: frozenset({"diary.view_own", "timetable.view", "messages.send"}),
}

assert all(code in RIGHTS_BY_CODE for codes in DEFAULT_RIGHTS.values() for code in codes)
