"""The published VNPT Java SDK, unchanged, driven from the tests through `sdk_java/SdkDriver.java`.

The jars are not ours to ship: a vendor or a developer points `LIENTHONG_VXP_SDK` at a folder
that holds `SDKVXP-2.0.1.jar` and its dependencies (in PVN-Organization/API-Gateway-iOffice they
are in `JDK 1.8/SDKVXP_Example/lib/`), or copies them into `.lienthong/sdk/vxp/` of the checkout.
Without the jars or a JDK the tier skips and says which is missing.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

SDK_ENV = "LIENTHONG_VXP_SDK"
DEFAULT_SDK_DIR = REPO / ".lienthong" / "sdk" / "vxp"
SDK_JAR = "SDKVXP-2.0.1.jar"
DRIVER_SOURCE = Path(__file__).parent / "sdk_java" / "SdkDriver.java"
JAVAC = ("javac", "-nowarn", "-encoding", "UTF-8")
SHARED_SOURCES = Path(__file__).parent / "java_common"
"""The JSON-lines loop every SDK driver extends (JsonLinesDriver.java)."""
REPLY_TIMEOUT = 60.0
"""Seconds one SDK call may take (the SDK retries I/O failures itself)."""


def sdk_folder() -> Path | None:
    """The folder holding the SDK jar, from `LIENTHONG_VXP_SDK` or the default folder."""
    configured = os.environ.get(SDK_ENV)
    root = Path(configured) if configured else DEFAULT_SDK_DIR
    if root.is_file() and root.name == SDK_JAR:
        return root.parent
    if not root.is_dir():
        return None
    found = sorted(root.rglob(SDK_JAR))
    return found[0].parent if found else None


def require_sdk() -> Path:
    """The SDK's folder, or skip with the reason and how to provide it."""
    folder = sdk_folder()
    if folder is None:
        where = os.environ.get(SDK_ENV) or str(DEFAULT_SDK_DIR)
        pytest.skip(
            f"real-SDK tier skipped: {SDK_JAR} not found in {where} "
            f"(set {SDK_ENV} to the SDK's lib folder, e.g. 'JDK 1.8/SDKVXP_Example/lib' of "
            "PVN-Organization/API-Gateway-iOffice)"
        )
    for tool in ("javac", "java"):
        if shutil.which(tool) is None:
            pytest.skip(f"real-SDK tier skipped: `{tool}` not found (install a JDK, e.g. apt-get install default-jdk)")
    return folder


def sdk_classpath(sdk: Path) -> str:
    """Every jar of the folder but other SDK versions (PVN ships 2.0.0 beside 2.0.1: one would shadow the other)."""
    jars = [j for j in sorted(sdk.glob("*.jar")) if not j.name.startswith("SDKVXP-") or j.name == SDK_JAR]
    return os.pathsep.join(str(j) for j in jars)


def compile_driver(sdk: Path, out: Path) -> str:
    """Compile the driver against the jars; the classpath to run it with."""
    classpath = sdk_classpath(sdk)
    subprocess.run(
        [*JAVAC, "-d", str(out), "-cp", classpath, "-sourcepath", str(SHARED_SOURCES), str(DRIVER_SOURCE)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return f"{out}{os.pathsep}{classpath}"


class SdkError(AssertionError):
    """The driver itself failed (not the SDK's answer): a broken request or a dead JVM."""


class JavaSdk:
    """One JVM running a driver (JSON lines in, JSON lines out); each named client is the SDK's own
    long-lived service objects. `main` names the driver class (the Bkav tier has its own)."""

    def __init__(self, classpath: str, log: Path, main: str = "SdkDriver") -> None:
        self.log_path = log
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            ["java", "-Djava.net.useSystemProxies=false", "-cp", classpath, main],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._lock = threading.Lock()
        self._lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(b"")

    def open(self, name: str, endpoint: str, system_id: str, secret: str, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.request(
            {
                "op": "open",
                "client": name,
                "endpoint": endpoint,
                "systemId": system_id,
                "secret": secret,
                "store": str(store),
            }
        )

    def call(self, name: str, op: str, header: dict[str, Any] | None = None, **extra: str) -> dict[str, Any] | None:
        """The SDK's result object for `op` as a dict, or None when the SDK returned null."""
        request: dict[str, Any] = {"op": op, "client": name, "header": json.dumps(header or {}), **extra}
        reply = self.request(request)
        result = reply.get("result")
        if result is not None and not isinstance(result, dict):
            raise SdkError(f"unexpected result for {op}: {result!r}")
        return result

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        with self._lock:
            try:
                self.proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
                self.proc.stdin.flush()
            except BrokenPipeError:
                raise SdkError(f"the SDK driver died; see {self.log_path}") from None
            try:
                line = self._lines.get(timeout=REPLY_TIMEOUT)
            except queue.Empty:
                raise SdkError(f"no reply to {request['op']} within {REPLY_TIMEOUT:g} s") from None
        if not line:
            raise SdkError(f"the SDK driver died; see {self.log_path}")
        reply: dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise SdkError(f"the driver failed on {request['op']}: {reply['error']}")
        return reply

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


def java_sdk_session(tmp: Path) -> Iterator[JavaSdk]:
    """Compile the driver once and run one JVM for the module."""
    sdk = require_sdk()
    classpath = compile_driver(sdk, tmp / "classes")
    driver = JavaSdk(classpath, tmp / "sdk-driver.log")
    try:
        yield driver
    finally:
        driver.close()
