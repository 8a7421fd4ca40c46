"""Bind the harness' step registry (features/steps/*.py) to pytest-bdd."""

from pathlib import Path

from harness.pytest_plugin import bind_steps
from harness.scenarios.runner import load_steps

load_steps(Path(__file__).parent)
bind_steps(globals())
