"""Import of students with their parents, and of staff, from XLSX or CSV (Положение 4.4, 4.9).

Two steps, both through `students_check`/`staff_check`: a preview that validates every row and
writes nothing, then `students_import`/`staff_import`, which validate the same file again inside
one transaction and write everything or nothing. Rows whose person is already in the college
are reported as «уже есть» and skipped, so loading the same file twice creates nothing new.

Built for thousands of rows: what the college already holds is read in two or three queries
before the rows are looked at, and the new rows are written with `bulk_create` (the sort key
and the СНИЛС format that `Person.save` would compute are set here). No accounts and no
password hashing: credentials are issued separately.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from otmetka.academics.models import Group, Membership
from otmetka.academics.permissions import department_scope
from otmetka.accounts.permissions import ActiveRole
from otmetka.audit.models import AuditEvent
from otmetka.audit.services import audit_record
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.lib.snils import snils_digits, snils_format, snils_is_valid
from otmetka.lib.tables import fold, parse_date, read_table
from otmetka.org.models import Department, Organization
from otmetka.people.models import (
    Employee,
    Guardianship,
    Person,
    Position,
    Student,
    person_sort_key,
)

MAX_ROWS = 10_000
STUDENTS_RIGHT = "students.edit_all"
STAFF_RIGHT = "staff.edit"
_OLDEST = dt.date(1900, 1, 1)
_YES = {"да", "д", "yes", "y", "1", "+", "true"}
_NO = {"нет", "н", "no", "n", "0", "-", "false"}


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy translation: the header text of the file
    required: bool = False
    note: Any = ""


def _parent_columns(number: int) -> tuple[Column, ...]:
    params = {"n": number}
    return (
        Column(
            f"parent{number}_name",
            gettext_lazy("Родитель %(n)s: ФИО") % params,
            note=gettext_lazy("Фамилия, имя и отчество через пробел."),
        ),
        Column(
            f"parent{number}_kind",
            gettext_lazy("Родитель %(n)s: кем приходится") % params,
            note=gettext_lazy("мать, отец, опекун (попечитель) или иной законный представитель"),
        ),
        Column(f"parent{number}_phone", gettext_lazy("Родитель %(n)s: телефон") % params),
        Column(f"parent{number}_email", gettext_lazy("Родитель %(n)s: e-mail") % params),
        Column(
            f"parent{number}_diary",
            gettext_lazy("Родитель %(n)s: получает дневник") % params,
            note=gettext_lazy("да или нет; пусто — да."),
        ),
    )


_PERSON_COLUMNS = (
    Column("last_name", gettext_lazy("Фамилия"), required=True),
    Column("first_name", gettext_lazy("Имя"), required=True),
    Column("middle_name", gettext_lazy("Отчество")),
    Column(
        "birth_date",
        gettext_lazy("Дата рождения"),
        required=True,
        note=gettext_lazy("ДД.ММ.ГГГГ, например 05.03.2009."),
    ),
)
STUDENT_COLUMNS: tuple[Column, ...] = (
    *_PERSON_COLUMNS,
    Column("sex", gettext_lazy("Пол"), note=gettext_lazy("м или ж.")),
    Column(
        "snils",
        gettext_lazy("СНИЛС"),
        note=gettext_lazy("11 цифр, например 112-233-445 95; контрольное число проверяется."),
    ),
    Column("citizenship", gettext_lazy("Гражданство"), note=gettext_lazy("Пусто — РФ.")),
    Column("phone", gettext_lazy("Телефон")),
    Column("email", gettext_lazy("E-mail")),
    Column("address", gettext_lazy("Адрес")),
    Column("personal_file_no", gettext_lazy("Номер личного дела")),
    Column(
        "education_base",
        gettext_lazy("Образование (9/11)"),
        note=gettext_lazy("9 — основное общее, 11 — среднее общее."),
    ),
    Column(
        "funding",
        gettext_lazy("Основа (бюджет/договор)"),
        note=gettext_lazy("бюджет или договор; пусто — бюджет."),
    ),
    Column(
        "group",
        gettext_lazy("Группа"),
        required=True,
        note=gettext_lazy("Название обучающейся группы колледжа, как в списке групп."),
    ),
    Column(
        "enrolled_on",
        gettext_lazy("Дата зачисления"),
        required=True,
        note=gettext_lazy("С этой даты обучающийся в составе группы."),
    ),
    Column("order_no", gettext_lazy("Приказ о зачислении: номер")),
    Column("order_date", gettext_lazy("Приказ о зачислении: дата")),
    *_parent_columns(1),
    *_parent_columns(2),
)
STAFF_COLUMNS: tuple[Column, ...] = (
    *_PERSON_COLUMNS[:3],
    Column(
        "birth_date",
        gettext_lazy("Дата рождения"),
        note=gettext_lazy("ДД.ММ.ГГГГ. Нужна дата рождения или СНИЛС."),
    ),
    Column(
        "snils",
        gettext_lazy("СНИЛС"),
        note=gettext_lazy("11 цифр, например 112-233-445 95; контрольное число проверяется."),
    ),
    Column("phone", gettext_lazy("Телефон")),
    Column("email", gettext_lazy("E-mail")),
    Column(
        "department",
        gettext_lazy("Отделение"),
        note=gettext_lazy("Название отделения колледжа; можно оставить пустым."),
    ),
    Column(
        "positions",
        gettext_lazy("Должности"),
        note=gettext_lazy("Через точку с запятой, как в справочнике должностей."),
    ),
    Column("hire_date", gettext_lazy("Дата приёма"), required=True),
    Column("hire_order_no", gettext_lazy("Приказ о приёме")),
)
STUDENT_EXAMPLE: dict[str, str] = {
    "last_name": "Петрова",
    "first_name": "Анна",
    "middle_name": "Сергеевна",
    "birth_date": "05.03.2009",
    "sex": "ж",
    "snils": "112-233-445 95",
    "citizenship": "РФ",
    "phone": "+7 913 000-00-01",
    "email": "anna@example.ru",
    "address": "г. Томск, ул. Ленина, д. 1, кв. 1",
    "personal_file_no": "2026-001",
    "education_base": "9",
    "funding": "бюджет",
    "group": "ИС-21",
    "enrolled_on": "01.09.2026",
    "order_no": "125-к",
    "order_date": "20.08.2026",
    "parent1_name": "Петрова Мария Ивановна",
    "parent1_kind": "мать",
    "parent1_phone": "+7 913 000-00-02",
    "parent1_email": "maria@example.ru",
    "parent1_diary": "да",
}
STAFF_EXAMPLE: dict[str, str] = {
    "last_name": "Соколов",
    "first_name": "Игорь",
    "middle_name": "Павлович",
    "birth_date": "12.10.1985",
    "snils": "112-233-445 95",
    "phone": "+7 913 000-00-03",
    "email": "sokolov@example.ru",
    "department": "Очное отделение",
    "positions": "Преподаватель",
    "hire_date": "01.09.2026",
    "hire_order_no": "48-л",
}
SEX_VALUES = {
    "м": Person.Sex.MALE,
    "муж": Person.Sex.MALE,
    "ж": Person.Sex.FEMALE,
    "жен": Person.Sex.FEMALE,
}
FUNDING_VALUES = {"бюджет": Student.Funding.BUDGET, "договор": Student.Funding.CONTRACT}
EDUCATION_VALUES = {"9": Student.EducationBase.GRADE_9, "11": Student.EducationBase.GRADE_11}
KIND_VALUES = {
    "опекун": Guardianship.Kind.GUARDIAN,
    "попечитель": Guardianship.Kind.GUARDIAN,
    "иной": Guardianship.Kind.OTHER,
    "представитель": Guardianship.Kind.OTHER,
}


def _choices(choices: Iterable[tuple[Any, Any]], extra: dict[str, Any]) -> dict[str, str]:
    """Accepted spellings (folded) → stored value: the labels in every language of the site,
    the codes and the short forms."""
    pairs = list(choices)
    found: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.update({fold(str(label)): str(value) for value, label in pairs})
    choices = pairs
    found.update({fold(str(value)): str(value) for value, _label in choices})
    found.update({fold(key): str(value) for key, value in extra.items()})
    return found


# --- Rows ----------------------------------------------------------------------------------------

Status = Literal["new", "exists", "error"]


@dataclass
class GuardianDraft:
    last_name: str
    first_name: str
    middle_name: str
    kind: str
    phone: str
    email: str
    receives_diary: bool

    @property
    def sort_key(self) -> str:
        return person_sort_key(self.last_name, self.first_name, self.middle_name)


@dataclass
class RowCheck:
    """One data row of the file after validation: its number, what it says, what is wrong."""

    line: int
    values: dict[str, str]
    columns: dict[str, Column]
    errors: list[str] = field(default_factory=list)
    exists: str = ""  # who is already in the college, when the row is skipped
    existing_person: dict[str, Any] | None = None  # a person who gets the new card
    person: dict[str, Any] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)
    guardians: list[GuardianDraft] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if self.errors:
            return "error"
        return "exists" if self.exists else "new"

    @property
    def full_name(self) -> str:
        names = (
            self.values.get("last_name"),
            self.values.get("first_name"),
            self.values.get("middle_name"),
        )
        return " ".join(name for name in names if name)

    def error(self, column: Column, message: str) -> None:
        self.errors.append(
            _("«%(column)s»: %(message)s") % {"column": column.header, "message": message}
        )


@dataclass
class ImportCheck:
    """The whole file: its rows, or the reason it could not be read at all."""

    kind: Literal["students", "staff"]
    rows: list[RowCheck] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    known: Known | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def exists_count(self) -> int:
        return self.count("exists")

    @property
    def error_count(self) -> int:
        return self.count("error")


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped: int
    guardians_created: int = 0
    guardians_linked: int = 0


class ImportRefused(DomainError):
    """The file has errors at commit time: nothing was written."""

    def __init__(self, check: ImportCheck) -> None:
        super().__init__(_("В файле есть ошибки: ничего не загружено."), field="file")
        self.check = check


def _table_rows(
    columns: Sequence[Column], name: str, content: bytes
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Data rows keyed by column key, with their line numbers; or the file-level errors."""
    table = read_table(name, content, max_rows=MAX_ROWS + 1)
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        return [], [_("В файле нет ни одной строки.")]
    # A template downloaded in any of the site's languages loads whatever the page's language
    # is now; «Образование (9/11)» may come as «Образование».
    by_header: dict[str, Column] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in columns:
                header = str(column.header)
                by_header.setdefault(fold(header), column)
                by_header.setdefault(fold(header.split(" (")[0]), column)
    positions: dict[str, int] = {}
    for index, text in enumerate(table[0]):
        found = by_header.get(fold(text))
        if found is not None and found.key not in positions:
            positions[found.key] = index
    missing = [str(c.header) for c in columns if c.required and c.key not in positions]
    if missing:
        return [], [
            _("В файле нет обязательных столбцов: %(columns)s.") % {"columns": ", ".join(missing)}
        ]
    if len(table) - 1 > MAX_ROWS:
        return [], [_("Не больше %(count)s строк за одну загрузку.") % {"count": MAX_ROWS}]
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        # Names and numbers typed with doubled or trailing spaces are the same names.
        values = {
            key: " ".join(cells[i].split()) if i < len(cells) else ""
            for key, i in positions.items()
        }
        rows.append((line, values))
    if not rows:
        return [], [_("В файле нет строк с данными под заголовком.")]
    return rows, []


