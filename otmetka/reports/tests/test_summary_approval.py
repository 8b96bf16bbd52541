"""The approval of a сводная ведомость: prepared, agreed by the deputy, printed, signed."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from pypdf import PdfReader

from otmetka.academics.models import AttestationForm
from otmetka.audit.models import AuditEvent
from otmetka.journal.models import AttestationMark, AttestationSheet
from otmetka.lib.errors import DomainError
from otmetka.notifications.models import Notification
from otmetka.reports.approval import PREPARE, summary_approval_step
from otmetka.reports.models import SummaryApproval
from otmetka.test import World

pytestmark = pytest.mark.django_db


def _close_sheets(world: World, *, mdk_open: bool = False) -> AttestationMark:
    """The group's two attestation items of the semester, with the student's marks; the
    exam's mark is returned."""
    c = world.college
    marks = []
    for item, form, value in (
        (c.discipline, AttestationForm.EXAM, "4"),
        (c.mdk, AttestationForm.DIFF_CREDIT, "5"),
    ):
        closed = not (mdk_open and item == c.mdk)
        sheet = AttestationSheet.objects.create(
            group=c.group,
            item=item,
            period=c.semester1,
            form=form,
            status=AttestationSheet.Status.CLOSED if closed else AttestationSheet.Status.OPEN,
            closed_roll=[c.student.pk] if closed else [],
        )
        marks.append(AttestationMark.objects.create(sheet=sheet, student=c.student, value=value))
    return marks[0]


def _url(world: World) -> str:
    url = reverse("reports:group_summary", kwargs={"group_id": world.college.group.pk})
    return f"{url}?period={world.college.semester1.pk}"


def _step(world: World, who: str, step: str, comment: str = "", role: str | None = None) -> Any:
    # Notices are written when the step's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return world.client_for(who, role).post(
            reverse("reports:group_summary_step", kwargs={"group_id": world.college.group.pk}),
            {"period": world.college.semester1.pk, "step": step, "comment": comment},
        )


def _step_with(client: Client, world: World, step: str) -> Any:
    return client.post(
        reverse("reports:group_summary_step", kwargs={"group_id": world.college.group.pk}),
        {"period": world.college.semester1.pk, "step": step},
    )


def _approval(world: World) -> SummaryApproval:
    return SummaryApproval.objects.get(group=world.college.group, period=world.college.semester1)


def _pdf_text(world: World, who: str) -> str:
    url = reverse("reports:group_summary_pdf", kwargs={"group_id": world.college.group.pk})
    response = world.client_for(who).get(url, {"period": world.college.semester1.pk})
    assert response.status_code == 200
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_whole_path_records_who_did_each_step(world: World) -> None:
    _close_sheets(world)
    assert "Распечатка не согласована" in _pdf_text(world, "head")

    assert _step(world, "head", "prepare").status_code == 302
    deputy = world.user("deputy")
    assert Notification.objects.filter(user=deputy, title__contains="ждёт согласования").exists()
    assert _step(world, "deputy", "agree").status_code == 302
    head = world.user("head")
    assert Notification.objects.filter(user=head, title__contains="согласована").exists()
    assert "Распечатка согласована: Заместителева Мария Петровна" in _pdf_text(world, "secretary")
    assert _step(world, "secretary", "print").status_code == 302
    assert _step(world, "deputy", "sign").status_code == 302

    approval = _approval(world)
    assert approval.state == SummaryApproval.State.SIGNED
    assert (approval.prepared_by, approval.agreed_by) == (head, deputy)
    assert (approval.printed_by, approval.signed_by) == (world.user("secretary"), deputy)
    page = world.client_for("deputy").get(_url(world)).content.decode()
    assert "подписана" in page
    for label in ("Подготовлена", "Согласована заместителем директора по УМР", "Распечатана"):
        assert label in page
    assert "Заведующая Ирина Юрьевна" in page and "Секретарёва Алла Борисовна" in page
    states = [
        event.changes["state"]
        for event in AuditEvent.objects.filter(
            object_type="reports.summaryapproval", object_id=str(approval.pk)
        ).order_by("id")
    ]
    assert states == [
        [None, "prepared"],
        ["prepared", "agreed"],
        ["agreed", "printed"],
        ["printed", "signed"],
    ]


def test_an_open_sheet_cannot_be_prepared(world: World) -> None:
    _close_sheets(world, mdk_open=True)
    response = _step(world, "head", "prepare")
    assert response.status_code == 400
    assert "Сначала закройте аттестационные ведомости: МДК.01.01" in response.content.decode()
    assert not SummaryApproval.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reports.summaryapproval").exists()


