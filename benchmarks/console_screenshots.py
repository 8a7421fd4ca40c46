"""Screenshots of the console for the README (docs/console/*.png), taken in Debian's chromium on the results
of a finished demo (`lienthong demo --work W`): the completion table with lateness in words and the exchange
matrix, an agency's page, the verification page of an appendix issued before a re-run.

    .venv/bin/python -m benchmarks.console_screenshots --demo-work .lienthong/demo [--out docs/console]

It works on a copy of the demo's store (a deadline an hour before the first agency completed, so the late
list has something to say, and a newer appendix for one agency); the demo itself is left as it was.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from harness.trial.expected import expected_scenarios
from harness.trial.issued import record_issued
from harness.trial.statement import TrialRound
from harness.trial.store import CampaignStore
from tests.browser import chromium, log_in
from tests.console_server import console_process, copy_store


def _prepare(work: Path, target: Path) -> tuple[Path, str, str]:
    """A copy of the demo store with a past deadline and one re-issued appendix; (db, admin password, old code)."""
    db = copy_store(work / "trial.sqlite3", target / "trial.sqlite3")
    if (work / "files").is_dir():
        shutil.copytree(work / "files", target / "files", dirs_exist_ok=True)
    rows = list(csv.reader((work / "tai-khoan.csv").read_text(encoding="utf-8-sig").splitlines()))
    password = next(r[4] for r in rows if r[0] == "quantri")
    with CampaignStore.open(str(db)) as store:
        held = store.round(1)
        assert held is not None
        statements = store.statements(1, expected_scenarios())
        done = sorted(s.completed_at for s in statements if s.completed_at is not None)
        store.add_round(TrialRound(1, held.name, done[0] - timedelta(hours=1), held.letter))
        reports = store.meta("reports.1")
        assert reports is not None
        manifest = json.loads((Path(reports) / "manifest.json").read_text(encoding="utf-8"))
        organ = next(s.agency.organ_id for s in statements if s.complete)
        code = str(manifest["codes"][organ])
        record_issued(
            store, code="LT-MOIH-ONCH-AYLA-IXXX", kind="phu-luc", round_number=1, organ_id=organ,
            pdf_sha256="0" * 64, pdf_path=Path(reports) / "moi.pdf",
        )  # fmt: skip
    return db, password, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo-work", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("docs/console"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        db, password, code = _prepare(args.demo_work, Path(scratch))
        with console_process(db) as base, chromium() as browser:
            browser.set_window_size(1500, 1000)
            log_in(browser, base, "quantri", password)
            pages = {
                "bang-hoan-thanh-demo": "/dot/1",
                "trang-co-quan-demo": "/co-quan/000.00.12.H41?dot=1",
                "xac-minh": f"/xac-minh/{code}",
                "dieu-hanh": "/dieu-hanh",
            }
            for name, path in pages.items():
                browser.get(base + path)
                height = browser.execute_script("return document.body.scrollHeight")
                browser.set_window_size(1500, min(int(height) + 120, 4000))
                browser.save_screenshot(str(args.out / f"{name}.png"))
                print(f"{args.out / name}.png ← {path}")


if __name__ == "__main__":
    main()
