"""The files an agency's page offers for download, each under an opaque key, and nothing else: the
appendices and bundles the reports wrote for that agency (the round's manifest), the journal extracts and
packages recorded as evidence of its runs, and the screenshots its clerks uploaded. A key names a file only
in the context of one agency and round, so a key copied from another agency's page opens nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from harness.scenarios.results import ScenarioResult
from harness.trial.statement import Attestation
from harness.trial.store import CampaignStore
from harness.trial.tasks import Task

MEDIA = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".json": "application/json",
    ".xml": "application/xml",
    ".edxml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
KIND_VI = {
    "appendix-pdf": "Phụ lục (PDF ký số)",
    "appendix-docx": "Phụ lục (DOCX)",
    "junit": "Kết quả JUnit XML",
    "bundle": "Hồ sơ minh chứng",
    "journal": "Trích nhật ký trục",
    "package": "Gói tin",
    "screenshot": "Ảnh chụp của văn thư",
}


@dataclass(frozen=True, slots=True)
class FileRef:
    key: str
    kind: str
    path: Path
    label: str

    @property
    def kind_vi(self) -> str:
        return KIND_VI.get(self.kind, self.kind)

    @property
    def media_type(self) -> str:
        return MEDIA.get(self.path.suffix.lower(), "application/octet-stream")


def file_key(path: Path) -> str:
    return hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:20]


def _roots(store: CampaignStore, round_number: int) -> list[Path]:
    roots = [store.files_dir.resolve()]
    for key in (f"reports.{round_number}", "campaign.work_dir"):
        held = store.meta(key)
        if held:
            roots.append(Path(held).resolve())
    return roots


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def agency_files(
    store: CampaignStore,
    round_number: int,
    organ_id: str,
    results: list[ScenarioResult],
    attestations: list[Attestation],
    tasks: list[Task],
) -> list[FileRef]:
    """Every downloadable file of the agency in the round, appendices first."""
    roots = _roots(store, round_number)
    found: list[tuple[str, Path, str]] = []
    reports = store.meta(f"reports.{round_number}")
    if reports:
        try:
            manifest = json.loads((Path(reports) / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {}
        order = {"appendix-pdf": 0, "appendix-docx": 1, "junit": 2, "bundle": 3}
        entries = [f for f in manifest.get("files", []) if f.get("organ_id") == organ_id and f.get("kind") in order]
        for entry in sorted(entries, key=lambda f: (order[f["kind"]], f["path"])):
            found.append((entry["kind"], Path(reports) / entry["path"], Path(entry["path"]).name))
    for result in results:
        for item in result.evidence:
            if "\n" in item or len(item) > 1000:
                continue  # a traceback kept as evidence, not a file
            path = Path(item)
            kind = "journal" if path.name.endswith("-nhat-ky.json") else "package"
            found.append((kind, path, f"{result.scenario_id} lần {result.attempt}: {path.name}"))
    for note in attestations:
        for item in note.files:
            found.append(("screenshot", Path(item), f"{note.test_id}: {Path(item).name}"))
    for task in tasks:
        for f in task.files:
            found.append(("screenshot", store.files_dir / f["path"], f"{task.scenario_id}: {f['name']}"))
    out: dict[str, FileRef] = {}
    for kind, path, label in found:
        resolved = path.resolve()
        if not _inside(resolved, roots) or not resolved.is_file():
            continue
        key = file_key(resolved)
        out.setdefault(key, FileRef(key, kind, resolved, label))
    return list(out.values())
