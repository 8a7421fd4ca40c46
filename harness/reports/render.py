"""Render every report of a round into one stable folder layout and say what was written:

    <out>/<organ_id>/phu-luc-<organ_id>.docx|.pdf    appendix (PDF signed by the ICT department)
    <out>/<organ_id>/junit-<organ_id>.xml            JUnit for CI
    <out>/<organ_id>/minh-chung/<RT>-<scenario>-lan-<n>.zip   one bundle per failed scenario
    <out>/tong-hop.docx|.pdf, ket-qua.xlsx, bao-cao.html      across agencies
    <out>/manifest.json                               files, verification codes, errors

Bad input never stops the whole render: an agency that cannot be rendered is reported (in
Vietnamese) in the manifest and left out of the summary; every other output is still written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.pki import TestPki
from harness.reports.bundle import bundle_name, write_bundle
from harness.reports.docx_appendix import appendix_docx, summary_docx
from harness.reports.errors import ReportError
from harness.reports.html import report_html
from harness.reports.junit import junit_xml
from harness.reports.pdf_appendix import appendix_pdf, summary_pdf
from harness.reports.pdf_sign import ReportSigner, stamp_reference
from harness.reports.text import clean, safe_name
from harness.reports.verification import DEFAULT_VERIFY_BASE, summary_code
from harness.reports.view import AgencyView, SummaryView, agency_view, frame_of, report_time, summary_view
from harness.reports.xlsx import workbook_xlsx
from harness.scenarios.results import Outcome, ScenarioResult
from harness.trial.statement import AgencyStatement, TrialSummary

log = logging.getLogger(__name__)

JournalFor = Callable[[ScenarioResult], list[dict[str, Any]]]
MANIFEST = "manifest.json"
EVIDENCE_DIR = "minh-chung"


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    kind: str
    """appendix-docx, appendix-pdf, junit, bundle, summary-docx, summary-pdf, xlsx, html."""
    path: str
    """Relative to the output folder, with forward slashes."""
    organ_id: str | None
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class ManifestError:
    output: str
    organ_id: str | None
    message_vi: str


@dataclass(slots=True)
class Manifest:
    out_dir: Path
    round: str
    generated_at: str
    files: list[ManifestEntry] = field(default_factory=list)
    errors: list[ManifestError] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)
    """Verification code per organ id, and the summary's under "tong-hop"."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def paths(self, kind: str, organ_id: str | None = None) -> list[Path]:
        return [
            self.out_dir / f.path for f in self.files if f.kind == kind and (organ_id is None or f.organ_id == organ_id)
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "generated_at": self.generated_at,
            "ok": self.ok,
            "files": [dataclasses.asdict(f) for f in self.files],
            "errors": [dataclasses.asdict(e) for e in self.errors],
            "codes": self.codes,
        }


_LABELS = {
    "appendix-docx": "phụ lục DOCX",
    "appendix-pdf": "phụ lục PDF ký số",
    "junit": "tệp JUnit XML",
    "bundle": "hồ sơ minh chứng",
    "agency": "phụ lục",
    "summary-docx": "bảng tổng hợp DOCX",
    "summary-pdf": "bảng tổng hợp PDF ký số",
    "xlsx": "sổ tính XLSX",
    "html": "báo cáo HTML",
}


