"""Hostile inputs: `validate()` answers with findings, never an exception, in bounded time and memory.

Each hostile case runs in a fresh interpreter (`run_case` below, started with `python -c`) that
reports the report, the time `validate()` took and the growth of the peak RSS over the baseline
taken after the imports (payload construction included, so the bound is conservative).
"""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from harness.edxml import Kind, Level, Limits, Report, build, safexml, validate
from harness.edxml.factory import new_document
from harness.edxml.hostile import (
    INVALID_UTF8_AT,
    MB,
    attribute_flood,
    billion_laughs,
    corrupt_zip,
    deep_nesting,
    element_flood,
    empty,
    external_dtd,
    fake_zip_2mb,
    invalid_base64,
    invalid_utf8,
    oversize_60mb,
    parameter_entity,
    png_blob,
    stray_bytes,
    to_flood,
    truncated,
    undefined_entity,
    utf16,
    valid_package,
    valid_status,
    with_doctype,
    xxe,
    xxe_in_package,
)

pytestmark = pytest.mark.slow  # over ten seconds of processes, browsers or fuzzing: not in the quick loop

REPO = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Case:
    make: Callable[[], bytes]
    rules: frozenset[str] = frozenset({"EDX-01"})
    # At least one finding of the expected rules mentions one of these (case-insensitive).
    says: tuple[str, ...] = ()
    strict: bool = False
    max_bytes: int | None = None
    max_seconds: float = 10.0
    max_rss_mb: float = 200.0
    timeout: float = 60.0
    kind: Kind | None = None
    only: bool = False  # the expected rules are the only ones that fire
    count: int | None = None  # exact number of findings
    ok: bool = False


DOCTYPE = ("doctype", "dtd")

CASES: dict[str, Case] = {
    "billion_laughs": Case(billion_laughs, says=DOCTYPE, kind=Kind.UNKNOWN, only=True),
    "xxe": Case(xxe, says=DOCTYPE, kind=Kind.UNKNOWN, only=True),
    "xxe_in_package": Case(xxe_in_package, says=DOCTYPE, kind=Kind.UNKNOWN, only=True),
    "external_dtd": Case(external_dtd, says=DOCTYPE, kind=Kind.UNKNOWN, only=True),
    "parameter_entity": Case(parameter_entity, says=DOCTYPE, kind=Kind.UNKNOWN, only=True),
    "oversize_60mb": Case(
        oversize_60mb, says=("exceeds",), kind=Kind.UNKNOWN, count=1, max_seconds=1.0, max_rss_mb=400
    ),
    "oversize_60mb_custom_limit": Case(
        oversize_60mb, rules=frozenset(), max_bytes=64 * MB, kind=Kind.EDOC, only=True, ok=True, max_rss_mb=400
    ),
    "deep_nesting": Case(deep_nesting, says=("nesting", "depth"), kind=Kind.UNKNOWN),
    "invalid_utf8": Case(invalid_utf8, says=("utf-8",), kind=Kind.UNKNOWN),
    "truncated": Case(truncated, says=("malformed", "truncat", "premature end")),
    "empty": Case(empty, says=("empty",), kind=Kind.UNKNOWN, count=1),
    "png_blob": Case(png_blob, says=("not xml", "utf-8"), kind=Kind.UNKNOWN),
    "utf16": Case(utf16, kind=Kind.UNKNOWN),
    "stray_bytes_lenient": Case(stray_bytes, says=("stray",), kind=Kind.EDOC, count=1),
    "stray_bytes_strict": Case(stray_bytes, says=("stray",), strict=True, kind=Kind.UNKNOWN, only=True),
    "undefined_entity": Case(undefined_entity, says=("undefinedentity",)),
    "invalid_base64": Case(invalid_base64, rules=frozenset({"EDX-33"}), says=("base64",), kind=Kind.EDOC),
    "fake_zip_2mb": Case(fake_zip_2mb, rules=frozenset({"EDX-34"}), says=("zip",), kind=Kind.EDOC, only=True),
    "corrupt_zip": Case(corrupt_zip, rules=frozenset({"EDX-34"}), says=("zip",), kind=Kind.EDOC, only=True),
    "to_flood": Case(to_flood, rules=frozenset({"EDX-07"}), kind=Kind.EDOC, timeout=12.0),
    "element_flood": Case(element_flood, rules=frozenset({"EDX-01"}), max_rss_mb=400),
    # The package itself is ~40 MB; parsing it took 1.6 GB before the attribute bound.
    "attribute_flood": Case(attribute_flood, says=("attributes",), kind=Kind.UNKNOWN, count=1, max_rss_mb=200),
}


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_case(name: str) -> dict[str, Any]:
    """Body of the subprocess: build the payload, validate it, report time and peak memory."""
    case = CASES[name]
    baseline = _maxrss_mb()
    data = case.make()
    limits = Limits(max_bytes=case.max_bytes) if case.max_bytes is not None else None
    started = time.perf_counter()
    report = validate(data, strict=case.strict, limits=limits)
    elapsed = time.perf_counter() - started
    return {
        "size": len(data),
        "elapsed": elapsed,
        "rss_growth_mb": _maxrss_mb() - baseline,
        "report": report.to_json(),
    }


