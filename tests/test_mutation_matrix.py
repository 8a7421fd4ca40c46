"""The mutation matrix: every run-test scenario against one simulated vendor per behaviour profile.

The conformant profile must pass every scenario; each faulty profile must fail exactly the
scenarios fixtures/mutation_matrix.yaml says (its fault is caught, and nothing else is blamed
on it). All vendors run at once in one world, sharing the harness' probes, as a real trial does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.scenarios.results import Outcome, Recorder, ScenarioResult
from harness.scenarios.runner import Job, load_features, load_steps, run_jobs
from harness.scenarios.simulated_world import SimulatedWorld
from harness.scenarios.world import World
from simulators.agency.profiles import PROFILES
from tests.conftest import REPO

TOPOLOGY = REPO / "fixtures" / "topologies" / "profiles.yaml"
MATRIX = REPO / "fixtures" / "mutation_matrix.yaml"


def expected_failures(matrix: dict[str, Any], profile: str, names_by_id: dict[str, set[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for scenario_id, which in (matrix["profiles"][profile].get("fails") or {}).items():
        names = names_by_id[scenario_id] if which == "all" else set(which)
        assert names <= names_by_id[scenario_id], (profile, scenario_id, names - names_by_id[scenario_id])
        out |= {(scenario_id, n) for n in names}
    return out


@pytest.fixture(scope="module")
def matrix_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, list[ScenarioResult]]]:
    tmp = tmp_path_factory.mktemp("matrix")
    world_def = yaml.safe_load(TOPOLOGY.read_text(encoding="utf-8"))
    suts = [a["id"] for a in world_def["provinces"][0]["agencies"] if "profile" in a]
    load_steps(REPO / "features")
    scenarios = load_features([REPO / "features" / "rt"])
    recorder = Recorder(tmp / "results.jsonl")
    with SimulatedWorld(
        TOPOLOGY, tmp / "world", suts=suts, recorder=recorder, evidence_dir=tmp / "evidence", hosts=3
    ) as sim:
        world = sim.world
        assert world is not None
        jobs = []
        for lane, organ in enumerate(suts):
            # Each vendor starts at a different scenario, so the expensive ones do not all run at once.
            shift = lane * len(scenarios) // len(suts)
            for scenario in scenarios[shift:] + scenarios[:shift]:
                jobs.append(Job(scenario, sut=world.agency(organ), driver=sim.driver(organ)))
        results = run_jobs(world, jobs, workers=len(suts))
        yield world, results


def test_matrix_covers_every_profile() -> None:
    matrix = yaml.safe_load(MATRIX.read_text(encoding="utf-8"))
    assert set(matrix["profiles"]) == set(PROFILES)
    world_def = yaml.safe_load(TOPOLOGY.read_text(encoding="utf-8"))
    profiles = [a["profile"] for a in world_def["provinces"][0]["agencies"] if "profile" in a]
    assert sorted(profiles) == sorted(PROFILES)
    for name, entry in matrix["profiles"].items():
        assert entry.get("breaks"), name
        assert (name == "conformant") != bool(entry.get("fails")), f"{name}: a faulty profile must fail something"


def test_each_profile_fails_exactly_its_scenarios(matrix_run: tuple[World, list[ScenarioResult]]) -> None:
    world, results = matrix_run
    matrix = yaml.safe_load(MATRIX.read_text(encoding="utf-8"))
    names_by_id: dict[str, set[str]] = {}
    for r in results:
        names_by_id.setdefault(r.scenario_id, set()).add(r.name)
    errors = [r for r in results if r.outcome in (Outcome.ERROR, Outcome.NOT_RUN)]
    assert not errors, [(r.agency, r.scenario_id, r.name, r.message_vi) for r in errors]
    problems = []
    for organ, agency in world.agencies.items():
        if agency.is_probe:
            continue
        mine = [r for r in results if r.agency == organ]
        failed = {(r.scenario_id, r.name) for r in mine if r.outcome is Outcome.FAILED}
        expected = expected_failures(matrix, agency.profile, names_by_id)
        if failed != expected:
            detail = {
                (r.scenario_id, r.name): r.message_vi for r in mine if (r.scenario_id, r.name) in failed ^ expected
            }
            problems.append(
                f"{agency.profile}: unexpected failures {sorted(failed - expected)}, "
                f"missed {sorted(expected - failed)}; messages {detail}"
            )
    assert not problems, "\n".join(problems)


def test_failures_name_the_rule_and_say_why(matrix_run: tuple[World, list[ScenarioResult]]) -> None:
    _, results = matrix_run
    for r in results:
        if r.outcome is Outcome.FAILED:
            assert r.message_vi.startswith("["), (r.scenario_id, r.message_vi)
            assert r.issues, (r.scenario_id, r.name)
            assert any(c in r.message_vi for c in "ăâđêôơưáàảãạ"), r.message_vi


def test_results_file_holds_every_run(matrix_run: tuple[World, list[ScenarioResult]], tmp_path: Path) -> None:
    world, results = matrix_run
    assert world.recorder.path is not None
    from harness.scenarios.results import read_results

    stored = read_results(world.recorder.path)
    assert len(stored) == len(results)
    assert {(r.agency, r.scenario_id, r.name, r.outcome) for r in stored} == {
        (r.agency, r.scenario_id, r.name, r.outcome) for r in results
    }
