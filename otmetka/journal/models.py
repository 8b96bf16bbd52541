"""The electronic journal: КТП, lessons, marks, attendance, attestation, unlocks and history.

A journal is a workload line (teacher × group × curriculum item × subgroup × year) seen for one
semester. Every mark and absence hangs on a Lesson, the one dated row of the journal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LessonType(models.TextChoices):
    THEORY = "theory", _("теоретическое занятие")
    PRACTICAL = "practical", _("практическое занятие")
    LABORATORY = "laboratory", _("лабораторная работа")
    CONTROL = "control", _("контрольная работа")
    SEMINAR = "seminar", _("семинар")
    EXCURSION = "excursion", _("экскурсия")
    PRACTICE = "practice", _("учебная практика")
    CONSULTATION = "consultation", _("консультация")
    COURSEWORK = "coursework", _("курсовое проектирование")
    EXAM = "exam", _("экзамен, зачёт")


class ThematicPlan(models.Model):
    """КТП: the ordered topics of one workload line (Положение 4.6)."""

    workload = models.OneToOneField(
        "academics.Workload", on_delete=models.PROTECT, related_name="thematic_plan"
    )
    note = models.CharField(_("примечание"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("календарно-тематический план")
        verbose_name_plural = _("календарно-тематические планы")

    def __str__(self) -> str:
        return f"КТП: {self.workload}"


class PlannedTopic(models.Model):
    plan = models.ForeignKey(ThematicPlan, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveIntegerField(_("№"))
    title = models.CharField(_("тема"), max_length=500)
    hours = models.PositiveSmallIntegerField(
        _("часов"), default=2, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    lesson_type = models.CharField(
        _("вид занятия"), max_length=16, choices=LessonType.choices, default=LessonType.THEORY
    )
    homework = models.TextField(_("домашнее задание"), blank=True)

    class Meta:
        verbose_name = _("тема КТП")
        verbose_name_plural = _("темы КТП")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="planned_topic_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class WorkKind(models.Model):
    """Вид работы for a mark, with its weight in the average and SGO's assignment type id."""

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="work_kinds"
    )
    name = models.CharField(_("название"), max_length=100)
    short_name = models.CharField(_("сокращение"), max_length=12)
    weight = models.DecimalField(
        _("вес"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10"))],
    )
    sgo_type_id = models.PositiveSmallIntegerField(
        _("код вида работы в СГО"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("вид работы")
        verbose_name_plural = _("виды работ")
        ordering = ["organization", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="work_kind_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class LessonQuerySet(models.QuerySet["Lesson"]):
    def between(self, date_from: Any, date_to: Any) -> LessonQuerySet:
        return self.filter(date__gte=date_from, date__lte=date_to)

    def held(self) -> LessonQuerySet:
        return self.exclude(status=Lesson.Status.CANCELLED)


class Lesson(models.Model):
    """Занятие: the one dated row of a journal that marks and absences hang on."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        HELD = "held", _("проведено")
        CANCELLED = "cancelled", _("отменено")

    class Source(models.TextChoices):
        MANUAL = "manual", _("вручную")
        TIMETABLE = "timetable", _("из расписания")

    workload = models.ForeignKey(
        "academics.Workload", on_delete=models.PROTECT, related_name="lessons"
    )
    date = models.DateField(_("дата"))
    pair_number = models.PositiveSmallIntegerField(
        _("пара"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    hours = models.PositiveSmallIntegerField(
        _("часов"), default=2, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    lesson_type = models.CharField(
        _("вид занятия"), max_length=16, choices=LessonType.choices, default=LessonType.THEORY
    )
    topic = models.ForeignKey(
        PlannedTopic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("тема из КТП"),
    )
    topic_text = models.CharField(_("тема занятия"), max_length=500, blank=True)
    homework = models.TextField(_("домашнее задание"), blank=True)
    teacher = models.ForeignKey(
        "people.Employee",
        on_delete=models.PROTECT,
        related_name="taught_lessons",
        verbose_name=_("провёл"),
    )
    # Where the pair takes place: filled from the timetable (or a change's room for a moved or
    # extra pair) when the lesson is planned; shown in the diary and on the lesson page.
    room = models.ForeignKey(
        "org.Room",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("кабинет"),
    )
    status = models.CharField(
        _("состояние"), max_length=12, choices=Status.choices, default=Status.HELD
    )
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    filled_at = models.DateTimeField(_("впервые заполнено"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("занятие")
        verbose_name_plural = _("занятия")
        ordering = ["date", "pair_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workload", "date", "pair_number"],
                condition=Q(pair_number__isnull=False),
                name="lesson_pair_unique",
            )
        ]
        indexes = [models.Index(fields=["workload", "date"], name="lesson_journal_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.topic_text}"


class Substitution(models.Model):
    """Замещение: the substitute keeps the journal of this lesson and is credited its hours."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="substitution")
    absent_teacher = models.ForeignKey(
        "people.Employee",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("отсутствовал"),
    )
    substitute = models.ForeignKey(
        "people.Employee",
        on_delete=models.PROTECT,
        related_name="substitutions",
        verbose_name=_("замещал"),
    )
    reason = models.CharField(_("причина"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("замещение")
        verbose_name_plural = _("замещения")

    def __str__(self) -> str:
        return f"{self.substitute} вместо {self.absent_teacher.person.full_name_genitive}"


class HomeworkAttachment(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="homework/%Y/%m/")
    original_name = models.CharField(_("имя файла"), max_length=255)
    size = models.PositiveIntegerField(_("размер, байт"))
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("файл к заданию")
        verbose_name_plural = _("файлы к заданиям")

    def __str__(self) -> str:
        return self.original_name


class MarkValue(models.TextChoices):
    FIVE = "5", "5"
    FOUR = "4", "4"
    THREE = "3", "3"
    TWO = "2", "2"
    PASS = "зч", _("зачтено")
    FAIL = "нз", _("не зачтено")


NUMERIC_MARKS = {MarkValue.FIVE: 5, MarkValue.FOUR: 4, MarkValue.THREE: 3, MarkValue.TWO: 2}


class Mark(models.Model):
    """Отметка in a cell: up to three per lesson and student (typed as «4/5»), each of a kind."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey("people.Student", on_delete=models.PROTECT, related_name="marks")
    slot = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    value = models.CharField(_("отметка"), max_length=2, choices=MarkValue.choices)
    work_kind = models.ForeignKey(
        WorkKind, on_delete=models.PROTECT, related_name="marks", verbose_name=_("вид работы")
    )
    comment = models.CharField(_("комментарий"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("отметка")
        verbose_name_plural = _("отметки")
        ordering = ["lesson", "student", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student", "slot"], name="mark_cell_slot"),
            models.CheckConstraint(condition=Q(slot__gte=1, slot__lte=3), name="mark_slot_range"),
            models.CheckConstraint(
                condition=Q(value__in=MarkValue.values), name="mark_value_in_scale"
            ),
        ]
        indexes = [models.Index(fields=["student", "lesson"], name="mark_student_lesson")]

    def __str__(self) -> str:
        return self.value


class AttendanceCode(models.TextChoices):
    """SGO's attendance codes; «Н» is an absence whose reason the curator has not set yet."""

    ABSENT = "Н", _("отсутствовал (причина не указана)")
    LATE = "ОП", _("опоздал")
    ILLNESS = "Б", _("болезнь")
    BY_ORDER = "ОТ", _("по приказу")
    EXCUSED = "УП", _("уважительная причина")
    UNEXCUSED = "НП", _("неуважительная причина")
    EXEMPT = "ОСВ", _("освобождён")


EXCUSED_CODES = {
    AttendanceCode.ILLNESS,
    AttendanceCode.BY_ORDER,
    AttendanceCode.EXCUSED,
    AttendanceCode.EXEMPT,
}
ABSENCE_CODES = set(AttendanceCode) - {AttendanceCode.LATE}


class Attendance(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attendance")
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, related_name="attendance"
    )
    code = models.CharField(_("отметка посещаемости"), max_length=3, choices=AttendanceCode.choices)
    note = models.CharField(_("примечание"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("посещаемость")
        verbose_name_plural = _("посещаемость")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="attendance_cell"),
            models.CheckConstraint(
                condition=Q(code__in=AttendanceCode.values), name="attendance_code_known"
            ),
        ]
        indexes = [models.Index(fields=["student", "lesson"], name="attendance_student_lesson")]

    def __str__(self) -> str:
        return self.code


class AttestationSheet(models.Model):
    """Ведомость промежуточной аттестации: group × curriculum item × semester."""

    class Status(models.TextChoices):
        OPEN = "open", _("открыта")
        CLOSED = "closed", _("закрыта")

    group = models.ForeignKey("academics.Group", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("academics.CurriculumItem", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("org.Period", on_delete=models.PROTECT, related_name="+")
    form = models.CharField(_("форма аттестации"), max_length=24)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The students on the roll when the sheet closed (ids), kept while it is closed: a roster
    # change dated back into the semester never adds a student to a closed sheet or takes one
    # (with their mark) off it. Empty while the sheet is open, when the roll follows the group.
    closed_roll = models.JSONField(default=list, blank=True, editable=False)
    # The sheet's number, 1, 2, … within the organization's academic year (an academic year
    # belongs to one organization): given by `sheet_for` when the sheet is opened, under a
    # lock of the year, and never reused.
    academic_year = models.ForeignKey(
        "org.AcademicYear", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField(_("номер ведомости"), null=True, blank=True)
    # The exam's day and who examines, as the teacher or the deputy set them on the sheet.
    exam_date = models.DateField(_("дата проведения"), null=True, blank=True)
    examiners = models.ManyToManyField(
        "people.Employee", blank=True, related_name="+", verbose_name=_("экзаменаторы")
    )

    class Meta:
        verbose_name = _("аттестационная ведомость")
        verbose_name_plural = _("аттестационные ведомости")
        constraints = [
            models.UniqueConstraint(fields=["group", "item", "period"], name="sheet_unique"),
            models.UniqueConstraint(fields=["academic_year", "number"], name="sheet_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.item} {self.period}"


class AttestationMark(models.Model):
    sheet = models.ForeignKey(AttestationSheet, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey("people.Student", on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("отметка"), max_length=16, blank=True)
    proposed = models.CharField(_("предложено"), max_length=16, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("аттестационная отметка")
        verbose_name_plural = _("аттестационные отметки")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "student"], name="attestation_mark_unique")
        ]

    def __str__(self) -> str:
        return self.value


class JournalUnlock(models.Model):
    """A time-boxed permission to edit a locked journal, granted by the deputy or the admin."""

    workload = models.ForeignKey(
        "academics.Workload", on_delete=models.PROTECT, related_name="unlocks"
    )
    reason = models.CharField(_("основание"), max_length=500)
    valid_until = models.DateTimeField(_("действует до"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("разблокировка журнала")
        verbose_name_plural = _("разблокировки журналов")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.workload} до {self.valid_until}"


class UnlockRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("ожидает ответа")
        GRANTED = "granted", _("разрешено")
        REFUSED = "refused", _("отказано")

    workload = models.ForeignKey(
        "academics.Workload", on_delete=models.PROTECT, related_name="unlock_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("зачем"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(_("ответ"), max_length=500, blank=True)
    unlock = models.OneToOneField(
        JournalUnlock, on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        verbose_name = _("запрос на разблокировку")
        verbose_name_plural = _("запросы на разблокировку")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.workload}: {self.get_status_display()}"


class JournalHistoryQuerySet(models.QuerySet["JournalHistory"]):
    def update(self, **kwargs: Any) -> int:
        raise RuntimeError("Journal history is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Journal history is append-only")


class JournalHistory(models.Model):
    """One change of a mark, absence, lesson or attestation mark: the legal record (append-only)."""

    class Entity(models.TextChoices):
        MARK = "mark", _("отметка")
        ATTENDANCE = "attendance", _("посещаемость")
        LESSON = "lesson", _("занятие")
        ATTESTATION = "attestation", _("аттестационная отметка")

    class Action(models.TextChoices):
        CREATE = "create", _("создание")
        UPDATE = "update", _("изменение")
        DELETE = "delete", _("удаление")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    organization = models.ForeignKey("org.Organization", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    workload = models.ForeignKey("academics.Workload", on_delete=models.PROTECT, related_name="+")
    lesson_ref = models.BigIntegerField(_("занятие"), null=True, blank=True, db_index=True)
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entity = models.CharField(max_length=16, choices=Entity.choices)
    entity_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("основание"), max_length=500, blank=True)

    objects = JournalHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("история журнала")
        verbose_name_plural = _("история журнала")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["lesson_ref", "student"], name="history_cell"),
            models.Index(fields=["workload", "-at"], name="history_journal"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.entity} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("Journal history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("Journal history is append-only")


class RetakeSheet(models.Model):
    """Лист повторной аттестации: an individual экзаменационный лист (one student) or a retake
    ведомость (several students of one attestation sheet), for the first or second retake.

    The second retake is taken before a commission of three, named here as the examiners.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("экзаменационный лист")
        GROUP = "group", _("ведомость повторной аттестации")

    organization = models.ForeignKey("org.Organization", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("номер"))
    kind = models.CharField(_("вид"), max_length=12, choices=Kind.choices)
    sheet = models.ForeignKey(
        AttestationSheet,
        on_delete=models.PROTECT,
        related_name="retake_sheets",
        verbose_name=_("аттестационная ведомость"),
    )
    attempt = models.PositiveSmallIntegerField(_("пересдача"))
    deadline = models.DateField(_("срок"))
    examiners = models.ManyToManyField(
        "people.Employee", related_name="+", verbose_name=_("экзаменаторы")
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("лист повторной аттестации")
        verbose_name_plural = _("листы повторной аттестации")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="retake_sheet_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(attempt__gte=1, attempt__lte=2), name="retake_sheet_attempt_range"
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.number}"


class Retake(models.Model):
    """One attempt to close a debt (an attestation mark of 2, н/я or не зачтено).

    The result is its own row: the attestation mark it answers is never changed.
    """

    retake_sheet = models.ForeignKey(RetakeSheet, on_delete=models.PROTECT, related_name="retakes")
    debt = models.ForeignKey(AttestationMark, on_delete=models.PROTECT, related_name="retakes")
    attempt = models.PositiveSmallIntegerField(_("пересдача"))
    value = models.CharField(_("отметка"), max_length=16, blank=True)
    entered_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("пересдача")
        verbose_name_plural = _("пересдачи")
        ordering = ["debt", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["debt", "attempt"], name="retake_attempt_unique"),
            models.CheckConstraint(
                condition=Q(attempt__gte=1, attempt__lte=2), name="retake_attempt_range"
            ),
        ]

    def __str__(self) -> str:
        return self.value
