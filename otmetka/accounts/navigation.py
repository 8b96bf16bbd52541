"""Start page and menu of each role."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from otmetka.accounts.roles import Role

START_PAGES: dict[str, str] = {
    Role.DIRECTOR: "academics:dashboard",
    Role.ADMIN: "accounts:user_list",
    Role.DEPUTY: "academics:workload_list",
    Role.HR: "people:staff_list",
    Role.CURATOR: "academics:my_groups",
    Role.TEACHER: "schedule:today",
    Role.DISPATCHER: "schedule:group_list",
    Role.DEPT_HEAD: "academics:group_list",
    Role.SECRETARY: "academics:student_list",
    Role.METHODIST: "academics:program_list",
    Role.STUDENT: "diary:week",
    Role.PARENT: "diary:week",
}


@dataclass(frozen=True)
class MenuItem:
    label: Promise
    url_name: str
    rights: tuple[str, ...]
    roles: tuple[str, ...] = ()
    # A fragment with what waits in the section (a count), loaded by the menu after the page:
    # no page pays a query for it.
    badge: str = ""


MENU: tuple[MenuItem, ...] = (
    MenuItem(_("Обзор"), "academics:dashboard", ("reports.all",)),
    MenuItem(_("Сегодня"), "schedule:today", ("journal.edit_own",)),
    MenuItem(_("Мои группы"), "academics:my_groups", ("groups.view_own",)),
    MenuItem(_("Моя нагрузка"), "academics:my_workload", ("workload.view_own",)),
    MenuItem(
        _("Журналы"),
        "journal:journal_list",
        ("journal.view_own", "journal.view_own_group", "journal.view_all"),
    ),
    MenuItem(
        _("Разблокировки"), "journal:unlock_list", ("journal.unlock",), badge="journal:unlock_badge"
    ),
    MenuItem(_("Моё расписание"), "schedule:my_week", ("timetable.view",)),
    MenuItem(
        _("Расписание групп"),
        "schedule:group_list",
        ("timetable.edit", "groups.view_all", "reports.all"),
    ),
    MenuItem(_("Замены"), "schedule:changes_day", ("timetable.view",)),
    MenuItem(_("Вычитка часов"), "schedule:hours_report", ("reports.all", "timetable.edit")),
    MenuItem(_("Мои часы"), "schedule:hours_my", ("reports.own",)),
    MenuItem(_("Группы"), "academics:group_list", ("groups.view_all",)),
    MenuItem(_("Обучающиеся"), "academics:student_list", ("students.view_all",)),
    MenuItem(_("Нагрузка"), "academics:workload_list", ("workload.view_all",)),
    MenuItem(_("Книга движения"), "movement:book", ("movement.view", "movement.edit")),
    MenuItem(_("Просроченные приказы"), "movement:late", ("movement.edit",)),
    MenuItem(_("Программы и планы"), "academics:program_list", ("programs.edit",)),
    MenuItem(_("Сотрудники"), "people:staff_list", ("staff.view",)),
    MenuItem(_("Загрузка и выгрузка"), "contingent:index", ("students.edit_all", "staff.edit")),
    # reports.catalogue.all_report_rights() (this layer is below reports; a test keeps them
    # equal): the section's index lists the reports the role may open.
    MenuItem(
        _("Отчёты"),
        "reports:index",
        (
            "reports.all",
            "movement.view",
            "journal.view_all",
            "reports.own_group",
            "timetable.edit",
            "reports.own",
            "certificates.issue",
            "summary.prepare",
            "summary.approve",
        ),
    ),
    # Every right that orders a document (documents.kinds.document_rights; a test keeps them
    # equal): the books, exports and printed journals built in the background.
    MenuItem(
        _("Мои документы"),
        "documents:list",
        (
            "journal.view_own", "journal.edit_own", "journal.view_all", "journal.unlock",
            "reports.all", "reports.own", "movement.view", "students.edit_all",
            "timetable.edit",
        ),
    ),
    MenuItem(_("Новый учебный год"), "academics:rollover", ("workload.edit", "groups.edit")),
    MenuItem(
        _("Пользователи"), "accounts:user_list", ("users.staff", "users.students", "users.parents")
    ),
    MenuItem(_("Права ролей"), "accounts:rights", ("rights.edit",)),
    MenuItem(_("Организация"), "org:settings", ("org.edit",)),
    MenuItem(_("Виды работ"), "journal:work_kind_list", ("org.edit",)),
    MenuItem(_("Кабинеты и звонки"), "org:room_list", ("timetable.edit",)),
    MenuItem(_("Сокращённые дни"), "schedule:date_bells", ("timetable.edit",)),
    MenuItem(_("Журнал аудита"), "accounts:audit_log", ("audit.view",)),
    MenuItem(_("Дневник"), "diary:week", ("diary.view_own",)),
    MenuItem(_("Отметки"), "diary:marks", ("diary.view_own",)),
    MenuItem(_("Посещаемость"), "diary:attendance", ("diary.view_own",)),
    MenuItem(_("Письма родителям"), "diary:letters", ("reports.own_group", "reports.all")),
    MenuItem(_("Мои данные"), "accounts:profile", ("diary.view_own",)),
    MenuItem(_("Сообщения"), "messaging:inbox", ("messages.send",)),
    MenuItem(
        _("Объявления"),
        "messaging:announcement_list",
        ("messages.send", "announcements.publish_all", "announcements.publish_own_group"),
    ),
)
