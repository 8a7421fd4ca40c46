"""harness.pdf.layout.Para: a paragraph that breaks its lines once per width lays out exactly as
reportlab's own, table cells split over pages included."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from harness.pdf.layout import REGULAR, Para, register_fonts

TEXT = "Hệ thống không tải về và xác nhận gói tin trong thời hạn; trục từ chối mọi lần gọi của hệ thống. " * 3


def _build(cls: type[Paragraph]) -> bytes:
    register_fonts()
    style = ParagraphStyle("cell", fontName=REGULAR, fontSize=10, leading=12.5)
    rows = [[cls(f"{i}", style), cls(TEXT * (1 + i % 4), style)] for i in range(60)]
    story = [cls(TEXT, style), Table(rows, colWidths=[40, 380], repeatRows=1)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(story)
    return out.getvalue()


def test_para_lays_out_as_reportlab_does_breaking_lines_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    original = Paragraph.breakLines

    def counting(self: Paragraph, width: object) -> object:
        calls["n"] += 1
        return original(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counting)
    plain = _build(Paragraph)
    plain_calls, calls["n"] = calls["n"], 0
    cached = _build(Para)
    assert cached == plain  # the same bytes: every line, page and split alike
    assert plain.count(b"/Type /Page\n") >= 3  # the table split over pages
    assert calls["n"] * 2 <= plain_calls, (calls["n"], plain_calls)
