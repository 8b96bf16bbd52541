"""Checks for files people attach (homework, messages, announcements): size, name and content.

The extension alone proves nothing: a file is accepted only when its first bytes look like the
type its name claims, so an executable renamed to «задание.pdf» is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from otmetka.lib.errors import DomainError

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# extension → (content type, allowed leading bytes; None = plain text)
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (_OLE,)),
    "xls": ("application/vnd.ms-excel", (_OLE,)),
    "ppt": ("application/vnd.ms-powerpoint", (_OLE,)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ZIP,
    ),
    "odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", _ZIP),
    "zip": ("application/zip", _ZIP),
    "txt": ("text/plain", None),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    size: int
    content_type: str


def _sniff(head: bytes, signatures: tuple[bytes, ...] | None) -> bool:
    if signatures is None:
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte letter cut at the end of the sample is still text.
            if error.start < len(head) - 4:
                try:
                    head.decode("cp1251")
                except UnicodeDecodeError:
                    return False
        return True
    return any(head.startswith(signature) for signature in signatures)


def upload_check(uploaded_file: UploadedFile, *, field: str = "file") -> CheckedUpload:
    """The file's safe name, size and content type, or a DomainError naming the problem.

    At most 10 MB, not empty, of an allowed type by its name and by its first bytes.
    """
    name = PurePath(uploaded_file.name or "").name.strip()
    size = uploaded_file.size or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise DomainError(_("Файл больше 10 МБ."), field=field)
    if size == 0:
        raise DomainError(_("Файл пуст."), field=field)
    extension = PurePath(name).suffix.lower().lstrip(".")
    known = ATTACHMENT_TYPES.get(extension)
    if known is None:
        raise DomainError(
            _("Такие файлы прикладывать нельзя. Можно: %(types)s.")
            % {"types": ", ".join(sorted(ATTACHMENT_TYPES))},
            field=field,
        )
    content_type, signatures = known
    uploaded_file.seek(0)
    head = uploaded_file.read(2048)
    uploaded_file.seek(0)
    if not _sniff(head, signatures):
        raise DomainError(
            _("Содержимое файла не похоже на %(ext)s.") % {"ext": extension.upper()}, field=field
        )
    return CheckedUpload(name=name[:255], size=size, content_type=content_type)