# --- Field checks --------------------------------------------------------------------------------

_PHONE_DIGITS = re.compile(r"\D+")


def _phone_key(phone: str) -> str:
    """The last ten digits: «+7 913 000-00-01» and «89130000001» are the same number."""
    return _PHONE_DIGITS.sub("", phone)[-10:]


def _text(row: RowCheck, key: str, model: type[models.Model], name: str | None = None) -> str:
    value = row.values.get(key, "")
    limit = getattr(model._meta.get_field(name or key), "max_length", None)
    if limit is not None and len(value) > limit:
        row.error(row.columns[key], _("не длиннее %(limit)s символов.") % {"limit": limit})
    elif row.columns[key].required and not value:
        row.error(row.columns[key], _("обязательное поле не заполнено."))
    return value


def _date(row: RowCheck, key: str, *, today: dt.date, not_future: bool) -> dt.date | None:
    column = row.columns[key]
    value = row.values.get(key, "")
    if not value:
        if column.required:
            row.error(column, _("обязательное поле не заполнено."))
        return None
    day = parse_date(value)
    if day is None:
        row.error(column, _("«%(value)s» — не дата; нужна ДД.ММ.ГГГГ.") % {"value": value})
        return None
    if day < _OLDEST:
        row.error(column, _("проверьте год: %(value)s.") % {"value": value})
        return None
    if not_future and day > today:
        row.error(column, _("дата %(value)s ещё не наступила.") % {"value": value})
        return None
    return day


