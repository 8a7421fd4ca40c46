"""A small synthetic trial for the report tests: three agencies of the demo topology (one complete on
time, one complete late, one failing with evidence), built with the real `build_statement`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from harness.edxml.formats import ICT
from harness.pki import AgencyEntry, TestPki, load_or_build
from harness.scenarios.results import Issue, Outcome, ScenarioResult, StepRecord
from harness.trial.catalogue import RUN_TESTS
from harness.trial.statement import (
    AgencyStatement,
    Attestation,
    ExchangeStats,
    Issuer,
    RosterEntry,
    TrialRound,
    TrialSummary,
    build_statement,
)

ISSUER_ID = "000.00.12.H41"
ON_TIME = "000.00.05.H41"
LATE = "000.00.40.H41"
FAILING = "000.00.07.H41"
DEADLINE = datetime(2026, 11, 25, 17, 0, tzinfo=ICT)
START = datetime(2026, 11, 20, 8, 30, tzinfo=ICT)
FAIL_REASON = "[SIG-04] Tệp văn bản không có chữ ký số của cơ quan gửi."
EXPECTED = {t.test_id: {f"Kịch bản {t.test_id} số 1", f"Kịch bản {t.test_id} số 2"} for t in RUN_TESTS}

ROSTER = (
    RosterEntry(ON_TIME, "Sở Nội vụ tỉnh Nghệ An", "VNPT", "VNPT-iOffice"),
    RosterEntry(LATE, "UBND thành phố Vinh", "Viettel", "Voffice"),
    RosterEntry(FAILING, "Sở Tài chính tỉnh Nghệ An", "FPT", "eDoc"),
)
ROUND = TrialRound(1, "Đợt 1", DEADLINE, "Công văn số 451/STTTT-CNTT ngày 10/11/2026")
ISSUER = Issuer(
    ISSUER_ID,
    "Sở Thông tin và Truyền thông tỉnh Nghệ An",
    "UBND tỉnh Nghệ An",
    "Nghệ An",
    "Trần Thị Bình",
    "Giám đốc",
)


def _run(
    agency: str, test_id: str, n: int, at: datetime, outcome: Outcome = Outcome.PASSED, **kw: object
) -> ScenarioResult:
    return ScenarioResult(
        scenario_id=test_id,
        name=f"Kịch bản {test_id} số {n}",
        agency=agency,
        driver="simulated",
        outcome=outcome,
        round="Đợt 1",
        tags=[test_id, "mandatory"],
        feature=f"features/{test_id}.feature",
        started=at.isoformat(timespec="seconds"),
        seconds=12.5,
        steps=[StepRecord("Khi", "hệ thống gửi văn bản", outcome, 1.25, str(kw.get("message_vi", "")))],
        **kw,  # type: ignore[arg-type]
    )


def results(evidence_dir: Path) -> list[ScenarioResult]:
    """Every run of the trial; the failing agency fails RT-02 (with evidence), errors on RT-12 and
    has not run RT-08; the late agency passes RT-07 only after the deadline, at its second attempt."""
    evidence_dir.mkdir(parents=True, exist_ok=True)
    package = evidence_dir / f"{FAILING}-RT-02-goi-tin.edxml"
    package.write_bytes(b"<edXML>...</edXML>")
    out: list[ScenarioResult] = []
    for k, agency in enumerate((ON_TIME, LATE, FAILING)):
        for i, test in enumerate(RUN_TESTS):
            for n in (1, 2):
                at = START + timedelta(hours=k, minutes=10 * i + n)
                if agency == FAILING and test.test_id == "RT-08":
                    continue
                if agency == FAILING and test.test_id == "RT-02" and n == 1:
                    out.append(
                        _run(
                            agency,
                            test.test_id,
                            n,
                            at,
                            Outcome.FAILED,
                            message_vi=FAIL_REASON,
                            issues=[Issue("SIG-04", "Không có chữ ký số của cơ quan.", "vanban.pdf")],
                            evidence=[str(package), str(evidence_dir / "missing-journal.jsonl")],
                        )
                    )
                    continue
                if agency == FAILING and test.test_id == "RT-12" and n == 2:
                    out.append(
                        _run(
                            agency,
                            test.test_id,
                            n,
                            at,
                            Outcome.ERROR,
                            message_vi="Lỗi bộ kiểm thử: RuntimeError: trục không phản hồi",
                            evidence=["Traceback (most recent call last):\n  File x\nRuntimeError: trục"],
                        )
                    )
                    continue
                if agency == LATE and test.test_id == "RT-07":
                    out.append(_run(agency, test.test_id, n, at, Outcome.FAILED, message_vi="[RT-07] Nhận nhầm."))
                    out.append(_run(agency, test.test_id, n, DEADLINE + timedelta(days=1, minutes=n), attempt=2))
                    continue
                out.append(_run(agency, test.test_id, n, at))
    return out


def statements(runs: list[ScenarioResult]) -> list[AgencyStatement]:
    note = Attestation(ON_TIME, "RT-11", "Nguyễn Văn Kiểm", START, "Đã kiểm tra sổ văn bản mật.", ("so-mat.pdf",))
    return [build_statement(a, ROUND, runs, expected=EXPECTED, attestations=[note]) for a in ROSTER]


def summary(runs: list[ScenarioResult]) -> TrialSummary:
    return TrialSummary(
        round=ROUND,
        issuer=ISSUER,
        statements=statements(runs),
        exchange={(ON_TIME, LATE): 7, (LATE, ON_TIME): 5, (FAILING, ON_TIME): 2, ("000.00.98.H41", FAILING): 3},
        stats={
            ON_TIME: ExchangeStats(ON_TIME, 7, 8, paper=1),
            LATE: ExchangeStats(LATE, 5, 7),
            FAILING: ExchangeStats(FAILING, 2, 3, paper=3),
        },
        generated_at=datetime(2026, 11, 29, 9, 0, tzinfo=ICT),
    )


PKI_AGENCIES = [AgencyEntry(ISSUER_ID, ISSUER.name, ISSUER.signer_name, ISSUER.position)]
"""Only the issuer signs reports; the PKI is cached in the default directory (pki-cache/<fingerprint>)."""


def pki() -> TestPki:
    return load_or_build(PKI_AGENCIES, seed="test-reports")
