"""The upload form of the imports."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Файл XLSX или CSV"),
        help_text=_("CSV — в кодировке UTF-8 или Windows-1251, столбцы через «;»."),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Файл больше 5 МБ."))
        if PurePath(upload.name or "").suffix.lower() not in (".xlsx", ".csv", ".txt"):
            raise forms.ValidationError(_("Загрузите файл XLSX или CSV."))
        return upload