WORKER = "import json, sys; from tests.test_hostile import run_case; print(json.dumps(run_case(sys.argv[1])))"


@cache
def outcome(name: str) -> dict[str, Any]:
    timeout = CASES[name].timeout
    try:
        proc = subprocess.run(
            [sys.executable, "-c", WORKER, name], cwd=REPO, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: validate() did not finish within {timeout:g} s (subprocess killed)")
    assert proc.returncode == 0, f"{name}: subprocess failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = result["report"]["findings"]
    return findings


# --------------------------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_case_is_reported_not_raised(name: str) -> None:
    case = CASES[name]
    result = outcome(name)
    findings = _findings(result)
    fired = {f["rule"] for f in findings}
    summary = json.dumps([(f["rule"], f["message_en"]) for f in findings][:8], ensure_ascii=False)

    assert case.rules <= fired, f"{name}: expected {sorted(case.rules)}, got {summary}"
    if case.only or case.count is not None:
        assert fired == set(case.rules), f"{name}: only {sorted(case.rules)} expected, got {summary}"
    if case.count is not None:
        assert len(findings) == case.count, f"{name}: {case.count} finding(s) expected, got {summary}"
    for f in findings:
        if f["rule"] == "EDX-01":
            assert f["level"] == Level.MUST
            assert f["message_en"].strip() and f["message_vi"].strip()
    if case.says:
        relevant = [f["message_en"].lower() for f in findings if f["rule"] in case.rules]
        assert any(word in msg for msg in relevant for word in case.says), (
            f"{name}: no {sorted(case.rules)} message mentions any of {case.says}: {summary}"
        )
    if case.kind is not None:
        assert result["report"]["kind"] == case.kind, f"{name}: kind {result['report']['kind']}"
    assert result["report"]["ok"] is case.ok

    assert result["elapsed"] < case.max_seconds, f"{name}: validate() took {result['elapsed']:.2f} s"
    assert result["rss_growth_mb"] < case.max_rss_mb, (
        f"{name}: peak RSS grew by {result['rss_growth_mb']:.0f} MB for a {result['size'] / MB:.1f} MB input"
        f" (bound {case.max_rss_mb:g} MB)"
    )


def test_xxe_never_discloses_local_files() -> None:
    passwd = [line for line in Path("/etc/passwd").read_text().splitlines() if len(line) > 8]
    assert passwd, "/etc/passwd is empty: the test would prove nothing"
    for name in ("xxe", "xxe_in_package"):
        dumped = json.dumps(outcome(name)["report"], ensure_ascii=False)
        leaked = [line for line in passwd if line in dumped]
        assert not leaked, f"{name}: /etc/passwd content in the findings: {leaked[:2]}"
        assert "root:" not in dumped


def test_oversize_is_refused_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parse(*args: object, **kwargs: object) -> etree._Element:
        raise AssertionError("an oversize package reached the XML parser")

    monkeypatch.setattr(etree, "fromstring", no_parse)  # the module safexml parses with
    data = oversize_60mb()
    report = validate(data)
    assert [f.rule for f in report.findings] == ["EDX-01"]
    assert f"{50 * MB:,}" in report.findings[0].message_en  # names the limit
    assert f"{len(data):,}" in report.findings[0].message_en  # and the size
    assert report.kind is Kind.UNKNOWN


def test_invalid_utf8_points_at_the_byte() -> None:
    messages = [f.message_en for f in validate(invalid_utf8()).findings if f.rule == "EDX-01"]
    assert any("utf-8" in m.lower() and str(INVALID_UTF8_AT) in m for m in messages), messages


def test_custom_limits() -> None:
    pkg = valid_package()
    refused = validate(pkg, limits=Limits(max_bytes=len(pkg) - 1))
    assert [f.rule for f in refused.findings] == ["EDX-01"]
    assert f"{len(pkg) - 1:,}" in refused.findings[0].message_en
    assert validate(pkg, limits=Limits(max_bytes=len(pkg))).findings == []

    shallow = validate(pkg, limits=Limits(max_depth=3))
    assert shallow.rules() == {"EDX-01"}
    assert any(w in shallow.findings[0].message_en.lower() for w in ("nesting", "depth"))
    assert validate(pkg, limits=Limits(max_depth=10)).findings == []
    # A generous custom depth does not lift libxml2's own nesting cap.
    assert "EDX-01" in validate(deep_nesting(), limits=Limits(max_depth=20_000)).rules()


def test_utf16_message_names_the_encoding() -> None:
    """EDX-01 says "XML 1.0 in UTF-8": a UTF-16 package must be told so, not that it is not XML."""
    for data in (utf16(), utf16()[2:]):  # with and without the byte-order mark
        for strict in (False, True):
            report = validate(data, strict=strict)
            messages = [f.message_en for f in report.findings if f.rule == "EDX-01"]
            assert messages, report.findings
            assert any("utf-16" in m.lower() for m in messages), f"strict={strict} bom={data[:2]!r}: {messages}"


# --------------------------------------------------------------------------------------------
# No state poisoning, no network


def _small_hostile() -> Iterator[tuple[str, bytes]]:
    skip = {"oversize_60mb", "oversize_60mb_custom_limit", "element_flood", "to_flood", "fake_zip_2mb"}
    for name, case in CASES.items():
        if name not in skip:
            yield name, case.make()


def _assert_clean(report: Report, kind: Kind) -> None:
    assert report.findings == [], [(f.rule, f.message_en) for f in report.findings]
    assert report.ok
    assert report.kind is kind


def test_no_state_poisoning_after_hostile_inputs() -> None:
    for name, data in _small_hostile():
        for strict in (False, True):
            validate(data, strict=strict)
            _assert_clean(validate(valid_package(), strict=strict), Kind.EDOC)
            _assert_clean(validate(valid_status(), strict=strict), Kind.STATUS)
        assert validate(data).rules(), name


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_syntax_errors_do_not_leak_between_packages(strict: bool) -> None:
    """The findings of one malformed package never carry the parser errors of an earlier one."""
    for _ in range(3):
        validate(b"<LeakMarker><b></LeakMarker>", strict=strict)
    second = validate(b"<x>&foo;</x>", strict=strict)
    messages = [f.message_en for f in second.findings if f.rule == "EDX-01"]
    assert not any("LeakMarker" in m for m in messages), (
        f"{len(messages)} EDX-01 findings, with errors of earlier packages: {sorted(set(messages))}"
    )
    assert len(messages) == 1 and "foo" in messages[0], messages


class _Listener:
    """A local TCP server that records every connection attempt."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        time.sleep(0.2)  # let a late connection land
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    server = _Listener()
    try:
        yield server
    finally:
        server.close()


def test_no_network_access(listener: _Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/x.dtd".encode()
    doctypes = [
        b'<!DOCTYPE a SYSTEM "' + url + b'">',
        b'<!DOCTYPE a [<!ENTITY % p SYSTEM "' + url + b'"> %p;]>',
        b'<!DOCTYPE a [<!ENTITY e SYSTEM "' + url + b'">]>',
    ]
    documents = [
        doctypes[0] + b"<a/>",
        doctypes[1] + b"<a/>",
        doctypes[2] + b"<a>&e;</a>",
        b'<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="' + url + b'"/></a>',
        b'<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x ' + url + b'"/>',
    ]
    payloads = documents + [with_doctype(valid_package(), d) for d in doctypes]
    for doc in payloads:
        for strict in (False, True):
            report = validate(doc, strict=strict)
            if b"<!DOCTYPE" in doc:
                assert "EDX-01" in report.rules()
        # The parser itself, past the DOCTYPE pre-check: no DTD loading, no entities, no network.
        for recover in (False, True):
            try:
                root = etree.fromstring(doc, safexml._get_parser(recover))
            except etree.XMLSyntaxError:
                continue
            if root is not None:
                assert b"root:" not in etree.tostring(root)
    assert listener.connections == 0, f"the parser opened {listener.connections} connection(s)"


def test_parser_does_not_read_local_files() -> None:
    for recover in (False, True):
        root = etree.fromstring(xxe(), safexml._get_parser(recover))
        assert root is not None
        assert "root:" not in (root.text or "")
        assert b"root:" not in etree.tostring(root, method="text", encoding="utf-8")
        assert b"root:" not in etree.tostring(root)


def test_parser_refuses_billion_laughs_quickly() -> None:
    """Even past the DOCTYPE pre-check, entities are not expanded."""
    started = time.perf_counter()
    for recover in (False, True):
        try:
            root = etree.fromstring(billion_laughs(), safexml._get_parser(recover))
        except etree.XMLSyntaxError:
            continue
        assert root is not None
        assert len(etree.tostring(root)) < 1000
    assert time.perf_counter() - started < 1.0


SURROGATE_SPOTS = {
    "OrganId": b"<edXML:OrganId>",
    "OrganName": b"<edXML:OrganName>",
    "ContentId": b"<edXML:ContentId>",
    "AttachmentName": b"<edXML:AttachmentName>",
    "Subject": b"<edXML:Subject>",
}


@pytest.mark.parametrize("reference", [b"&#xD800;", b"&#xDFFF;", b"&#56320;"])
@pytest.mark.parametrize("spot", list(SURROGATE_SPOTS))
@pytest.mark.parametrize("strict", [False, True])
def test_surrogate_references_are_an_edx01_finding(spot: str, reference: bytes, strict: bool) -> None:
    """libxml2's recovery kept them as bytes no decoder takes: lenient validation raised."""
    data = build(new_document())
    tag = SURROGATE_SPOTS[spot]
    at = data.index(tag) + len(tag)
    report = validate(data[:at] + reference + data[at:], strict=strict)
    assert not report.ok
    assert report.rules() == {"EDX-01"}, [(f.rule, f.message_en) for f in report.findings]
    if not strict:
        assert any("surrogate" in f.message_en for f in report.findings)


def test_a_surrogate_reference_in_an_attribute_is_an_edx01_finding() -> None:
    data = build(new_document())
    at = data.index(b"<edXML:edXMLEnvelope") + len(b"<edXML:edXMLEnvelope")
    report = validate(data[:at] + b' x="&#xD800;"' + data[at:])
    assert report.rules() == {"EDX-01"}
