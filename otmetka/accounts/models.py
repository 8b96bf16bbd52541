"""Accounts: logins, their roles in organizations, rights overrides, login failures."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from otmetka.accounts.rights import RIGHTS
from otmetka.accounts.roles import Role

login_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{1,62}$",
    _("Логин: от 2 до 63 латинских букв, цифр и знаков . _ -, начинается с буквы или цифры."),
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # The login checks the staff card (dismissal) right after: load it in the same query.
        return self.select_related("person__employee", "organization").get(
            username=(username or "").strip().lower()
        )

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(username=username.strip().lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A login. Who the person is lives in people.Person (user.person); roles in RoleAssignment."""

    username = models.CharField(
        _("логин"), max_length=63, unique=True, validators=[login_validator]
    )
    organization = models.ForeignKey(
        "org.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("организация"),
    )
    is_active = models.BooleanField(_("активна"), default=True)
    is_staff = models.BooleanField(_("доступ к технической админке"), default=False)
    must_change_password = models.BooleanField(_("сменить пароль при входе"), default=False)
    password_expires_at = models.DateTimeField(
        _("временный пароль действует до"), null=True, blank=True
    )
    password_changed_at = models.DateTimeField(_("пароль изменён"), null=True, blank=True)
    date_joined = models.DateTimeField(_("создана"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("учётная запись")
        verbose_name_plural = _("учётные записи")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    def display_name(self) -> str:
        person = getattr(self, "person", None)
        return person.full_name if person is not None else self.username

    @property
    def active_role_code(self) -> str:
        role = getattr(self, "_active_role", None)
        return role.role if role is not None else ""

    def one_time_password_expired(self) -> bool:
        return (
            self.must_change_password
            and self.password_expires_at is not None
            and self.password_expires_at <= timezone.now()
        )


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def of_organization(self, organization_id: int) -> RoleAssignmentQuerySet:
        return self.filter(organization_id=organization_id)


class RoleAssignment(models.Model):
    """A role a user holds in an organization; a user may hold several and switch between them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("роль"), max_length=16, choices=Role.choices)
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("отделение"),
        help_text=_("Для заведующего отделением: чьи группы он ведёт"),
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("роль пользователя")
        verbose_name_plural = _("роли пользователей")
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="role_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class RoleRightOverride(models.Model):
    """An organization's change to a role's default rights: granted or taken away."""

    organization = models.ForeignKey(
        "org.Organization", on_delete=models.CASCADE, related_name="role_right_overrides"
    )
    role = models.CharField(_("роль"), max_length=16, choices=Role.choices)
    right = models.CharField(
        _("право"), max_length=64, choices=[(right.code, right.label) for right in RIGHTS]
    )
    granted = models.BooleanField(_("разрешено"))

    class Meta:
        verbose_name = _("настройка права роли")
        verbose_name_plural = _("настройки прав ролей")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "role", "right"], name="role_right_override_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.role} {self.right}={self.granted}"


class LoginFailure(models.Model):
    """One failed login attempt; the throttle counts these per account and per address.

    `address` is set only when the failure counts against its address: not for a trusted
    device, nor for unknown user names past their hourly bound. The audit log keeps the address
    of every failed login.
    """

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    # Whether the user name belonged to an account when it failed: unknown names may fill only
    # a bounded part of an address's hourly cap.
    account_exists = models.BooleanField(default=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="login_failure_user_at"),
            models.Index(fields=["address", "at"], name="login_failure_addr_at"),
        ]
        constraints = [models.CheckConstraint(condition=~Q(username=""), name="failure_username")]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.at}"