class _Writer:
    """Writes files atomically and records them, or records why one could not be made."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest

    def write(self, kind: str, relative: str, data: bytes, organ_id: str | None = None) -> Path:
        path = self.manifest.out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self.record(kind, path, organ_id)
        return path

    def record(self, kind: str, path: Path, organ_id: str | None) -> None:
        data = path.read_bytes()
        relative = path.relative_to(self.manifest.out_dir).as_posix()
        digest = hashlib.sha256(data).hexdigest()
        self.manifest.files.append(ManifestEntry(kind, relative, organ_id, digest, len(data)))

    def fail(self, kind: str, organ_id: str | None, exc: BaseException) -> None:
        detail = str(exc) if isinstance(exc, ReportError) else f"{type(exc).__name__}: {exc}"
        who = f" cho cơ quan {organ_id}" if organ_id else ""
        message = clean(f"Không tạo được {_LABELS.get(kind, kind)}{who}: {detail}")
        log.warning("%s", message, exc_info=exc)
        self.manifest.errors.append(ManifestError(kind, organ_id, message))


def _failed(statement: AgencyStatement) -> list[ScenarioResult]:
    return [r for item in statement.items for r in item.scenarios if r.outcome in (Outcome.FAILED, Outcome.ERROR)]


def _planned_bundles(statement: AgencyStatement) -> list[tuple[ScenarioResult, str | None]]:
    """Each failed scenario with the ZIP name it gets (None: a name cannot be made of its data, the
    write then fails with the reason); decided before writing, so the summary can be laid out while
    the agencies' files are still being written."""
    out: list[tuple[ScenarioResult, str | None]] = []
    used: set[str] = set()
    for result in _failed(statement):
        try:
            name = bundle_name(result)
        except Exception:
            out.append((result, None))
            continue
        stem, n = name.removesuffix(".zip"), 1
        while name in used:
            n += 1
            name = f"{stem}-{n}.zip"
        used.add(name)
        out.append((result, name))
    return out


def _bundle_links(planned: list[tuple[ScenarioResult, str | None]]) -> dict[str, list[str]]:
    """Run-test ID -> bundle paths relative to the agency folder."""
    out: dict[str, list[str]] = {}
    for result, name in planned:
        if name is not None:
            out.setdefault(result.scenario_id, []).append(f"{EVIDENCE_DIR}/{name}")
    return out


def _plan_view(statement: AgencyStatement, as_of: datetime, verify_base: str) -> AgencyView:
    """The agency's appendix as both the worker writing it and the summary see it."""
    return agency_view(
        statement, as_of=as_of, bundles=_bundle_links(_planned_bundles(statement)), verify_base=verify_base
    )


def _bundles(
    w: _Writer,
    statement: AgencyStatement,
    folder: str,
    journal_for: JournalFor | None,
    evidence_root: Path | None,
) -> None:
    """One ZIP per failed scenario, under the names planned for it."""
    organ_id = statement.agency.organ_id
    for result, name in _planned_bundles(statement):
        try:
            if name is None:
                name = bundle_name(result)  # raises what made the name impossible
            journal = journal_for(result) if journal_for is not None else []
            bundle = write_bundle(
                result,
                w.manifest.out_dir / folder / EVIDENCE_DIR,
                journal=journal,
                evidence_root=evidence_root,
                name=name,
            )
            w.record("bundle", bundle.path, organ_id)
        except Exception as exc:
            w.fail("bundle", organ_id, exc)


def _agency(
    w: _Writer,
    statement: AgencyStatement,
    view: AgencyView,
    summary: TrialSummary,
    *,
    signer: ReportSigner | ReportError,
    journal_for: JournalFor | None,
    evidence_root: Path | None,
) -> None:
    """Every file of one agency, its appendix as `view` says; a file that cannot be made is an error
    in the manifest."""
    organ_id = statement.agency.organ_id
    folder = safe_name(organ_id)
    as_of = report_time(summary)
    _bundles(w, statement, folder, journal_for, evidence_root)
    frame = frame_of(summary.issuer, statement.round, as_of.date())
    try:
        w.write("appendix-docx", f"{folder}/phu-luc-{folder}.docx", appendix_docx(view, frame), organ_id)
    except Exception as exc:
        w.fail("appendix-docx", organ_id, exc)
    try:
        pdf = appendix_pdf(view, frame)
        if isinstance(signer, ReportError):
            raise signer
        signed = signer.sign(pdf, reference=stamp_reference(frame.letter, view.code))
        w.write("appendix-pdf", f"{folder}/phu-luc-{folder}.pdf", signed, organ_id)
    except Exception as exc:
        w.fail("appendix-pdf", organ_id, exc)
    try:
        w.write("junit", f"{folder}/junit-{folder}.xml", junit_xml(statement, timestamp=as_of), organ_id)
    except Exception as exc:
        w.fail("junit", organ_id, exc)


