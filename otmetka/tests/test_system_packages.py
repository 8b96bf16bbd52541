"""`make test` checks the system packages before anything runs (scripts/system-packages.sh)."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-packages.sh"


def _shim(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def test_without_root_it_stops_at_once_and_names_the_command(tmp_path: Path) -> None:
    """A machine with none of the packages, and no right to install them."""
    _shim(tmp_path, "id", "echo 1000")
    _shim(tmp_path, "dpkg", "exit 1")
    _shim(tmp_path, "ls", "exit 2")
    result = subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert (
        "sudo apt-get install --no-install-recommends chromium gettext faketime postgresql "
        "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
    ) in result.stderr


def test_with_everything_present_it_says_nothing(tmp_path: Path) -> None:
    for name in ("chromium", "msgfmt", "faketime"):
        _shim(tmp_path, name, "exit 0")
    _shim(tmp_path, "id", "echo 1000")
    _shim(tmp_path, "dpkg", "exit 0")
    _shim(tmp_path, "ls", "exit 0")
    result = subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stderr) == (0, "")