def _choice(row: RowCheck, key: str, accepted: dict[str, str], default: str = "") -> str:
    value = row.values.get(key, "")
    if not value:
        return default
    found = accepted.get(fold(value))
    if found is None:
        row.error(row.columns[key], _("непонятное значение «%(value)s».") % {"value": value})
        return default
    return found


def _contacts(row: RowCheck, phone_key: str, email_key: str) -> tuple[str, str]:
    phone, email = row.values.get(phone_key, ""), row.values.get(email_key, "")
    if phone and (len(_PHONE_DIGITS.sub("", phone)) < 5 or len(phone) > 40):
        row.error(row.columns[phone_key], _("укажите номер цифрами."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.error(
                row.columns[email_key], _("неправильный адрес «%(value)s».") % {"value": email}
            )
    return phone, email.lower() if email else ""


def _person(row: RowCheck, *, today: dt.date) -> None:
    """The person's fields into `row.person` (errors into the row)."""
    person: dict[str, Any] = {
        "last_name": _text(row, "last_name", Person),
        "first_name": _text(row, "first_name", Person),
        "middle_name": _text(row, "middle_name", Person),
        "birth_date": _date(row, "birth_date", today=today, not_future=True),
        "snils": "",
    }
    snils = row.values.get("snils", "")
    if snils:
        if len(snils_digits(snils)) != 11:
            row.error(row.columns["snils"], _("нужно 11 цифр, например 112-233-445 95."))
        elif not snils_is_valid(snils):
            row.error(
                row.columns["snils"],
                _("контрольное число %(value)s не сходится.") % {"value": snils},
            )
        else:
            person["snils"] = snils_format(snils)
    person["phone"], person["email"] = _contacts(row, "phone", "email")
    person["sort_key"] = person_sort_key(
        person["last_name"], person["first_name"], person["middle_name"]
    )
    row.person = person


def _guardians(row: RowCheck, kinds: dict[str, str]) -> None:
    for number in (1, 2):
        prefix = f"parent{number}_"
        if not any(row.values.get(prefix + part) for part in ("name", "kind", "phone", "email")):
            continue
        name_column = row.columns[prefix + "name"]
        names = row.values.get(prefix + "name", "").split()
        if len(names) < 2:
            row.error(name_column, _("укажите фамилию и имя (и отчество) через пробел."))
        elif any(len(part) > 100 for part in names[:2]) or len(" ".join(names[2:])) > 100:
            row.error(name_column, _("слишком длинное ФИО."))
        kind = _choice(row, prefix + "kind", kinds)
        if not kind and not row.values.get(prefix + "kind"):
            row.error(row.columns[prefix + "kind"], _("укажите, кем приходится."))
        phone, email = _contacts(row, prefix + "phone", prefix + "email")
        diary_text = fold(row.values.get(prefix + "diary", ""))
        if diary_text and diary_text not in _YES | _NO:
            row.error(row.columns[prefix + "diary"], _("нужно «да» или «нет»."))
        if len(names) >= 2 and kind:
            row.guardians.append(
                GuardianDraft(
                    last_name=names[0],
                    first_name=names[1],
                    middle_name=" ".join(names[2:]),
                    kind=kind,
                    phone=phone,
                    email=email,
                    receives_diary=diary_text not in _NO,
                )
            )


# --- What the college already holds (read once per file) ------------------------------------------


@dataclass
class Known:
    """The organization's people indexed for duplicate checks: one query whatever the size."""

    by_snils: dict[str, dict[str, Any]]
    by_name_birth: dict[tuple[str, dt.date], dict[str, Any]]
    guardian_by_phone: dict[tuple[str, str], int]
    guardian_by_email: dict[tuple[str, str], int]
    file_nos: dict[str, int]

    @classmethod
    def load(cls, organization_id: int) -> Known:
        by_snils: dict[str, dict[str, Any]] = {}
        by_name_birth: dict[tuple[str, dt.date], dict[str, Any]] = {}
        by_phone: dict[tuple[str, str], int] = {}
        by_email: dict[tuple[str, str], int] = {}
        file_nos: dict[str, int] = {}
        persons = Person.objects.filter(organization_id=organization_id).values(
            "pk",
            "last_name",
            "first_name",
            "middle_name",
            "sort_key",
            "birth_date",
            "snils",
            "phone",
            "email",
            "student",
            "student__personal_file_no",
            "employee",
        )
        for values in persons:  # one query: the persons with their student and employee ids
            person: dict[str, Any] = dict(values)
            if person["snils"]:
                by_snils[person["snils"]] = person
            if person["birth_date"] is not None:
                by_name_birth.setdefault((person["sort_key"], person["birth_date"]), person)
            if person["phone"]:
                by_phone.setdefault((person["sort_key"], _phone_key(person["phone"])), person["pk"])
            if person["email"]:
                by_email.setdefault((person["sort_key"], person["email"].lower()), person["pk"])
            if person["student__personal_file_no"]:
                file_nos[person["student__personal_file_no"]] = person["pk"]
        return cls(by_snils, by_name_birth, by_phone, by_email, file_nos)

    def existing(self, person: dict[str, Any]) -> dict[str, Any] | None:
        """The person of the college with the same СНИЛС, or the same ФИО and birth date."""
        if person["snils"] and person["snils"] in self.by_snils:
            return self.by_snils[person["snils"]]
        if person["birth_date"] is not None:
            return self.by_name_birth.get((person["sort_key"], person["birth_date"]))
        return None

    def guardian(self, draft: GuardianDraft) -> int | None:
        if draft.phone:
            found = self.guardian_by_phone.get((draft.sort_key, _phone_key(draft.phone)))
            if found is not None:
                return found
        if draft.email:
            return self.guardian_by_email.get((draft.sort_key, draft.email))
        return None


def _full_name(person: dict[str, Any]) -> str:
    names = (person["last_name"], person["first_name"], person["middle_name"])
    return " ".join(name for name in names if name)


def _match(
    row: RowCheck,
    known: Known,
    *,
    role_key: str,
    seen: dict[Any, int],
    link_others: bool = False,
) -> None:
    """Mark the row «уже есть» (same person already a student/employee), or a duplicate error.

    With `link_others`, a person of the college without that card (a parent taking a job at
    the college) gets the new card instead of a second person.
    """
    person = row.person
    if row.errors:
        return
    existing = known.existing(person)
    if existing is not None:
        same_name = existing["sort_key"] == person["sort_key"]
        same_snils = (
            not person["snils"] or not existing["snils"] or (existing["snils"] == person["snils"])
        )
        if existing[role_key] is not None and same_name and same_snils:
            row.exists = _full_name(existing)
            return
        if link_others and existing[role_key] is None and same_name and same_snils:
            row.existing_person = existing
            existing = None
    if existing is not None:
        column = row.columns["snils" if person["snils"] == existing["snils"] else "last_name"]
        row.error(
            column,
            _("в колледже уже есть %(name)s с теми же СНИЛС или датой рождения.")
            % {"name": _full_name(existing)},
        )
        return
    keys: list[Any] = []
    if person["birth_date"] is not None:
        keys.append(("birth", person["sort_key"], person["birth_date"]))
    if person["snils"]:
        keys.append(("snils", person["snils"]))
    for key in keys:
        if key in seen:
            row.error(
                row.columns["last_name"],
                _("тот же человек уже в строке %(line)s.") % {"line": seen[key]},
            )
            return
    for key in keys:
        seen[key] = row.line


# --- Students ------------------------------------------------------------------------------------


def _require(actor: ActiveRole, right: str) -> None:
    if not actor.has(right):
        raise NotAllowed(_("Недостаточно прав для загрузки из файла."))


def _importable_groups(actor: ActiveRole) -> dict[str, Group]:
    groups = Group.objects.filter(organization_id=actor.organization_id, is_active=True)
    own_department = department_scope(actor)
    if own_department is not None:
        groups = groups.filter(department_id=own_department)
    return {fold(group.name): group for group in groups}


def students_check(*, actor: ActiveRole, name: str, content: bytes) -> ImportCheck:
    """Validate a file of students with parents; writes nothing.

    Queries: the groups, the organization's persons (two), whatever the number of rows.
    """
    _require(actor, STUDENTS_RIGHT)
    check = ImportCheck(kind="students")
    table, check.file_errors = _table_rows(STUDENT_COLUMNS, name, content)
    if check.file_errors:
        return check
    today = local_today(actor.organization.timezone)
    groups = _importable_groups(actor)
    known = check.known = Known.load(actor.organization_id)
    sexes = _choices(Person.Sex.choices, SEX_VALUES)
    fundings = _choices(Student.Funding.choices, FUNDING_VALUES)
    educations = _choices(Student.EducationBase.choices, EDUCATION_VALUES)
    kinds = _choices(Guardianship.Kind.choices, KIND_VALUES)
    columns = {column.key: column for column in STUDENT_COLUMNS}
    seen: dict[Any, int] = {}
    seen_file_nos: dict[str, int] = {}
    for line, values in table:
        row = RowCheck(line=line, values=values, columns=columns)
        check.rows.append(row)
        _person(row, today=today)
        row.person["sex"] = _choice(row, "sex", sexes)
        row.person["address"] = _text(row, "address", Person)
        group = groups.get(fold(values.get("group", "")))
        if values.get("group") and group is None:
            row.error(
                row.columns["group"],
                _("в колледже нет обучающейся группы «%(name)s».") % {"name": values["group"]},
            )
        elif not values.get("group"):
            row.error(row.columns["group"], _("обязательное поле не заполнено."))
        order_no = _text(row, "order_no", Student, "enrolment_order_no")
        row.card = {
            "citizenship": _text(row, "citizenship", Student) or "РФ",
            "personal_file_no": _text(row, "personal_file_no", Student),
            "education_base": _choice(row, "education_base", educations),
            "funding": _choice(row, "funding", fundings, Student.Funding.BUDGET),
            "enrolment_order_no": order_no,
            "enrolment_order_date": _date(row, "order_date", today=today, not_future=True),
            "group": group,
            "enrolled_on": _date(row, "enrolled_on", today=today, not_future=False),
        }
        born, enrolled = row.person["birth_date"], row.card["enrolled_on"]
        if born is not None and enrolled is not None and enrolled <= born:
            row.error(row.columns["enrolled_on"], _("раньше даты рождения."))
        _guardians(row, kinds)
        _match(row, known, role_key="student", seen=seen)
        file_no = row.card["personal_file_no"]
        if file_no and not row.exists and not row.errors:
            if file_no in known.file_nos or file_no in seen_file_nos:
                where = seen_file_nos.get(file_no)
                message = (
                    _("такой номер уже в строке %(line)s.") % {"line": where}
                    if where
                    else _("личное дело с этим номером уже заведено.")
                )
                row.error(row.columns["personal_file_no"], message)
            else:
                seen_file_nos[file_no] = line
    return check


def _lock_organization(actor: ActiveRole) -> None:
    # Two imports into one college run one after the other, so the second sees the first's
    # people as «уже есть» instead of both passing the duplicate check (PostgreSQL; SQLite
    # locks the whole database for a write transaction anyway).
    list(
        Organization.objects.select_for_update()
        .filter(pk=actor.organization_id)
        .values_list("pk", flat=True)
    )


def _audit_events(
    actor: ActiveRole,
    objects: Sequence[models.Model],
    changes: Callable[[Any], dict[str, Any]],
    reason: str,
) -> list[AuditEvent]:
    """The creation records `audit_record` would write, one per object, for a bulk insert."""
    user = actor.user
    return [
        AuditEvent(
            organization_id=actor.organization_id,
            actor=user,
            actor_name=user.display_name()[:200],
            actor_role=actor.role,
            action=AuditEvent.Action.CREATE,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            changes=changes(obj),
            reason=reason,
        )
        for obj in objects
    ]


def _new_person(organization_id: int, values: dict[str, Any]) -> Person:
    # bulk_create skips Person.save: sort_key and the СНИЛС format are already in `values`.
    return Person(organization_id=organization_id, **values)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _basis(card: dict[str, Any]) -> str:
    if not card["enrolment_order_no"]:
        return _("Импорт")
    if card["enrolment_order_date"] is None:
        return _("Импорт: приказ № %(number)s") % {"number": card["enrolment_order_no"]}
    return _("Импорт: приказ № %(number)s от %(date)s") % {
        "number": card["enrolment_order_no"],
        "date": card["enrolment_order_date"].strftime("%d.%m.%Y"),
    }


@transaction.atomic
def students_import(*, actor: ActiveRole, name: str, content: bytes) -> ImportResult:
    """Create the students, their memberships and parents of a file: all rows or none.

    The file is validated again here (the college may have changed since the preview). Parents
    already in the college with the same ФИО and phone (or e-mail) are linked, not duplicated;
    a parent named in several rows (brothers and sisters) becomes one person.
    """
    _lock_organization(actor)
    check = students_check(actor=actor, name=name, content=content)
    if not check.ok:
        raise ImportRefused(check)
    org_id = actor.organization_id
    new_rows = [row for row in check.rows if row.status == "new"]
    persons = [_new_person(org_id, {**row.person}) for row in new_rows]
    Person.objects.bulk_create(persons)
    students = [
        Student(
            person=person,
            **{k: v for k, v in row.card.items() if k not in ("group", "enrolled_on")},
        )
        for row, person in zip(new_rows, persons, strict=True)
    ]
    Student.objects.bulk_create(students)
    Membership.objects.bulk_create(
        Membership(
            group=row.card["group"],
            student=student,
            date_from=row.card["enrolled_on"],
            basis=_basis(row.card)[:200],
        )
        for row, student in zip(new_rows, students, strict=True)
    )
    assert check.known is not None
    guardians_created, guardians_linked, guardian_names = _link_guardians(
        actor, check.known, new_rows, students
    )
    rows_by_student = {id(student): row for row, student in zip(new_rows, students, strict=True)}

    def changes(student: Student) -> dict[str, Any]:
        row = rows_by_student[id(student)]
        values = {**row.person, **row.card, "group": row.card["group"].name}
        values.pop("sort_key")
        found = {key: [None, _plain(value)] for key, value in values.items() if value}
        if guardian_names.get(id(student)):
            found["guardians"] = [None, guardian_names[id(student)]]
        return found

    reason = _("Загрузка из файла «%(name)s»") % {"name": name[:200]}
    AuditEvent.objects.bulk_create(_audit_events(actor, students, changes, reason))
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=org_id,
        object_type="contingent.students_import",
        object_repr=name[:300],
        changes={
            "created": [None, len(students)],
            "skipped": [None, check.exists_count],
            "guardians_created": [None, guardians_created],
            "guardians_linked": [None, guardians_linked],
        },
        reason=reason,
    )
    return ImportResult(
        created=len(students),
        skipped=check.exists_count,
        guardians_created=guardians_created,
        guardians_linked=guardians_linked,
    )


def _link_guardians(
    actor: ActiveRole, known: Known, rows: list[RowCheck], students: list[Student]
) -> tuple[int, int, dict[int, list[str]]]:
    """Guardianships of the new students: (persons created, existing persons linked, names)."""
    new_guardians: dict[tuple[str, str], Person] = {}
    pending: list[tuple[Student, GuardianDraft, int | tuple[str, str]]] = []
    linked: set[int] = set()
    names: dict[int, list[str]] = {}
    for row, student in zip(rows, students, strict=True):
        for draft in row.guardians:
            if draft.sort_key == row.person["sort_key"]:
                continue  # a student is not their own representative
            names.setdefault(id(student), []).append(
                f"{draft.last_name} {draft.first_name} {draft.middle_name}".strip()
            )
            existing = known.guardian(draft)
            if existing is not None:
                linked.add(existing)
                pending.append((student, draft, existing))
                continue
            key = (draft.sort_key, _phone_key(draft.phone) or draft.email)
            if key not in new_guardians:
                new_guardians[key] = _new_person(
                    actor.organization_id,
                    {
                        "last_name": draft.last_name,
                        "first_name": draft.first_name,
                        "middle_name": draft.middle_name,
                        "sort_key": draft.sort_key,
                        "phone": draft.phone,
                        "email": draft.email,
                    },
                )
            pending.append((student, draft, key))
    Person.objects.bulk_create(list(new_guardians.values()))
    links: dict[tuple[int, int], Guardianship] = {}
    for student, draft, target in pending:
        guardian_id = target if isinstance(target, int) else new_guardians[target].pk
        assert guardian_id is not None
        links.setdefault(
            (student.pk, guardian_id),
            Guardianship(
                student=student,
                guardian_id=guardian_id,
                kind=draft.kind,
                receives_diary=draft.receives_diary,
            ),
        )
    Guardianship.objects.bulk_create(list(links.values()))
    return len(new_guardians), len(linked), names


# --- Staff ---------------------------------------------------------------------------------------


def staff_check(*, actor: ActiveRole, name: str, content: bytes) -> ImportCheck:
    """Validate a file of staff; writes nothing.

    Queries: departments, positions, the organization's persons (three), whatever the rows.
    """
    _require(actor, STAFF_RIGHT)
    check = ImportCheck(kind="staff")
    table, check.file_errors = _table_rows(STAFF_COLUMNS, name, content)
    if check.file_errors:
        return check
    today = local_today(actor.organization.timezone)
    org_id = actor.organization_id
    departments = {fold(d.name): d for d in Department.objects.filter(organization_id=org_id)}
    positions = {fold(p.name): p for p in Position.objects.filter(organization_id=org_id)}
    known = Known.load(org_id)
    columns = {column.key: column for column in STAFF_COLUMNS}
    seen: dict[Any, int] = {}
    for line, values in table:
        row = RowCheck(line=line, values=values, columns=columns)
        check.rows.append(row)
        _person(row, today=today)
        department = None
        if values.get("department"):
            department = departments.get(fold(values["department"]))
            if department is None:
                row.error(
                    row.columns["department"],
                    _("в колледже нет отделения «%(name)s».") % {"name": values["department"]},
                )
        chosen = []
        for position_name in filter(
            None, (p.strip() for p in re.split(r"[;\n]", values.get("positions", "")))
        ):
            position = positions.get(fold(position_name))
            if position is None:
                row.error(
                    row.columns["positions"],
                    _("нет должности «%(name)s» в справочнике.") % {"name": position_name},
                )
            else:
                chosen.append(position)
        row.card = {
            "department": department,
            "positions": chosen,
            "hire_date": _date(row, "hire_date", today=today, not_future=False),
            "hire_order_no": _text(row, "hire_order_no", Employee),
        }
        if not values.get("birth_date") and not row.person["snils"] and not row.errors:
            row.error(columns["birth_date"], _("укажите дату рождения или СНИЛС."))
        _match(row, known, role_key="employee", seen=seen, link_others=True)
    return check


@transaction.atomic
def staff_import(*, actor: ActiveRole, name: str, content: bytes) -> ImportResult:
    """Create the staff cards of a file, all or none; people already on the staff are skipped."""
    _lock_organization(actor)
    check = staff_check(actor=actor, name=name, content=content)
    if not check.ok:
        raise ImportRefused(check)
    org_id = actor.organization_id
    new_rows = [row for row in check.rows if row.status == "new"]
    persons = [
        _new_person(org_id, {**row.person})
        if row.existing_person is None
        # A person already in the college: their pk and name, enough to link and to describe.
        else Person(
            pk=row.existing_person["pk"],
            organization_id=org_id,
            last_name=row.existing_person["last_name"],
            first_name=row.existing_person["first_name"],
            middle_name=row.existing_person["middle_name"],
        )
        for row in new_rows
    ]
    Person.objects.bulk_create([person for person in persons if person.pk is None])
    employees = [
        Employee(
            person=person,
            department=row.card["department"],
            hire_date=row.card["hire_date"],
            hire_order_no=row.card["hire_order_no"],
        )
        for row, person in zip(new_rows, persons, strict=True)
    ]
    Employee.objects.bulk_create(employees)
    through = Employee.positions.through
    through.objects.bulk_create(
        through(employee_id=employee.pk, position_id=position.pk)
        for row, employee in zip(new_rows, employees, strict=True)
        for position in row.card["positions"]
    )
    rows_by_employee = {id(e): row for row, e in zip(new_rows, employees, strict=True)}

    def changes(employee: Employee) -> dict[str, Any]:
        row = rows_by_employee[id(employee)]
        values = {**row.person, **row.card}
        values.pop("sort_key")
        values["department"] = str(values["department"]) if values["department"] else ""
        values["positions"] = [p.name for p in row.card["positions"]]
        return {key: [None, _plain(value)] for key, value in values.items() if value}

    reason = _("Загрузка из файла «%(name)s»") % {"name": name[:200]}
    AuditEvent.objects.bulk_create(_audit_events(actor, employees, changes, reason))
    audit_record(
        actor=actor.user,
        action=AuditEvent.Action.CREATE,
        organization_id=org_id,
        object_type="contingent.staff_import",
        object_repr=name[:300],
        changes={"created": [None, len(employees)], "skipped": [None, check.exists_count]},
        reason=reason,
    )
    return ImportResult(created=len(employees), skipped=check.exists_count)