SUMMARY_OUTPUTS = 4
"""Summary DOCX, signed PDF, workbook, HTML: the steps after the agencies' (progress counts them)."""
PARALLEL_FROM = 40
"""Agencies from which the appendices are written in parallel: below, starting a process costs more than it
gains (26 agencies: 3.9 s alone, 3.8 s and 2.8 s more CPU with a worker; 48: 7.7 s against 6.2 s)."""


@dataclass(frozen=True, slots=True)
class _AgencyJob:
    """What writing one agency's files needs besides its statement (picklable for a worker)."""

    summary: TrialSummary
    """The round, issuer and date; its statements left out."""
    out_dir: Path
    signer: ReportSigner | ReportError
    journal_for: JournalFor | None
    evidence_root: Path | None


@dataclass(slots=True)
class _Part:
    """What a worker wrote for its agencies, merged into the manifest in roster order."""

    files: list[ManifestEntry] = field(default_factory=list)
    errors: list[ManifestError] = field(default_factory=list)
    agencies: int = 0
    """Statements this part handled (rendered or not)."""


def _default_workers(agencies: int, journal_for: JournalFor | None) -> int:
    if agencies < PARALLEL_FROM or journal_for is not None:  # a journal reader is a live client: not picklable
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


Planned = list[tuple[AgencyStatement, AgencyView]]
"""Agencies with the view of their appendix, worked out once by render_all."""


def _render_part(job: _AgencyJob, agencies: Planned) -> _Part:
    """Every file of these agencies."""
    manifest = Manifest(job.out_dir, "", "")
    w = _Writer(manifest)
    for statement, view in agencies:
        try:
            _agency(
                w,
                statement,
                view,
                job.summary,
                signer=job.signer,
                journal_for=job.journal_for,
                evidence_root=job.evidence_root,
            )
        except Exception as exc:
            w.fail("agency", statement.agency.organ_id, exc)
    return _Part(manifest.files, manifest.errors, agencies=len(agencies))


CHUNKS_PER_WORKER = 16
"""Agencies go to the workers in this many chunks each: small enough that the last ones end together
(a chunk of 1,000 agencies' 125 took 13 s), large enough that sending them costs nothing."""


