"""`lienthong validate FILE...`: findings per file as a table or JSON.

Exit codes: 0 when no MUST finding, 1 when any, 2 on usage or I/O error (click uses 2 for usage).
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import click
from cryptography import x509
from rich.console import Console
from rich.table import Table

from harness.edxml import Finding, Level, Limits, Report, inspect
from harness.edxml.catalogue import rule
from harness.edxml.findings import Kind
from harness.edxml.model import EdocPackage
from harness.edxml.rules import SequenceChecker
from harness.pki import load as load_pki
from harness.signing.envelope import EnvelopePolicy, verify_envelope
from harness.signing.package import verify_package
from harness.signing.verify import Profile, TrustConfig

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


def _load_certificate(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)


def _load_crl(path: Path) -> x509.CertificateRevocationList:
    data = path.read_bytes()
    return x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data)


def _trust(
    pki_dir: Path | None, roots: tuple[Path, ...], intermediates: tuple[Path, ...], crls: tuple[Path, ...]
) -> TrustConfig | None:
    """Where SIG checks get their anchors: a test PKI directory and/or explicit files; None skips them."""
    if pki_dir is None and not roots:
        return None
    try:
        trust = TrustConfig.from_pki(load_pki(pki_dir)) if pki_dir is not None else TrustConfig([])
        trust.roots.extend(_load_certificate(p) for p in roots)
        trust.intermediates.extend(_load_certificate(p) for p in intermediates)
        trust.crls.extend(_load_crl(p) for p in crls)
    except (OSError, ValueError, KeyError) as exc:
        click.echo(f"Lỗi: không đọc được chứng thư hoặc PKI: {exc}", err=True)
        sys.exit(2)
    return trust


class NotARegularFile(Exception):
    pass


def _read_bounded(path: Path, max_size: int) -> tuple[bytes, int]:
    """At most `max_size + 1` bytes of a regular file, and its size.

    A device or FIFO is refused before it is opened: /dev/urandom never ends and a FIFO without
    a writer blocks on open, and neither has a size to check first.
    """
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(path)
    with path.open("rb") as fh:
        data = fh.read(max_size + 1)
    return data, max(st.st_size, len(data))


def _too_large(path: Path, size: int, max_size: int) -> Report:
    """EDX-01 for a file over the limit, naming its size (only a prefix was read)."""
    r01 = rule("EDX-01")
    return Report(
        kind=Kind.UNKNOWN,
        path=str(path),
        findings=[
            Finding(
                "EDX-01",
                r01.level,
                "/",
                f"Tệp {size:,} byte vượt giới hạn {max_size:,} byte; không phân tích.",
                f"File of {size:,} bytes exceeds the {max_size:,}-byte limit; not parsed.",
                r01.source,
            )
        ],
    )


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
@click.option(
    "--pki",
    "pki_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Kiểm tra chữ ký số (SIG-*) của tệp PDF đính kèm với PKI kiểm thử ở thư mục này (lienthong pki init).",
)
@click.option(
    "--trust-root",
    "trust_roots",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Chứng thư gốc tin cậy (PEM hoặc DER) để kiểm tra chữ ký số; có thể lặp lại.",
)
@click.option(
    "--intermediate",
    "intermediates",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Chứng thư trung gian; có thể lặp lại.",
)
@click.option(
    "--crl",
    "crls",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Danh sách thu hồi (CRL, PEM hoặc DER); có thể lặp lại.",
)
@click.option(
    "--sig-profile",
    type=click.Choice(["pilot", "strict"]),
    default="pilot",
    show_default=True,
    help="Hồ sơ kiểm tra chữ ký: pilot (như công cụ đang dùng) hoặc strict (TT 15/2025).",
)
@click.option(
    "--envelope",
    type=click.Choice([p.value for p in EnvelopePolicy]),
    default="ignore",
    show_default=True,
    help="Chữ ký số XML của gói tin (SIG-24): bỏ qua, báo cáo (cảnh báo) hoặc bắt buộc (lỗi).",
)
def validate_command(
    files: tuple[Path, ...],
    fmt: str,
    strict: bool,
    sequence: bool,
    max_size: int,
    pki_dir: Path | None,
    trust_roots: tuple[Path, ...],
    intermediates: tuple[Path, ...],
    crls: tuple[Path, ...],
    sig_profile: str,
    envelope: str,
) -> None:
    """Kiểm tra gói tin edXML theo các quy tắc EDX-* (và SIG-* khi có chứng thư gốc) cho từng tệp."""
    limits = Limits(max_bytes=max_size)
    trust = _trust(pki_dir, trust_roots, intermediates, crls)
    reports: list[Report] = []
    checker = SequenceChecker()
    io_error = False
    for path in files:
        try:
            data, size = _read_bounded(path, max_size)
        except NotARegularFile:
            click.echo(
                f"Lỗi: {path} không phải tệp thường (thiết bị, FIFO, socket...): chỉ kiểm tra được tệp gói tin.",
                err=True,
            )
            io_error = True
            continue
        except OSError as exc:
            click.echo(f"Lỗi: không đọc được tệp {path}: {exc.strerror or exc}", err=True)
            io_error = True
            continue
        if size > max_size:
            reports.append(_too_large(path, size, max_size))
            continue
        result = inspect(data, strict=strict, limits=limits, path=str(path))
        if trust is not None and isinstance(result.parsed.package, EdocPackage):
            package = result.parsed.package
            result.report.findings.extend(verify_package(package, trust, profile=Profile(sig_profile)))
            sender = package.from_.organ_id if package.from_ is not None else None
            result.report.findings.extend(verify_envelope(data, trust, sender=sender, policy=EnvelopePolicy(envelope)))
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
