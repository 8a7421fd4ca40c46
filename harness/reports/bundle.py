"""The evidence bundle of one failed scenario: a ZIP the ICT department can hand to the vendor with
the packages and logs the run kept, what was found (JSON and a Vietnamese summary) and the extract
of the axis journal, so the failure can be understood without the harness."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.pdf.doctypes import ascii_slug
from harness.reports.text import clean, datetime_vi, ict, looks_like_path, safe_name, seconds_vi
from harness.scenarios.results import OUTCOME_VI, ScenarioResult

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Larger evidence files are listed, not copied (a bundle is mailed)."""
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(slots=True)
class Bundle:
    path: Path
    included: list[str] = field(default_factory=list)
    """Archive names of the evidence files copied in."""
    missing: list[str] = field(default_factory=list)
    """Evidence paths that did not exist (or were too large, or not files)."""


def bundle_name(result: ScenarioResult) -> str:
    """ "RT-02-kich-ban-rt-02-so-1-lan-1.zip": stable, ASCII, one per scenario and attempt."""
    return f"{safe_name(result.scenario_id)}-{ascii_slug(result.name)[:60] or 'kich-ban'}-lan-{result.attempt}.zip"


def _stamp(result: ScenarioResult) -> tuple[int, int, int, int, int, int]:
    try:
        t = ict(datetime.fromisoformat(result.started))
    except ValueError:
        return _EPOCH
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


def _started_vi(result: ScenarioResult) -> str:
    try:
        return datetime_vi(datetime.fromisoformat(result.started)) if result.started else "không rõ"
    except ValueError:
        return clean(result.started)


def summary_text(result: ScenarioResult, bundle: Bundle, notes: Sequence[str]) -> str:
    """The Vietnamese summary a reader opens first."""
    lines = [
        f"Mục chạy thử: {result.scenario_id}",
        f"Kịch bản: {result.name}",
        f"Cơ quan: {result.agency}",
        f"Lần chạy: {result.attempt}",
        f"Kết quả: {OUTCOME_VI[result.outcome]}",
        f"Bắt đầu: {_started_vi(result)} (chạy {seconds_vi(result.seconds)})",
        f"Thông điệp: {result.message_vi}",
        "",
        "Các bước:",
    ]
    lines += [
        f"  - {s.keyword} {s.text}: {OUTCOME_VI[s.outcome]}" + (f" ({s.message_vi})" if s.message_vi else "")
        for s in result.steps
    ] or ["  (không có)"]
    lines += ["", "Phát hiện:"]
    lines += [
        f"  - [{i.rule}] {i.message_vi}" + (f" tại {i.location}" if i.location else "") for i in result.issues
    ] or ["  (không có)"]
    lines += ["", "Tệp minh chứng kèm theo:"]
    lines += [f"  - {name}" for name in bundle.included] or ["  (không có)"]
    if bundle.missing:
        lines += ["", "Tệp minh chứng không tìm thấy (không đưa vào):"]
        lines += [f"  - {m}" for m in bundle.missing]
    if notes:
        lines += ["", "Ghi chú lỗi bộ kiểm thử: xem loi-bo-kiem-thu-*.txt."]
    return clean("\n".join(lines)) + "\n"


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def write_bundle(
    result: ScenarioResult,
    directory: Path,
    *,
    journal: Sequence[dict[str, Any]] = (),
    evidence_root: Path | None = None,
    name: str | None = None,
) -> Bundle:
    """Write the ZIP under `directory` (as `name`, default `bundle_name`); relative evidence paths
    resolve against `evidence_root`."""
    directory.mkdir(parents=True, exist_ok=True)
    bundle = Bundle(directory / (name or bundle_name(result)))
    stamp = _stamp(result)
    files: list[tuple[str, Path]] = []
    notes: list[str] = []
    used: set[str] = set()
    for entry in result.evidence:
        if not looks_like_path(entry):
            notes.append(entry)  # a traceback the runner kept when the harness crashed
            continue
        path = Path(entry)
        if not path.is_absolute() and evidence_root is not None:
            path = evidence_root / path
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            bundle.missing.append(entry)
            continue
        name = safe_name(path.name)
        n = 1
        while name in used:
            n += 1
            name = f"{n}-{safe_name(path.name)}"
        used.add(name)
        files.append((f"minh-chung/{name}", path))
        bundle.included.append(f"minh-chung/{name}")
    findings = {
        "scenario": result.to_json(),
        "issues": [{"rule": i.rule, "message_vi": i.message_vi, "location": i.location} for i in result.issues],
        "steps": [
            {
                "keyword": s.keyword,
                "text": s.text,
                "outcome": str(s.outcome),
                "seconds": s.seconds,
                "message_vi": s.message_vi,
            }
            for s in result.steps
        ],
        "evidence": {"included": bundle.included, "missing": bundle.missing},
    }
    tmp = bundle.path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:

        def put(name: str, text: str) -> None:
            zf.writestr(zipfile.ZipInfo(name, stamp), text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)

        put("tom-tat.txt", summary_text(result, bundle, notes))
        put("phat-hien.json", _json(findings))
        put("nhat-ky.json", _json(list(journal)))
        for i, note in enumerate(notes, start=1):
            put(f"loi-bo-kiem-thu-{i}.txt", clean(note) + "\n")
        for name, path in files:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as src, zf.open(info, "w") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    tmp.replace(bundle.path)
    return bundle
