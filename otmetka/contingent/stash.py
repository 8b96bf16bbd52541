"""An uploaded file kept on the server between the preview and the commit of an import.

The browser holds only a random token, and the session holds the same token with the file's
name; the commit reads the file from disk and validates it again, so nothing the client sends
back is trusted. The files live under MEDIA_ROOT, which is never served to the web, and are
deleted after the commit or after a day.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

STASH_DIR = "contingent-imports"
STASH_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class StashedFile:
    token: str
    name: str
    content: bytes


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / STASH_DIR


def _session_key(kind: str) -> str:
    return f"contingent_import_{kind}"


def _sweep(folder: Path) -> None:
    """Forget files of imports that were never committed."""
    limit = time.time() - STASH_MAX_AGE
    for path in folder.glob("*.upload"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            continue


def stash_put(session: SessionBase, *, kind: str, name: str, content: bytes) -> str:
    """Keep the file; returns the token the preview page posts back."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder)
    previous = session.get(_session_key(kind))
    if previous:
        (folder / f"{previous['token']}.upload").unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.upload").write_bytes(content)
    session[_session_key(kind)] = {"token": token, "name": name[:200]}
    return token


def stash_take(session: SessionBase, *, kind: str, token: str) -> StashedFile | None:
    """The file this session stashed under `token` (removed from the stash), or None."""
    stored = session.get(_session_key(kind))
    if not stored or not secrets.compare_digest(str(stored["token"]), str(token)):
        return None
    session.pop(_session_key(kind), None)
    path = _folder() / f"{stored['token']}.upload"
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return StashedFile(token=stored["token"], name=stored["name"], content=content)
