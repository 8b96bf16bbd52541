"""The demo logins table that `seed_demo` and `demo_logins` print."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from otmetka.accounts.models import RoleAssignment, User
from otmetka.accounts.roles import Role
from otmetka.demo import catalog
from otmetka.demo.generator import DEMO_PASSWORD, DEMO_ROLES, DemoLogin


def demo_logins_in_database() -> list[DemoLogin]:
    """The fixed demo logins that exist, in the order of the table (three queries)."""
    prefixes = ("", *sorted({spec.login_prefix for pair in catalog.SIZES.values()
                             for spec in pair if spec.login_prefix}))
    wanted = [prefix + key for prefix in prefixes for key in DEMO_ROLES]
    users = {
        user.username: user
        for user in User.objects.filter(username__in=wanted)
        .select_related("person", "organization")
        .prefetch_related(Prefetch("role_assignments",
                                   queryset=RoleAssignment.objects.order_by("id")))
    }
    logins = []
    for username in wanted:
        user = users.get(username)
        if user is None:
            continue
        person = getattr(user, "person", None)
        logins.append(DemoLogin(
            username,
            tuple(assignment.role for assignment in user.role_assignments.all()),
            person.full_name if person is not None else "",
            user.organization.short_name if user.organization is not None else "",
        ))
    return logins


def login_table(logins: list[DemoLogin]) -> list[str]:
    """Lines of a plain-text table: login, roles, ФИО, organization."""
    header = (_("Логин"), _("Роль"), _("ФИО"), _("Организация"))
    rows = [
        (login.username, ", ".join(str(Role(role).label) for role in login.roles),
         login.full_name, login.organization)
        for login in logins
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(3)]
    lines = [_("Демонстрационные логины, пароль для всех: %(password)s")
             % {"password": DEMO_PASSWORD}]
    for row in [header, *rows]:
        cells = [value.ljust(width) for value, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    return lines
