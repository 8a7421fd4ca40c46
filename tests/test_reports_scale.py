"""Reports at province size (issue 28): every output of the summary at 1,000 agencies, from recorded results
(fixtures/recorded.py), past the 55 parties where the signed summary used to break; the whole render, in
parallel processes, at 60 agencies. Rendered pages are in benchmarks/RESULTS.md; speed is
benchmarks/trial_scale.py's."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from fixtures.province import SEED, generate
from fixtures.recorded import RecordedTrial, recorded_trial
from harness.pki import AgencyEntry, TestPki, load_or_build
from harness.reports import render_all, summary_docx, summary_pdf, summary_view, workbook_xlsx
from harness.reports.html import report_html
from harness.reports.pdf_sign import sign_report
from harness.reports.render import SUMMARY_OUTPUTS
from harness.reports.tables import DETAIL_TITLE, FULL_MATRIX_MAX, matrices
from harness.reports.view import SummaryView, agency_view, report_time
from harness.reports.xlsx import XLSX_FULL_MATRIX_MAX
from harness.trial.roster import read_roster
from simulators.topology import load_topology
from tests.conftest import REPO, nss_database, pdfsig, require_tool

pytestmark = pytest.mark.slow  # every report at 1,000 agencies: about fifty seconds of CPU


@pytest.fixture(scope="module")
def big() -> RecordedTrial:
    return recorded_trial(1000)


@pytest.fixture(scope="module")
def pki(big: RecordedTrial) -> TestPki:
    i = big.summary.issuer
    return load_or_build([AgencyEntry(i.organ_id, i.name, i.signer_name, i.position)], seed="test-reports-scale")


@pytest.fixture(scope="module")
def view(big: RecordedTrial) -> SummaryView:
    s = big.summary
    agencies = [agency_view(st, as_of=report_time(s), bundles={}) for st in s.statements]
    return summary_view(s, agencies, code="LT-TEST-1000", runs=big.runs)


def test_the_generated_province_is_the_demo_grown(big: RecordedTrial) -> None:
    ids = [s.agency.organ_id for s in big.summary.statements]
    assert len(ids) == len(set(ids)) == 1000
    names = [s.agency.name for s in big.summary.statements]
    assert "UBND thành phố Vinh" in names and any(n.startswith("Xã ") for n in names)
    assert recorded_trial(1000).summary.exchange == big.summary.exchange  # seeded


def test_the_matrix_is_grouped_by_level_past_a_page(view: SummaryView) -> None:
    m = view.matrix
    assert len(m.ids) > 1000 > FULL_MATRIX_MAX
    grouped = m.grouped()
    assert grouped.total == m.total and sum(grouped.row_totals) == sum(m.row_totals)
    assert [g.split(":")[0] for g in grouped.names] == [
        "Cơ quan cấp tỉnh (H41)",
        "Cơ quan cấp tỉnh (H14)",
        "UBND cấp huyện (H41)",
        "Cấp xã (H41)",
        "Đơn vị kiểm thử và cơ quan ngoài danh sách",
    ]
    sizes = [re.search(r": (\d+) đơn vị", n) for n in grouped.names]
    assert sum(int(s[1]) for s in sizes if s) == len(m.ids)
    tables = matrices(view)
    assert all(len(t.headers) <= 18 for t in tables if t.matrix)
    detail = tables[-1]
    assert detail.title == DETAIL_TITLE
    assert max(len(r[2].split("; ")) for r in detail.rows) <= 24  # a probe's long list goes on over rows
    listed = sum(int(r[3]) for r in detail.rows if r[3])
    assert listed == m.total


def test_the_signed_summary_pdf_at_1000_agencies(
    view: SummaryView, pki: TestPki, big: RecordedTrial, tmp_path: Path
) -> None:
    """Issue 28, item 1: from about 55 parties the matrix could not be laid out and there was no signed summary."""
    pdf = sign_report(summary_pdf(view), pki, big.summary.issuer.organ_id, reference="451/STTTT-CNTT")
    out = pdfsig(nss_database(pki.root.certificate, tmp_path), pdf, tmp_path)
    assert "Signature is Valid." in out and "Certificate is Trusted." in out, out
    require_tool("pdftotext")
    path = tmp_path / "tong-hop.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    for heading in ("IV. MA TRẬN TRAO ĐỔI VĂN BẢN THEO NHÓM CƠ QUAN", DETAIL_TITLE, "Cấp xã (H41):", "937 đơn"):
        assert heading in flat, heading
    assert "Phường Lĩnh Trung (000.01.40.H41)" in flat and "(tiếp)" in flat


def test_the_summary_docx_xlsx_and_html_at_1000_agencies(view: SummaryView) -> None:
    doc = Document(io.BytesIO(summary_docx(view)))
    headings = [p.text for p in doc.paragraphs if p.text.startswith(("IV.", "V."))]
    assert headings == ["IV. MA TRẬN TRAO ĐỔI VĂN BẢN THEO NHÓM CƠ QUAN", DETAIL_TITLE]
    assert max(len(t.columns) for t in doc.tables) <= 18
    wb = load_workbook(io.BytesIO(workbook_xlsx(view)), read_only=True)
    assert len(view.matrix.ids) > XLSX_FULL_MATRIX_MAX
    matrix = wb["Ma trận trao đổi"]
    assert matrix.max_column == len(view.matrix.grouped().ids) + 2
    pairs = sum(1 for _ in wb["Trao đổi theo cặp"].iter_rows(min_row=2))
    assert pairs == sum(1 for c in view.matrix.cells for x in c if x)
    html = report_html(view)
    assert "theo nhóm cơ quan" in html
    matrix_html = html[html.index('id="ma-tran"') :]
    matrix_html = matrix_html[: matrix_html.index("</table>")]
    assert matrix_html.count("<tr>") == len(view.matrix.grouped().ids) + 2  # header, groups, totals


def test_every_report_at_60_agencies_in_parallel(tmp_path: Path, pki: TestPki) -> None:
    trial = recorded_trial(60)
    told: list[int] = []
    manifest = render_all(trial.summary, tmp_path, pki=pki, runs=trial.runs, workers=2, progress=told.append)
    assert manifest.errors == []
    assert sum(told) == 60 + SUMMARY_OUTPUTS and len(told) > SUMMARY_OUTPUTS + 1  # told as parts finish
    kinds = [f.kind for f in manifest.files]
    assert kinds.count("appendix-pdf") == kinds.count("appendix-docx") == kinds.count("junit") == 60
    assert {"summary-docx", "summary-pdf", "xlsx", "html"} <= set(kinds)
    order = [f.organ_id for f in manifest.files if f.kind == "appendix-pdf"]
    assert order == [s.agency.organ_id for s in trial.summary.statements], "roster order kept"
    assert set(manifest.codes) == {*order, "tong-hop"}
    as_of = report_time(trial.summary)
    require_tool("pdftotext")  # the rest reads the appendices' text (CI installs poppler; a bare machine skips it)
    for statement in trial.summary.statements[::7]:
        organ_id = statement.agency.organ_id
        assert manifest.codes[organ_id] == agency_view(statement, as_of=as_of, bundles={}).code
        text = subprocess.run(
            ["pdftotext", str(manifest.paths("appendix-pdf", organ_id)[0]), "-"], capture_output=True, text=True
        ).stdout
        assert organ_id in text and manifest.codes[organ_id] in text


def test_the_committed_province_is_what_the_generator_writes() -> None:
    """fixtures/topologies/province-256.yaml and fixtures/rosters/province-256.csv are generated, not edited."""
    province = generate(256, SEED)
    topology = REPO / "fixtures" / "topologies" / "province-256.yaml"
    roster = REPO / "fixtures" / "rosters" / "province-256.csv"
    assert topology.read_text(encoding="utf-8") == province.topology_yaml(256, SEED)
    assert roster.read_text(encoding="utf-8") == province.roster_csv()
    loaded = load_topology(topology)
    probes = {a.id for p in loaded.provinces for a in p.agencies if a.extra.get("harness") == "probe"}
    for level1 in ("H41", "H56", "H14"):
        assert sum(1 for p in probes if p.endswith(level1)) >= 2, level1
    entries, errors = read_roster(roster)
    assert errors == [] and len(entries) == 256
