from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Uploaded files kept between preview and commit go to a temporary directory."""
    settings.MEDIA_ROOT = str(tmp_path)
