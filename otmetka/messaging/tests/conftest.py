from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Attached files go to a temporary directory, never to the real MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
