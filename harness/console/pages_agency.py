"""One agency: its run-test table with every attempt, the findings with their rule IDs, the files to
download (appendix DOCX and signed PDF, evidence bundles, journal extracts, screenshots) and its tasks."""

from __future__ import annotations

from collections import defaultdict

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from harness.console.files import FileRef, agency_files
from harness.console.model import newest_round, province_of
from harness.console.params import parse_id
from harness.console.render import page
from harness.console.security import deny, guard, require
from harness.scenarios.results import OUTCOME_VI, ScenarioResult
from harness.trial.issued import latest_issued
from harness.trial.statement import Attestation, build_statement
from harness.trial.tasks import Task, TaskStore


def _round_number(request: Request) -> int:
    raw = request.query_params.get("dot")
    if raw is None:
        number = newest_round(request.app.state.store)
        if number is None:
            raise HTTPException(404, "Chưa có đợt chạy thử nào.")
        return number
    return parse_id(raw, "đợt chạy thử")


def _records(
    request: Request, organ_id: str, number: int
) -> tuple[list[ScenarioResult], list[Attestation], list[Task], list[FileRef]]:
    """The agency's runs, attestations and tasks in the round, and the files they make downloadable."""
    store = request.app.state.store
    results = store.results(number, organ_id)
    attestations = store.attestations(number, organ_id)
    tasks = TaskStore(store).tasks(number, organ_ids=[organ_id])
    return results, attestations, tasks, agency_files(store, number, organ_id, results, attestations, tasks)


def _load(request: Request, organ_id: str, number: int) -> dict[str, object]:
    store = request.app.state.store
    agency = store.agency(organ_id)
    trial_round = store.round(number)
    if agency is None or trial_round is None:
        raise HTTPException(404, f"Không có cơ quan {organ_id} trong đợt {number}.")
    results, attestations, tasks, files = _records(request, organ_id, number)
    statement = build_statement(
        agency,
        trial_round,
        results,
        expected=request.app.state.expected,
        attestations=attestations,
        axis=store.agency_axes().get(organ_id),
    )
    attempts = defaultdict(list)
    for result in sorted(results, key=lambda r: (r.scenario_id, r.name, -r.attempt)):
        attempts[result.scenario_id].append(result)
    return {
        "agency": agency,
        "province": province_of(organ_id),
        "round": trial_round,
        "rounds": store.rounds(),
        "statement": statement,
        "attempts": attempts,
        "tasks": tasks,
        "files": files,
        "issued": latest_issued(store, number, organ_id),
        "outcome_vi": OUTCOME_VI,
    }


def agency_page(request: Request) -> Response:
    account = require(request)
    organ_id = request.path_params["organ_id"]
    guard(request, account, organ_id)
    number = _round_number(request)
    return page(request, "agency.html", _load(request, organ_id, number))


def agency_file(request: Request) -> Response:
    account = require(request)
    organ_id = request.path_params["organ_id"]
    guard(request, account, organ_id)
    number = _round_number(request)
    key = request.path_params["key"]
    found = next((f for f in _records(request, organ_id, number)[3] if f.key == key), None)
    if found is None:
        deny(request, account, f"tệp {key} (không thuộc cơ quan {organ_id} trong đợt {number})")
    return FileResponse(found.path, media_type=found.media_type, filename=found.path.name)