def _render_agencies(
    job: _AgencyJob,
    agencies: Planned,
    pool: ProcessPoolExecutor | None,
    workers: int,
    done: Callable[[int], None] | None = None,
) -> list[_Part]:
    """The parts in roster order. The workers take chunks from the head of the queue while this process takes
    them from the tail (a chunk not yet started is withdrawn from the pool), so `workers` processes cost one
    spawn fewer; a chunk a worker could not do (a crashed process) is done here instead. `done(n)` is told of
    every n agencies finished (on this thread), in whatever order they finish."""
    if pool is None or len(agencies) < 2:
        part = _render_part(job, agencies)
        if done is not None:
            done(part.agencies)
        return [part]
    size = max(4, -(-len(agencies) // (workers * CHUNKS_PER_WORKER)))
    chunks = [agencies[i : i + size] for i in range(0, len(agencies), size)]
    futures = [pool.submit(_render_part, job, chunk) for chunk in chunks]
    parts: dict[int, _Part] = {}
    told: set[int] = set()

    def tell(index: int, count: int) -> None:
        if done is not None and index not in told:
            told.add(index)
            done(count)

    def tell_finished() -> None:  # what the workers finished meanwhile (told here, on this thread)
        for index, future in enumerate(futures):
            if index not in told and future.done() and not future.cancelled() and future.exception() is None:
                tell(index, future.result().agencies)

    for index in range(len(chunks) - 1, -1, -1):
        if not futures[index].cancel():
            break  # the pool has it (or has done it): so it has every chunk before it
        parts[index] = _render_part(job, chunks[index])
        tell(index, parts[index].agencies)
        tell_finished()
    for index, (chunk, future) in enumerate(zip(chunks, futures, strict=True)):
        if index in parts:
            continue
        try:
            parts[index] = future.result()
        except Exception as exc:
            log.warning("a report worker failed, writing its agencies here: %s", exc)
            parts[index] = _render_part(job, chunk)
        tell(index, parts[index].agencies)
    return [parts[i] for i in range(len(chunks))]


def _summary_output(kind: str, view: SummaryView, signer: ReportSigner | ReportError) -> bytes:
    """One output of the summary (run in a worker process when there is a pool)."""
    if kind == "summary-docx":
        return summary_docx(view)
    if kind == "summary-pdf":
        if isinstance(signer, ReportError):
            raise signer
        return signer.sign(summary_pdf(view), reference=stamp_reference(view.frame.letter, view.code))
    if kind == "xlsx":
        return workbook_xlsx(view)
    return report_html(view).encode("utf-8")


def _summary_output_of(kind: str, view: bytes, signer: ReportSigner | ReportError) -> bytes:
    """`_summary_output` in a worker, the view pickled by the parent."""
    return _summary_output(kind, pickle.loads(view), signer)  # our own process' bytes


SUMMARY_FILES = {
    "summary-docx": "tong-hop.docx",
    "summary-pdf": "tong-hop.pdf",
    "xlsx": "ket-qua.xlsx",
    "html": "bao-cao.html",
}


@dataclass(slots=True)
class _SummaryWork:
    """The summary's outputs under way: submitted to the pool before the appendices (the workbook
    is the longest single output), written to the folder after them."""

    view: SummaryView | None = None
    failure: Exception | None = None
    futures: dict[str, Future[bytes]] = field(default_factory=dict)


def _start_summary(
    w: _Writer,
    summary: TrialSummary,
    planned: Planned,
    runs: Sequence[ScenarioResult],
    skipped: list[str],
    signer: ReportSigner | ReportError,
    pool: ProcessPoolExecutor | None,
) -> _SummaryWork:
    kept = dataclasses.replace(summary, statements=[s for s, _ in planned])
    try:
        code = summary_code(kept)
        w.manifest.codes["tong-hop"] = code
        view = summary_view(kept, [v for _, v in planned], code=code, runs=runs, skipped=skipped)
    except Exception as exc:
        return _SummaryWork(failure=exc)
    work = _SummaryWork(view)
    # An issuer without a certificate fails the signed PDF here, with its own message (not a pickled copy).
    local = {"summary-pdf"} if isinstance(signer, Exception) else set()
    if pool is not None:
        blob = pickle.dumps(view, protocol=pickle.HIGHEST_PROTOCOL)  # once, not once per output (10 MB at 1,000)
        work.futures = {k: pool.submit(_summary_output_of, k, blob, signer) for k in SUMMARY_FILES if k not in local}
    return work


def _finish_summary(
    w: _Writer,
    work: _SummaryWork,
    signer: ReportSigner | ReportError,
    progress: Callable[[int], None] | None,
) -> None:
    """The four summary outputs written (made here when there is no pool)."""
    if work.view is None:
        for kind in SUMMARY_FILES:
            w.fail(kind, None, work.failure or ReportError("không lập được bảng tổng hợp."))
        if progress is not None:
            progress(SUMMARY_OUTPUTS)
        return
    for kind, name in SUMMARY_FILES.items():
        try:
            future = work.futures.get(kind)
            data = future.result() if future is not None else _summary_output(kind, work.view, signer)
            w.write(kind, name, data)
        except Exception as exc:
            w.fail(kind, None, exc)
        if progress is not None:
            progress(1)


def render_all(
    summary: TrialSummary,
    out_dir: Path,
    *,
    pki: TestPki,
    journal_for: JournalFor | None = None,
    runs: Iterable[ScenarioResult] | None = None,
    evidence_root: Path | None = None,
    verify_base: str = DEFAULT_VERIFY_BASE,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Manifest:
    """Write every report of the round under `out_dir` and return (and save) the manifest.

    `runs` are all scenario runs of the round (every attempt) for the "Lần chạy" views; without
    them the latest attempts the statements hold are listed. `journal_for` gives the axis journal
    extract of a failed scenario for its evidence bundle. PDFs are signed with the agency
    certificate of `summary.issuer.organ_id` in `pki`. Each appendix's QR code (and the address
    printed beside it) is the console's verification page, `<verify_base>/xac-minh/<code>`.
    Appendices are written by `workers` processes, this one included (default: one per core from PARALLEL_FROM
    agencies on).
    `progress(n)` is told of every n outputs done: one per agency, then one per summary output (REPORT_STEPS).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out_dir, clean(summary.round.name), report_time(summary).isoformat(timespec="seconds"))
    w = _Writer(manifest)
    skipped: list[str] = []
    seen: set[str] = set()
    unique: list[AgencyStatement] = []
    for statement in summary.statements:
        organ_id = str(getattr(getattr(statement, "agency", None), "organ_id", "?"))
        folder = safe_name(organ_id)
        if folder in seen:
            w.fail("agency", organ_id, ReportError("mã định danh trùng với một cơ quan khác trong danh sách."))
            skipped.append(f"Cơ quan {organ_id} trùng mã định danh: chỉ lấy bản kết quả đầu tiên.")
            continue
        seen.add(folder)
        unique.append(statement)
    try:
        signer: ReportSigner | ReportError = ReportSigner.of(pki, summary.issuer.organ_id)
    except ReportError as exc:
        signer = exc
    job = _AgencyJob(dataclasses.replace(summary, statements=[]), out_dir, signer, journal_for, evidence_root)
    # Every agency's view first (a few ms each): the summary needs them all, and an agency whose
    # results cannot be worked out is left out of both.
    as_of = report_time(summary)
    planned: Planned = []
    for statement in unique:
        organ_id = str(getattr(getattr(statement, "agency", None), "organ_id", "?"))
        try:
            view = _plan_view(statement, as_of, verify_base)
        except Exception as exc:
            w.fail("agency", organ_id, exc)
            skipped.append(f"Không lập được phụ lục của cơ quan {organ_id}: dữ liệu kết quả không hợp lệ.")
            continue
        manifest.codes[organ_id] = view.code
        planned.append((statement, view))
    if progress is not None and len(planned) < len(unique):
        progress(len(unique) - len(planned))  # done with, as far as there is anything to write
    all_runs = list(runs) if runs is not None else [r for s, _ in planned for item in s.items for r in item.scenarios]
    processes = workers if workers is not None else _default_workers(len(unique), journal_for)
    with contextlib.ExitStack() as stack:
        pool = None
        if processes > 1:
            spawn = multiprocessing.get_context("spawn")
            pool = stack.enter_context(ProcessPoolExecutor(processes - 1, mp_context=spawn))  # and this one
        work = _start_summary(w, summary, planned, all_runs, skipped, signer, pool)
        for part in _render_agencies(job, planned, pool, processes, progress):
            manifest.files += part.files
            manifest.errors += part.errors
        position = {s.agency.organ_id: i for i, s in reversed(list(enumerate(unique)))}
        manifest.errors.sort(key=lambda e: position.get(e.organ_id or "", len(position)))  # roster order
        _finish_summary(w, work, signer, progress)
    data = json.dumps(manifest.to_json(), ensure_ascii=False, indent=2).encode("utf-8")
    tmp = out_dir / (MANIFEST + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out_dir / MANIFEST)
    return manifest
