"""mypy --strict over the core, the rules and the services (the files listed under [tool.mypy]
in pyproject: the maintenance windows and cases services among them)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SERVICES = ["src/recess/maintenance_windows/service.py", "src/recess/cases/service.py"]


def test_core_and_rules_type_check_strictly() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_services_are_on_the_strict_list() -> None:
    files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    assert [f for f in SERVICES if f not in files] == []