def test_steps_out_of_order_are_refused_and_change_nothing(world: World) -> None:
    _close_sheets(world)
    response = _step(world, "deputy", "agree")
    assert response.status_code == 400
    assert "Ведомость ещё не подготовлена." in response.content.decode()
    assert _step(world, "head", "prepare").status_code == 302
    response = _step(world, "head", "prepare")
    assert "ведомость подготовлена, ждёт согласования" in response.content.decode()
    response = _step(world, "secretary", "print")
    assert response.status_code == 400
    assert _approval(world).state == SummaryApproval.State.PREPARED
    assert AuditEvent.objects.filter(object_type="reports.summaryapproval").count() == 1


def test_a_change_after_agreement_must_be_prepared_again(world: World) -> None:
    exam = _close_sheets(world)
    _step(world, "head", "prepare")
    _step(world, "deputy", "agree")
    exam.value = "3"
    exam.save()

    page = world.client_for("secretary").get(_url(world)).content.decode()
    assert "После подготовки в ведомости изменились отметки или пропуски" in page
    assert "Распечатка не согласована" in _pdf_text(world, "secretary")
    response = _step(world, "secretary", "print")
    assert response.status_code == 400
    assert "подготовьте её заново" in response.content.decode()
    assert _approval(world).state == SummaryApproval.State.AGREED

    assert _step(world, "head", "prepare").status_code == 302
    approval = _approval(world)
    assert approval.state == SummaryApproval.State.PREPARED
    assert approval.agreed_at is None and approval.agreed_by is None


def test_the_deputy_returns_with_a_comment(world: World) -> None:
    _close_sheets(world)
    _step(world, "curator", "prepare", role="curator")
    response = _step(world, "deputy", "return")
    assert response.status_code == 400
    assert "Напишите, что нужно исправить." in response.content.decode()
    assert _approval(world).state == SummaryApproval.State.PREPARED

    assert _step(world, "deputy", "return", "Нет подписи куратора").status_code == 302
    approval = _approval(world)
    assert (approval.state, approval.comment) == ("returned", "Нет подписи куратора")
    notice = Notification.objects.get(user=world.user("curator"), title__contains="доработку")
    assert notice.body == "Нет подписи куратора"
    assert (
        "Нет подписи куратора"
        in world.client_for("curator", "curator").get(_url(world)).content.decode()
    )
    assert _step(world, "curator", "prepare", role="curator").status_code == 302
    assert _approval(world).comment == ""


def test_an_overlong_comment_is_refused(world: World) -> None:
    _close_sheets(world)
    _step(world, "head", "prepare")
    response = _step(world, "deputy", "return", "х" * 501)
    assert response.status_code == 400
    assert _approval(world).state == SummaryApproval.State.PREPARED


@pytest.mark.parametrize(
    ("who", "role", "step", "status"),
    [
        ("head", None, "prepare", 302),
        ("curator", "curator", "prepare", 302),
        ("secretary", None, "prepare", 302),
        ("deputy", None, "prepare", 302),
        ("teacher", None, "prepare", 403),
        ("curator", "teacher", "prepare", 403),
        ("director", None, "prepare", 403),
        ("methodist", None, "prepare", 403),
        ("student", None, "prepare", 403),
        ("parent", None, "prepare", 403),
        ("head", None, "agree", 400),  # may prepare, not agree: refused on the page
    ],
)
def test_who_may_take_a_step(
    world: World, who: str, role: str | None, step: str, status: int
) -> None:
    _close_sheets(world)
    assert _step(world, who, step, role=role).status_code == status


def test_strangers_get_404(world: World) -> None:
    _close_sheets(world)
    stranger = world.client_for(world.stranger.users["deputy"])
    assert _step_with(stranger, world, "prepare").status_code == 404
    assert stranger.get(_url(world)).status_code == 404
    url = reverse("reports:group_summary_step", kwargs={"group_id": world.college.other_group.pk})
    data = {"period": world.college.semester1.pk, "step": "prepare"}
    assert world.client_for("curator", "curator").post(url, data).status_code == 404
    assert (
        world.client_for("curator", "curator")
        .get(reverse("reports:group_summary", kwargs={"group_id": world.college.other_group.pk}))
        .status_code
        == 404
    )


def test_the_service_refuses_whatever_the_door(world: World) -> None:
    _close_sheets(world)
    with pytest.raises(DomainError):
        summary_approval_step(
            actor=world.actor("teacher"),
            group=world.college.group,
            period=world.college.semester1,
            step=PREPARE,
        )
    assert not SummaryApproval.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_preparations_at_once_make_one(transactional_db: None, world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: row locks are tested on PostgreSQL")
    _close_sheets(world)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(who: str) -> None:
        try:
            barrier.wait()
            summary_approval_step(
                actor=world.actor(who),
                group=world.college.group,
                period=world.college.semester1,
                step=PREPARE,
            )
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(who,)) for who in ("head", "secretary")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    assert SummaryApproval.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="reports.summaryapproval").count() == 1
