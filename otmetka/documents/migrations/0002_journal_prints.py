"""Printed journals become documents of the kind «journal.print»; their files stay where they are.

A copy still queued at the upgrade is marked failed with a note to order it again: the task
that would have rendered it is gone.
"""

from django.db import migrations

KIND = "journal.print"
REQUEUE = "Копия не была готова до обновления системы; закажите её ещё раз."


def _title(copy):
    workload = copy.workload
    item = f"{workload.item.index} {workload.item.name}".strip()
    return f"Журнал {workload.group.name} · {item} · {copy.period.name} {copy.period.academic_year.name}"


def prints_to_documents(apps, schema_editor):
    JournalPrint = apps.get_model("journal", "JournalPrint")
    Document = apps.get_model("documents", "Document")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    copies = JournalPrint.objects.select_related(
        "workload__group", "workload__item", "period__academic_year"
    ).order_by("pk")
    for copy in copies.iterator():
        organization_id = copy.workload.group.organization_id
        role = (
            RoleAssignment.objects.filter(user_id=copy.requested_by_id, organization_id=organization_id)
            .order_by("pk")
            .first()
        )
        ready = copy.status == "ready"
        status = copy.status if copy.status in ("ready", "failed") else "failed"
        Document.objects.create(
            organization_id=organization_id,
            owner_id=copy.requested_by_id,
            role=role,
            kind=KIND,
            title=_title(copy)[:300],
            params={"workload": copy.workload_id, "period": copy.period_id},
            status=status,
            done=1 if ready else 0,
            total=1 if ready else 0,
            file=copy.file.name,
            filename=f"{copy.workload.group.name}-{copy.requested_at:%Y-%m-%d}-{copy.pk}.pdf" if ready else "",
            content_type="application/pdf" if ready else "",
            error=copy.error if copy.status == "failed" else ("" if ready else REQUEUE),
            created_at=copy.requested_at,
            started_at=copy.requested_at,
            finished_at=copy.finished_at or copy.requested_at,
        )


def documents_to_prints(apps, schema_editor):
    JournalPrint = apps.get_model("journal", "JournalPrint")
    Document = apps.get_model("documents", "Document")
    for document in Document.objects.filter(kind=KIND).order_by("pk").iterator():
        params = document.params or {}
        if "workload" not in params or "period" not in params:
            continue
        copy = JournalPrint.objects.create(
            workload_id=params["workload"],
            period_id=params["period"],
            requested_by_id=document.owner_id,
            status=document.status if document.status in ("ready", "failed") else "pending",
            file=document.file.name,
            finished_at=document.finished_at,
            error=document.error,
        )
        JournalPrint.objects.filter(pk=copy.pk).update(requested_at=document.created_at)
    Document.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("journal", "0005_work_kind_oral_answer"),
    ]

    operations = [migrations.RunPython(prints_to_documents, documents_to_prints)]
