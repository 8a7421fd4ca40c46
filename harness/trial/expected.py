"""Which scenarios each run-test item needs: read from the Gherkin features, so statements follow the features."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from harness.paths import REPO_ROOT

DEFAULT_FEATURES = REPO_ROOT / "features" / "rt"
"""The agency run-tests RT-01..RT-12 of the checkout."""


def expected_scenarios(features_dir: Path = DEFAULT_FEATURES) -> dict[str, set[str]]:
    """Run-test ID -> names of its scenarios (outline rows included), from the .feature files under a folder.

    Scenarios without an RT-/AX- tag are left out. Raises OSError when the folder cannot be read.
    """
    from harness.scenarios.runner import load_features

    if not features_dir.exists():
        raise FileNotFoundError(f"Không có thư mục kịch bản {features_dir}")
    out: dict[str, set[str]] = defaultdict(set)
    for scenario in load_features([features_dir]):
        if scenario.scenario_id:
            out[scenario.scenario_id].add(scenario.name)
    return dict(out)
