"""Programs, curricula, groups with dated memberships, subgroups and teacher workload."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from otmetka.org.models import AcademicYear

program_code_validator = RegexValidator(
    r"^\d{2}\.\d{2}\.\d{2}$", _("Код специальности в формате 09.02.07.")
)


class Program(models.Model):
    """Специальность или профессия СПО, реализуемая колледжем."""

    class Level(models.TextChoices):
        SPECIALIST = "ppssz", _("программа подготовки специалистов среднего звена")
        WORKER = "ppkrs", _("программа подготовки квалифицированных рабочих, служащих")

    class Form(models.TextChoices):
        FULL_TIME = "full_time", _("очная")
        PART_TIME = "part_time", _("заочная")
        MIXED = "mixed", _("очно-заочная")

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="programs"
    )
    code = models.CharField(_("код"), max_length=8, validators=[program_code_validator])
    name = models.CharField(_("наименование специальности"), max_length=300)
    qualification = models.CharField(_("квалификация"), max_length=200)
    level = models.CharField(
        _("вид программы"), max_length=8, choices=Level.choices, default=Level.SPECIALIST
    )
    form_of_study = models.CharField(
        _("форма обучения"), max_length=16, choices=Form.choices, default=Form.FULL_TIME
    )
    duration_months = models.PositiveSmallIntegerField(_("срок обучения, месяцев"), default=46)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name=_("отделение"),
    )

    class Meta:
        verbose_name = _("образовательная программа")
        verbose_name_plural = _("образовательные программы")
        ordering = ["code", "form_of_study"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code", "form_of_study", "qualification"],
                name="program_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Curriculum(models.Model):
    """Учебный план of a program for an intake year."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="curricula")
    name = models.CharField(_("название"), max_length=200)
    intake_year = models.PositiveSmallIntegerField(
        _("год набора"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    semesters = models.PositiveSmallIntegerField(
        _("семестров"), default=8, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    approved_on = models.DateField(_("утверждён"), null=True, blank=True)

    class Meta:
        verbose_name = _("учебный план")
        verbose_name_plural = _("учебные планы")
        ordering = ["-intake_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "intake_year", "name"], name="curriculum_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CurriculumItem(models.Model):
    """A line of the curriculum: УД, ПМ (with МДК and practices inside), ГИА."""

    class Kind(models.TextChoices):
        DISCIPLINE = "discipline", _("учебная дисциплина (УД)")
        MODULE = "module", _("профессиональный модуль (ПМ)")
        INTERDISCIPLINARY_COURSE = "interdisciplinary_course", _("междисциплинарный курс (МДК)")
        EDUCATIONAL_PRACTICE = "educational_practice", _("учебная практика (УП)")
        INDUSTRIAL_PRACTICE = "industrial_practice", _("производственная практика (ПП)")
        FINAL_ATTESTATION = "final_attestation", _("государственная итоговая аттестация (ГИА)")

    # Kinds that may sit inside a ПМ.
    MODULE_PARTS = (
        Kind.INTERDISCIPLINARY_COURSE,
        Kind.EDUCATIONAL_PRACTICE,
        Kind.INDUSTRIAL_PRACTICE,
    )

    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("профессиональный модуль"),
    )
    kind = models.CharField(_("вид"), max_length=32, choices=Kind.choices)
    index = models.CharField(_("индекс"), max_length=20, help_text=_("Например: ОП.01, МДК.01.01"))
    name = models.CharField(_("наименование"), max_length=300)
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("элемент учебного плана")
        verbose_name_plural = _("элементы учебного плана")
        ordering = ["curriculum", "position", "index"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "index"], name="curriculum_item_index")
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.name}"


class AttestationForm(models.TextChoices):
    NONE = "", _("—")
    EXAM = "exam", _("экзамен")
    DIFF_CREDIT = "diff_credit", _("дифференцированный зачёт")
    CREDIT = "credit", _("зачёт")
    OTHER = "other", _("другая форма контроля")
    QUALIFICATION_EXAM = "qualification_exam", _("квалификационный экзамен")


class CurriculumHours(models.Model):
    """Hours of one curriculum item in one semester of study, and its attestation form."""

    item = models.ForeignKey(CurriculumItem, on_delete=models.CASCADE, related_name="hours")
    semester = models.PositiveSmallIntegerField(
        _("семестр"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    total = models.PositiveSmallIntegerField(_("максимальная нагрузка"), default=0)
    theory = models.PositiveSmallIntegerField(_("теоретические занятия"), default=0)
    practical = models.PositiveSmallIntegerField(_("практические занятия"), default=0)
    laboratory = models.PositiveSmallIntegerField(_("лабораторные занятия"), default=0)
    coursework = models.PositiveSmallIntegerField(_("курсовое проектирование"), default=0)
    independent = models.PositiveSmallIntegerField(_("самостоятельная работа"), default=0)
    consultations = models.PositiveSmallIntegerField(_("консультации"), default=0)
    attestation_hours = models.PositiveSmallIntegerField(_("промежуточная аттестация"), default=0)
    attestation_form = models.CharField(
        _("форма аттестации"), max_length=24, choices=AttestationForm.choices, blank=True
    )

    class Meta:
        verbose_name = _("часы по семестру")
        verbose_name_plural = _("часы по семестрам")
        ordering = ["item", "semester"]
        constraints = [
            models.UniqueConstraint(fields=["item", "semester"], name="curriculum_hours_unique"),
            models.CheckConstraint(
                condition=Q(
                    total=F("theory")
                    + F("practical")
                    + F("laboratory")
                    + F("coursework")
                    + F("independent")
                    + F("consultations")
                    + F("attestation_hours")
                ),
                name="curriculum_hours_sum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.index}, {self.semester} сем.: {self.total} ч"

    @property
    def classroom(self) -> int:
        """Аудиторная нагрузка: the hours the teacher spends with the group."""
        return self.theory + self.practical + self.laboratory + self.coursework


class GroupQuerySet(models.QuerySet["Group"]):
    def active(self) -> GroupQuerySet:
        return self.filter(is_active=True)


class Group(models.Model):
    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("название"), max_length=40, help_text=_("Например: ИС-21"))
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="groups", verbose_name=_("специальность")
    )
    curriculum = models.ForeignKey(
        Curriculum,
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name=_("учебный план"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name=_("отделение"),
    )
    # The course is not stored: it follows from the intake year and the academic year asked
    # about (`course_in`), so creating next year's calendar changes nothing in the current one.
    intake_year = models.PositiveSmallIntegerField(
        _("год набора"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("Год начала учебного года, в котором группа учится на 1 курсе."),
    )
    curators = models.ManyToManyField(
        "people.Employee", blank=True, related_name="curated_groups", verbose_name=_("кураторы")
    )
    is_active = models.BooleanField(_("обучается"), default=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("учебная группа")
        verbose_name_plural = _("учебные группы")
        # By course in any one year: the later the intake, the lower the course.
        ordering = ["-intake_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=Q(is_active=True),
                name="group_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def course_in(self, year: AcademicYear | int) -> int:
        """Курс in an academic year (or in the one starting in that calendar year): 1 in the
        intake year, one more each year after it; a year before the intake counts as the 1st."""
        start = year if isinstance(year, int) else year.start_year
        return max(1, start - self.intake_year + 1)

    def semester_of(self, half: int, year: AcademicYear | int) -> int:
        """Semester of study in the first (1) or second (2) half of an academic year."""
        return (self.course_in(year) - 1) * 2 + half


_Dated = TypeVar("_Dated", bound=models.Model)


class DatedQuerySet(models.QuerySet[_Dated]):
    """Filters for rows valid from date_from to date_to inclusive (date_to null = open)."""

    def on_day(self, day: dt.date) -> Self:
        return self.filter(date_from__lte=day).filter(Q(date_to__isnull=True) | Q(date_to__gte=day))

    def overlapping(self, date_from: dt.date, date_to: dt.date | None) -> Self:
        query = self.filter(Q(date_to__isnull=True) | Q(date_to__gte=date_from))
        if date_to is not None:
            query = query.filter(date_from__lte=date_to)
        return query

    def between(self, date_from: dt.date, date_to: dt.date) -> Self:
        return self.overlapping(date_from, date_to)


class MembershipQuerySet(DatedQuerySet["Membership"]):
    pass


class SubgroupMembershipQuerySet(DatedQuerySet["SubgroupMembership"]):
    pass


class Membership(models.Model):
    """Состав группы: a student is in a group from date_from to date_to inclusive (null: open)."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, related_name="memberships"
    )
    date_from = models.DateField(_("с"))
    date_to = models.DateField(_("по"), null=True, blank=True)
    basis = models.CharField(_("основание"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("членство в группе")
        verbose_name_plural = _("состав групп")
        ordering = ["group", "date_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_to__gte=F("date_from")),
                name="membership_dates",
            )
        ]
        indexes = [models.Index(fields=["group", "date_from", "date_to"], name="membership_roll")]

    def __str__(self) -> str:
        return f"{self.student} в {self.group} с {self.date_from:%d.%m.%Y}"


class Subgroup(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="subgroups")
    name = models.CharField(_("название"), max_length=60, help_text=_("Например: 1 подгруппа"))
    students: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "people.Student", through="SubgroupMembership", related_name="subgroups"
    )

    class Meta:
        verbose_name = _("подгруппа")
        verbose_name_plural = _("подгруппы")
        ordering = ["group", "name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="subgroup_unique")]

    def __str__(self) -> str:
        return f"{self.group}: {self.name}"


class SubgroupMembership(models.Model):
    """Dated membership in a subgroup, like Membership for the group."""

    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, related_name="subgroup_memberships"
    )
    date_from = models.DateField(_("с"))
    date_to = models.DateField(_("по"), null=True, blank=True)

    objects = SubgroupMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("состав подгруппы")
        verbose_name_plural = _("составы подгрупп")
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_to__gte=F("date_from")),
                name="subgroup_membership_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} в {self.subgroup}"


class WorkloadQuerySet(models.QuerySet["Workload"]):
    def for_teacher(self, employee_id: int) -> WorkloadQuerySet:
        return self.filter(teacher_id=employee_id)


class Workload(models.Model):
    """Педагогическая нагрузка: teacher × group × curriculum item × (subgroup) × year."""

    academic_year = models.ForeignKey(
        "org.AcademicYear",
        on_delete=models.PROTECT,
        related_name="workloads",
        verbose_name=_("учебный год"),
    )
    teacher = models.ForeignKey(
        "people.Employee",
        on_delete=models.PROTECT,
        related_name="workloads",
        verbose_name=_("преподаватель"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="workloads", verbose_name=_("группа")
    )
    item = models.ForeignKey(
        CurriculumItem,
        on_delete=models.PROTECT,
        related_name="workloads",
        verbose_name=_("дисциплина, МДК, практика"),
    )
    subgroup = models.ForeignKey(
        Subgroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workloads",
        verbose_name=_("подгруппа"),
    )
    hours_first = models.PositiveSmallIntegerField(_("часов в 1-м семестре"), default=0)
    hours_second = models.PositiveSmallIntegerField(_("часов во 2-м семестре"), default=0)

    objects = WorkloadQuerySet.as_manager()

    class Meta:
        verbose_name = _("строка нагрузки")
        verbose_name_plural = _("педагогическая нагрузка")
        ordering = ["group", "item__position", "item__index"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "teacher", "group", "item", "subgroup"],
                name="workload_unique_subgroup",
            ),
            models.UniqueConstraint(
                fields=["academic_year", "teacher", "group", "item"],
                condition=Q(subgroup__isnull=True),
                name="workload_unique_whole_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} — {self.group} — {self.item}"

    @property
    def hours_total(self) -> int:
        return self.hours_first + self.hours_second
