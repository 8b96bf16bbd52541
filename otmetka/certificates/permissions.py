"""Who may issue certificates and read the register: holders of `certificates.issue`, within
their own organization, for the students whose card they may open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from otmetka.accounts.roles import Role
from otmetka.certificates.models import Certificate, CertificateRequest
from otmetka.people.models import Student
from otmetka.people.permissions import can_issue_certificates, students_visible_to

if TYPE_CHECKING:
    from otmetka.accounts.permissions import ActiveRole

ISSUE = "certificates.issue"


def certificate_students(actor: ActiveRole) -> QuerySet[Student]:
    """Students the actor may issue a certificate to: those whose card they may open."""
    if not can_issue_certificates(actor):
        return Student.objects.none()
    return students_visible_to(actor)


def get_certificate_student_or_404(actor: ActiveRole, student_id: int) -> Student:
    return get_object_or_404(certificate_students(actor).select_related("person"), pk=student_id)


def certificates_visible_to(actor: ActiveRole) -> QuerySet[Certificate]:
    """The organization's register of issued certificates."""
    if not can_issue_certificates(actor):
        return Certificate.objects.none()
    return Certificate.objects.filter(organization_id=actor.organization_id)


def get_certificate_for_user_or_404(actor: ActiveRole, certificate_id: int) -> Certificate:
    return get_object_or_404(
        certificates_visible_to(actor).select_related("student__person"), pk=certificate_id
    )


def own_student(actor: ActiveRole) -> Student | None:
    """The student the actor is, when acting as a student of the organization."""
    if actor.role != Role.STUDENT:
        return None
    return (
        Student.objects.filter(
            person__user_id=actor.user.pk, person__organization_id=actor.organization_id
        )
        .select_related("person")
        .first()
    )


def pending_requests(actor: ActiveRole) -> QuerySet[CertificateRequest]:
    """Students' requests waiting for the actor to issue them."""
    if not can_issue_certificates(actor):
        return CertificateRequest.objects.none()
    return CertificateRequest.objects.filter(
        organization_id=actor.organization_id,
        status=CertificateRequest.Status.PENDING,
        student__in=certificate_students(actor),
    )
