"""`lienthong validate FILE...`: findings per file as a table or JSON.

Exit codes: 0 when no MUST finding, 1 when any, 2 on usage or I/O error (click uses 2 for usage).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from harness.edxml import Finding, Level, Limits, Report, inspect
from harness.edxml.rules import SequenceChecker

KIND_VI = {"edoc": "gói tin văn bản", "status": "gói tin trạng thái", "unknown": "không xác định"}


def _table(console: Console, report: Report) -> None:
    verdict = "[green]ĐẠT[/green]" if report.ok else "[red]KHÔNG ĐẠT[/red]"
    console.print(f"\n[bold]{report.path}[/bold] ({KIND_VI[str(report.kind)]}): {verdict}")
    if not report.findings:
        console.print("  Không có phát hiện nào.")
        return
    _findings_table(console, report.findings)


_HEADER_PREFIX = "/edXML/edXMLEnvelope/edXMLHeader/"


def _short(location: str) -> str:
    """Table display only: drop the envelope prefix every header location shares (JSON keeps it)."""
    return location.replace(_HEADER_PREFIX, "…/")


def _findings_table(console: Console, findings: list[Finding]) -> None:
    table = Table(show_lines=False, expand=True)
    table.add_column("Quy tắc", no_wrap=True)
    table.add_column("Mức", no_wrap=True)
    table.add_column("Vị trí", overflow="fold", ratio=2)
    table.add_column("Nội dung", overflow="fold", ratio=3)
    for f in findings:
        style = "red" if f.level is Level.MUST else "yellow"
        table.add_row(f"[{style}]{f.rule}[/{style}]", str(f.level), _short(f.location), f.message_vi)
    console.print(table)


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Dạng kết quả: bảng dễ đọc hoặc JSON (một đối tượng cho mỗi tệp).",
)
@click.option("--strict", is_flag=True, help="Chế độ nghiêm ngặt: từ chối byte lạ trước khai báo XML.")
@click.option(
    "--sequence",
    is_flag=True,
    help="Kiểm tra thêm các quy tắc trình tự (EDX-45..49) trên các tệp theo thứ tự đã cho.",
)
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=50 * 1024 * 1024,
    show_default=True,
    help="Kích thước tối đa của một gói tin (byte).",
)
def validate_command(files: tuple[Path, ...], fmt: str, strict: bool, sequence: bool, max_size: int) -> None:
    """Kiểm tra gói tin edXML theo các quy tắc EDX-* và báo cáo phát hiện cho từng tệp."""
    limits = Limits(max_bytes=max_size)
    reports: list[Report] = []
    checker = SequenceChecker()
    io_error = False
    for path in files:
        try:
            size = path.stat().st_size
            if size > max_size:
                # Do not read an oversized file into memory: let validate() report it from a prefix.
                with path.open("rb") as fh:
                    data = fh.read(max_size + 1)
            else:
                data = path.read_bytes()
        except OSError as exc:
            click.echo(f"Lỗi: không đọc được tệp {path}: {exc.strerror or exc}", err=True)
            io_error = True
            continue
        result = inspect(data, strict=strict, limits=limits, path=str(path))
        reports.append(result.report)
        if sequence and result.parsed.package is not None:
            checker.feed(result.parsed.package, str(path))
    sequence_findings = checker.finish() if sequence else []
    if fmt == "json":
        out: dict[str, object] | list[dict[str, object]]
        items = [r.to_json() for r in reports]
        out = {"files": items, "sequence": [f.to_json() for f in sequence_findings]} if sequence else items
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        console = Console(soft_wrap=False)
        for r in reports:
            _table(console, r)
        if sequence:
            console.print("\n[bold]Quy tắc trình tự (EDX-45..49)[/bold]")
            if sequence_findings:
                _findings_table(console, sequence_findings)
            else:
                console.print("  Không có phát hiện nào.")
        failed = sum(not r.ok for r in reports)
        console.print(f"\nĐã kiểm tra {len(reports)} tệp: {len(reports) - failed} đạt, {failed} không đạt.")
    if io_error:
        sys.exit(2)
    must = any(not r.ok for r in reports) or any(f.level is Level.MUST for f in sequence_findings)
    sys.exit(1 if must else 0)
