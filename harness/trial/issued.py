"""The register of issued appendices: each signed PDF the campaign wrote, under its verification code, with
the file's SHA-256, so the public verification page can find the result a printed code names and tell a
genuine copy from a tampered one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select

from harness.edxml.formats import now_ict
from harness.trial.store import CampaignStore
from harness.trial.tables import issued_statements_table, issued_table


@dataclass(frozen=True, slots=True)
class Issued:
    code: str
    kind: str
    """phu-luc or tong-hop."""
    round: int
    organ_id: str | None
    issued_at: datetime
    pdf_sha256: str
    pdf_path: str
    docx_path: str


def normalise_code(code: str) -> str:
    """As typed or scanned: any case, with or without dashes and spaces."""
    return "".join(c for c in code.upper() if c.isalnum())


def display_code(code: str) -> str:
    """The code as printed: "LT-7K3F-9QX2-ABCD-EF12"."""
    raw = normalise_code(code)
    if not raw.startswith("LT"):
        return raw
    body = raw[2:]
    return "-".join(["LT", *(body[i : i + 4] for i in range(0, len(body), 4))])


def record_issued(
    store: CampaignStore,
    *,
    code: str,
    kind: str,
    round_number: int,
    organ_id: str | None,
    pdf_sha256: str,
    pdf_path: Path,
    docx_path: Path | None = None,
    content: bytes | None = None,
) -> None:
    """Add one issuance (re-rendering the same result adds another row with the new file's digest).
    `content` is what the appendix certified, the canonical JSON its code is the digest of: kept once per
    code, so the verification page shows what was printed, not today's result."""
    values = {
        "code": normalise_code(code),
        "kind": kind,
        "round": round_number,
        "organ_id": organ_id,
        "issued_at": now_ict(),
        "pdf_sha256": pdf_sha256,
        "pdf_path": str(pdf_path),
        "docx_path": str(docx_path or ""),
    }
    with store.tx() as conn:
        held = conn.execute(
            select(issued_table.c.id).where(
                issued_table.c.code == values["code"], issued_table.c.pdf_sha256 == pdf_sha256
            )
        ).first()
        if held is None:
            conn.execute(insert(issued_table).values(**values))
        if content is not None:
            t = issued_statements_table
            if conn.execute(select(t.c.code).where(t.c.code == values["code"])).first() is None:
                conn.execute(insert(t).values(code=values["code"], statement=content.decode("utf-8")))


def issued_content(store: CampaignStore, code: str) -> str | None:
    """What the appendix (or summary) with this code certified: the canonical JSON recorded when it was
    issued (its digest is the code); None when it was issued before the content was kept."""
    t = issued_statements_table
    with store.tx() as conn:
        raw = conn.execute(select(t.c.statement).where(t.c.code == normalise_code(code))).scalar()
    return None if raw is None else str(raw)


def issued_by_code(store: CampaignStore, code: str) -> list[Issued]:
    """Every issuance under `code`, newest first (empty when the code was never issued)."""
    t = issued_table
    with store.tx() as conn:
        rows = conn.execute(select(t).where(t.c.code == normalise_code(code)).order_by(t.c.id.desc())).all()
    return [
        Issued(r.code, r.kind, int(r.round), r.organ_id, r.issued_at, r.pdf_sha256, r.pdf_path, r.docx_path)
        for r in rows
    ]


def latest_issued(store: CampaignStore, round_number: int, organ_id: str) -> Issued | None:
    t = issued_table
    with store.tx() as conn:
        row = conn.execute(
            select(t).where(t.c.round == round_number, t.c.organ_id == organ_id).order_by(t.c.id.desc())
        ).first()
    if row is None:
        return None
    return Issued(
        row.code, row.kind, int(row.round), row.organ_id, row.issued_at, row.pdf_sha256, row.pdf_path, row.docx_path
    )
