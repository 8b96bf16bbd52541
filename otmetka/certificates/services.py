"""Writes of certificates: issuing one, numbered in the organization's register."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from otmetka.accounts.permissions import users_with_right
from otmetka.audit.services import audit_change
from otmetka.certificates.models import Certificate, CertificateRequest
from otmetka.certificates.permissions import ISSUE, certificate_students, own_student
from otmetka.certificates.selectors import student_facts, study_record
from otmetka.lib.dates import local_today
from otmetka.lib.errors import DomainError, NotAllowed
from otmetka.notifications.models import Notification
from otmetka.notifications.services import notify
from otmetka.org.models import Organization
from otmetka.people.models import Student
from otmetka.people.permissions import can_issue_certificates

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

DEFAULT_PRESENTED_TO = "по месту требования"
MAX_PENDING_REQUESTS = 3
PRESENTED_TO_MAX = 300
AUDIT_FIELDS = ("year", "number", "kind", "student", "issued_on", "presented_to")


def _organization_details(organization: Organization) -> dict[str, str]:
    return {
        "name": organization.name,
        "short_name": organization.short_name,
        "address": organization.address,
        "inn": organization.inn,
        "kpp": organization.kpp,
        "ogrn": organization.ogrn,
        "phone": organization.phone,
        "email": organization.email,
        "license": organization.license_details,
        "accreditation": organization.accreditation_details,
        "director": organization.director_name,
    }


def _issuer_name(actor: ActiveRole) -> tuple[str, str]:
    """The issuer's full name for the register and «Фамилия И. О.» for the signature line."""
    person = getattr(actor.user, "person", None)
    if person is None:
        return actor.user.username, actor.user.username
    return person.full_name, person.short_name


def _checked(kind: str, presented_to: str) -> tuple[str, str]:
    if kind not in Certificate.Kind.values:
        raise DomainError(_("Выберите вид справки."), field="kind")
    presented_to = " ".join((presented_to or "").split()) or DEFAULT_PRESENTED_TO
    if len(presented_to) > PRESENTED_TO_MAX:
        raise DomainError(
            _("Не длиннее %(count)s символов.") % {"count": PRESENTED_TO_MAX},
            field="presented_to",
        )
    return kind, presented_to


@transaction.atomic
def certificate_issue(
    *,
    actor: ActiveRole,
    student: Student,
    kind: str,
    presented_to: str = "",
    request: CertificateRequest | None = None,
) -> Certificate:
    """Issue a certificate to the student: the next number of the organization's year, the
    register's row and its audit row, with what the certificate states kept on the row.

    The number is taken under a lock of the organization's row, so two secretaries issuing
    at the same moment get two numbers, never the same one. With `request`, the student's
    request is fulfilled by this certificate and the student is told.
    """
    if not can_issue_certificates(actor):
        raise NotAllowed(_("Выдавать справки может секретарь учебной части."))
    if not certificate_students(actor).filter(pk=student.pk).exists():
        raise NotAllowed(_("Этот обучающийся вам недоступен."))
    kind, presented_to = _checked(kind, presented_to)
    today = local_today(actor.organization.timezone)
    facts = student_facts(student, today)
    if not facts["study_from"]:
        raise DomainError(
            _("Обучающийся не зачислен ни в одну группу: справку выдать нельзя."), field="kind"
        )
    lines = []
    if kind == Certificate.Kind.ENROLMENT:
        if not facts["on_roll"] or student.status != Student.Status.STUDYING:
            raise DomainError(
                _(
                    "На %(date)s обучающийся не числится в группе (%(status)s): справку с места "
                    "учёбы выдать нельзя, выдайте справку об обучении."
                )
                % {"date": today.strftime("%d.%m.%Y"), "status": student.get_status_display()},
                field="kind",
            )
    else:
        lines = [asdict(line) for line in study_record(student.pk)]
    if request is not None:
        request = _pending_request(actor, request, student)
    issuer, issuer_short = _issuer_name(actor)
    # The lock that makes numbers unique and gapless within the organization's year.
    organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
    last = Certificate.objects.filter(organization=organization, year=today.year).aggregate(
        last=Max("number")
    )["last"]
    certificate = Certificate.objects.create(
        organization=organization,
        year=today.year,
        number=(last or 0) + 1,
        kind=kind,
        student=student,
        issued_on=today,
        presented_to=presented_to,
        issued_by=actor.user,
        issued_by_name=issuer[:200],
        group_id=facts["group_id"],
        content={
            "student": facts,
            "lines": lines,
            "total_hours": sum(line["hours"] for line in lines),
            "organization": _organization_details(organization),
            "issuer": issuer_short,
        },
    )
    audit_change(
        actor=actor.user,
        instance=certificate,
        before=None,
        organization_id=organization.pk,
        fields=AUDIT_FIELDS,
    )
    if request is not None:
        request.status = CertificateRequest.Status.ISSUED
        request.certificate = certificate
        request.save(update_fields=["status", "certificate"])
        user_id = student.person.user_id
        if user_id is not None:
            notify(
                user_ids=[user_id],
                organization_id=organization.pk,
                kind=Notification.Kind.OTHER,
                title=_("Справка готова: %(kind)s № %(number)s")
                % {"kind": certificate.get_kind_display(), "number": str(certificate)},
                body=_("Получите её у секретаря учебной части."),
            )
    return certificate


def _pending_request(
    actor: ActiveRole, request: CertificateRequest, student: Student
) -> CertificateRequest:
    """The request locked, still pending and the student's own, or a refusal."""
    locked = (
        CertificateRequest.objects.select_for_update()
        .filter(pk=request.pk, organization_id=actor.organization_id, student=student)
        .first()
    )
    if locked is None:
        raise NotAllowed(_("Эта заявка вам недоступна."))
    if locked.status != CertificateRequest.Status.PENDING:
        raise DomainError(_("По этой заявке справка уже выдана."))
    return locked


@transaction.atomic
def certificate_request_create(
    *, actor: ActiveRole, kind: str, presented_to: str = ""
) -> CertificateRequest:
    """A student asks for a certificate; the secretaries are told."""
    student = own_student(actor)
    if student is None:
        raise NotAllowed(_("Заказать справку может только сам обучающийся."))
    kind, presented_to = _checked(kind, presented_to)
    # The student's row, locked: two clicks at once cannot pass the limit together.
    Student.objects.select_for_update().filter(pk=student.pk).first()
    pending = CertificateRequest.objects.filter(
        student=student, status=CertificateRequest.Status.PENDING
    ).count()
    if pending >= MAX_PENDING_REQUESTS:
        raise DomainError(
            ngettext(
                "Уже ждёт выдачи %(count)s заявка: дождитесь её выполнения.",
                "Уже ждут выдачи %(count)s заявки: дождитесь их выполнения.",
                pending,
            )
            % {"count": pending}
        )
    request = CertificateRequest.objects.create(
        organization_id=actor.organization_id,
        student=student,
        kind=kind,
        presented_to=presented_to,
    )
    audit_change(
        actor=actor.user,
        instance=request,
        before=None,
        organization_id=actor.organization_id,
        fields=("kind", "presented_to", "student"),
    )
    notify(
        user_ids=users_with_right(actor.organization_id, ISSUE).values_list("pk", flat=True),
        organization_id=actor.organization_id,
        kind=Notification.Kind.OTHER,
        title=_("Заявка на справку: %(name)s") % {"name": student.person.full_name},
        body=_("%(kind)s, для предъявления %(place)s.")
        % {"kind": request.get_kind_display().capitalize(), "place": presented_to},
        url=reverse("certificates:register"),
    )
    return request
