"""People of a college: persons, students with personal cards, guardians, employees, consents."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otmetka.lib.snils import snils_format, validate_snils
from otmetka.lib.text import (
    Case,
    full_name,
    full_name_in,
    guess_sex,
    initials,
    short_name_in,
)


def person_sort_key(last_name: str, first_name: str, middle_name: str) -> str:
    """Collation key that sorts «Ё» with «Е», the same on SQLite and PostgreSQL."""
    return " ".join((last_name, first_name, middle_name)).lower().replace("ё", "е").strip()


class PersonQuerySet(models.QuerySet["Person"]):
    def search(self, text: str) -> PersonQuerySet:
        """Search by surname (and, when typed, the first name): «Иванов», «иванов ив»."""
        words = text.split()
        if not words:
            return self
        return self.filter(sort_key__startswith=person_sort_key(*(words + ["", ""])[:3]).strip())


class Person(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("мужской")
        FEMALE = "F", _("женский")

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.PROTECT, related_name="persons"
    )
    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    middle_name = models.CharField(_("отчество"), max_length=100, blank=True)
    sort_key = models.CharField(max_length=310, editable=False, db_index=True)
    birth_date = models.DateField(_("дата рождения"), null=True, blank=True)
    sex = models.CharField(_("пол"), max_length=1, choices=Sex.choices, blank=True)
    snils = models.CharField(
        _("СНИЛС"), max_length=14, blank=True, validators=[validate_snils]
    )
    phone = models.CharField(_("телефон"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("адрес регистрации"), max_length=300, blank=True)
    actual_address = models.CharField(
        _("фактический адрес"), max_length=300, blank=True,
        help_text=_("Если совпадает с адресом регистрации, можно не заполнять."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("учётная запись"),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("человек")
        verbose_name_plural = _("люди")
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "snils"], condition=~Q(snils=""), name="person_snils_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived collation key, kept with the row so lists sort alike on every database.
        self.sort_key = person_sort_key(self.last_name, self.first_name, self.middle_name)
        if self.snils:
            self.snils = snils_format(self.snils)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        return initials(self.last_name, self.first_name, self.middle_name)

    @property
    def grammatical_sex(self) -> str:
        """«M»/«F» for «изменил»/«изменила»: the recorded sex, else guessed from the name."""
        return self.sex or guess_sex(self.first_name, self.middle_name, self.last_name)

    def short_name_in(self, case: Case) -> str:
        """«Быкова А. П.»: the short name in `case`, the surname declined by `sex`."""
        return short_name_in(
            self.last_name, self.first_name, self.middle_name, sex=self.sex, case=case
        )

    def full_name_in(self, case: Case) -> str:
        return full_name_in(
            self.last_name, self.first_name, self.middle_name, sex=self.sex, case=case
        )

    @property
    def short_name_genitive(self) -> str:
        """For templates: «вместо {{ person.short_name_genitive }}»."""
        return self.short_name_in(Case.GENITIVE)

    @property
    def short_name_dative(self) -> str:
        """For templates: «Выдать {{ person.short_name_dative }} новый пароль?»."""
        return self.short_name_in(Case.DATIVE)

    @property
    def full_name_genitive(self) -> str:
        return self.full_name_in(Case.GENITIVE)


class Student(models.Model):
    """The personal card of a student (Положение 4.9); the group comes from dated memberships."""

    class Status(models.TextChoices):
        STUDYING = "studying", _("обучается")
        ACADEMIC_LEAVE = "academic_leave", _("в академическом отпуске")
        EXPELLED = "expelled", _("отчислен")
        GRADUATED = "graduated", _("выпущен")

    class Funding(models.TextChoices):
        BUDGET = "budget", _("бюджет")
        CONTRACT = "contract", _("договор")

    class EducationBase(models.TextChoices):
        GRADE_9 = "9", _("основное общее (9 классов)")
        GRADE_11 = "11", _("среднее общее (11 классов)")

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="student")
    status = models.CharField(
        _("статус"), max_length=16, choices=Status.choices, default=Status.STUDYING
    )
    personal_file_no = models.CharField(_("номер личного дела"), max_length=40, blank=True)
    enrolment_order_no = models.CharField(
        _("номер приказа о зачислении"), max_length=40, blank=True
    )
    enrolment_order_date = models.DateField(_("дата приказа о зачислении"), null=True, blank=True)
    citizenship = models.CharField(_("гражданство"), max_length=100, blank=True, default="РФ")
    education_base = models.CharField(
        _("образование при поступлении"), max_length=2, choices=EducationBase.choices, blank=True
    )
    funding = models.CharField(
        _("основа обучения"), max_length=16, choices=Funding.choices, default=Funding.BUDGET
    )
    card_checked_at = models.DateField(_("карточка проверена"), null=True, blank=True)
    created_at = models.DateTimeField(_("карточка создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("обучающийся")
        verbose_name_plural = _("обучающиеся")
        ordering = ["person__sort_key", "id"]

    def __str__(self) -> str:
        return str(self.person)


class Guardianship(models.Model):
    """A parent or legal representative linked to a student."""

    class Kind(models.TextChoices):
        MOTHER = "mother", _("мать")
        FATHER = "father", _("отец")
        GUARDIAN = "guardian", _("опекун (попечитель)")
        OTHER = "other", _("иной законный представитель")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="wards")
    kind = models.CharField(_("кем приходится"), max_length=16, choices=Kind.choices)
    receives_diary = models.BooleanField(_("получает электронный дневник"), default=True)

    class Meta:
        verbose_name = _("родитель (законный представитель)")
        verbose_name_plural = _("родители (законные представители)")
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="guardianship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guardian} — {self.get_kind_display()} {self.student}"


class Position(models.Model):
    """Должность: преподаватель, мастер п/о, заместитель директора, …"""

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="positions"
    )
    name = models.CharField(_("название"), max_length=200)
    is_teaching = models.BooleanField(_("педагогическая"), default=False)

    class Meta:
        verbose_name = _("должность")
        verbose_name_plural = _("должности")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="position_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class EmployeeQuerySet(models.QuerySet["Employee"]):
    def working(self) -> EmployeeQuerySet:
        return self.filter(dismissal_date__isnull=True)


class Employee(models.Model):
    """A staff card kept by HR (Положение 4.4)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="employee")
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("отделение"),
    )
    positions = models.ManyToManyField(Position, blank=True, verbose_name=_("должности"))
    hire_date = models.DateField(_("дата вступления в должность"), null=True, blank=True)
    hire_order_no = models.CharField(_("номер приказа о приёме"), max_length=40, blank=True)
    dismissal_date = models.DateField(_("дата увольнения"), null=True, blank=True)
    created_at = models.DateTimeField(_("внесён в систему"), auto_now_add=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("сотрудник")
        verbose_name_plural = _("сотрудники")
        ordering = ["person__sort_key", "id"]

    def __str__(self) -> str:
        return str(self.person)


class Consent(models.Model):
    """Согласие на обработку персональных данных (Положение 3.8): signed, then maybe revoked."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    signed_on = models.DateField(_("дата подписания"))
    document = models.CharField(
        _("документ"), max_length=200, help_text=_("Например: заявление-согласие № 15")
    )
    revoked_on = models.DateField(_("дата отзыва"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("согласие на обработку ПД")
        verbose_name_plural = _("согласия на обработку ПД")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person}: {self.document} ({self.signed_on:%d.%m.%Y})"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None


class LateCardJustification(models.Model):
    """A card entered after the deadline of Положение 4.9 for a reason the college accepts —
    the first load of students who were already studying, a card transferred from another
    system: who decided, when and why. It takes the card off the list of late cards."""

    student = models.OneToOneField(
        Student, on_delete=models.PROTECT, related_name="late_card_justification"
    )
    reason = models.CharField(
        _("обоснование"),
        max_length=300,
        help_text=_("Например: первичная загрузка контингента при переходе на Отметку"),
    )
    justified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("кто признал"),
    )
    justified_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("обоснованное опоздание с карточкой")
        verbose_name_plural = _("обоснованные опоздания с карточками")
        ordering = ["-justified_at", "-id"]

    def __str__(self) -> str:
        return _("Карточка %(student)s: %(reason)s") % {
            "student": self.student,
            "reason": self.reason,
        }
