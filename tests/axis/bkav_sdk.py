"""Bkav's published client SDK (sdk-edoc, `com.bkav.edoc.sdk.EdocService`), unchanged, driven from the
tests through `bkav_sdk_java/BkavSdkDriver.java` (profile B, issue 27).

Bkav publishes the SDK as source (QuangChuIT/edoc-integrator, folder `sdk-edoc`), not as a jar. A
vendor or a developer points `LIENTHONG_BKAV_SDK` at that folder (or at the repository, or at its
`src/main/java`), or copies it into `.lienthong/sdk/bkav/` of the checkout. The tier compiles the
SDK's own sources with `javac` (only the classes `EdocService` reaches), against its libraries:
the jars in `LIENTHONG_BKAV_SDK_CLASSPATH` (a path list), else those of Debian's packages
(`apt-get install default-jdk-headless libhttpclient-java libhttpmime-java libgoogle-gson-java
libcommons-codec-java libguava-java libjdom2-java libjaxb-api-java libandroid-json-java`). json.org's
`org.json` is not packaged: the SDK is compiled against two stub classes of its API
(`bkav_sdk_java/stubs`) and runs on Android's rewrite of it. Without the sources, a JDK or a library
the tier skips and says which is missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.axis.real_sdk import JAVAC, SHARED_SOURCES, JavaSdk
from tests.conftest import REPO

SDK_ENV = "LIENTHONG_BKAV_SDK"
CLASSPATH_ENV = "LIENTHONG_BKAV_SDK_CLASSPATH"
DEFAULT_SDK_DIR = REPO / ".lienthong" / "sdk" / "bkav"
SERVICE_SOURCE = Path("com") / "bkav" / "edoc" / "sdk" / "EdocService.java"
HERE = Path(__file__).parent / "bkav_sdk_java"
DRIVER_SOURCE = HERE / "BkavSdkDriver.java"
STUBS = HERE / "stubs"
DEBIAN_JARS = {
    "httpclient.jar": "libhttpclient-java",
    "httpcore.jar": "libhttpcore-java",
    "httpmime.jar": "libhttpmime-java",
    "gson.jar": "libgoogle-gson-java",
    "commons-codec.jar": "libcommons-codec-java",
    "guava.jar": "libguava-java",
    "jdom2.jar": "libjdom2-java",
    "jaxb-api.jar": "libjaxb-api-java",
    "com.android.json.jar": "libandroid-json-java",
}
"""The SDK's libraries as Debian packages them (`/usr/share/java`), and the package of each."""
OPTIONAL_JARS = ("commons-logging.jar",)
DEBIAN_JAVA = Path("/usr/share/java")


def source_root() -> Path | None:
    """The folder the SDK's package tree starts in (`.../src/main/java`), from the variable or the default."""
    configured = os.environ.get(SDK_ENV)
    root = Path(configured) if configured else DEFAULT_SDK_DIR
    if not root.is_dir():
        return None
    if (root / SERVICE_SOURCE).is_file():
        return root
    for found in sorted(root.rglob("EdocService.java")):
        if found.parts[-len(SERVICE_SOURCE.parts) :] == SERVICE_SOURCE.parts:
            return Path(*found.parts[: -len(SERVICE_SOURCE.parts)])
    return None


def libraries() -> tuple[str, list[str]]:
    """The classpath of the SDK's libraries, and the Debian packages missing for it."""
    configured = os.environ.get(CLASSPATH_ENV)
    if configured:
        return configured, []
    jars = [DEBIAN_JAVA / name for name in DEBIAN_JARS]
    missing = [DEBIAN_JARS[j.name] for j in jars if not j.is_file()]
    jars += [DEBIAN_JAVA / name for name in OPTIONAL_JARS if (DEBIAN_JAVA / name).is_file()]
    return os.pathsep.join(str(j) for j in jars), missing


def require_sdk() -> tuple[Path, str]:
    """The SDK's sources and its libraries' classpath, or skip with the reason and how to provide them."""
    root = source_root()
    if root is None:
        where = os.environ.get(SDK_ENV) or str(DEFAULT_SDK_DIR)
        pytest.skip(
            f"Bkav SDK tier skipped: no {SERVICE_SOURCE.as_posix()} under {where} (set {SDK_ENV} to the "
            "sdk-edoc folder of QuangChuIT/edoc-integrator)"
        )
    for tool in ("javac", "java"):
        if shutil.which(tool) is None:
            pytest.skip(f"Bkav SDK tier skipped: `{tool}` not found (install a JDK, e.g. apt-get install default-jdk)")
    classpath, missing = libraries()
    if missing:
        pytest.skip(
            f"Bkav SDK tier skipped: the SDK's libraries are missing (apt-get install {' '.join(missing)}, "
            f"or set {CLASSPATH_ENV})"
        )
    return root, classpath


def compile_driver(root: Path, libraries_classpath: str, out: Path) -> str:
    """Compile the stubs, then the driver with the SDK's sources it reaches; the classpath to run it with."""
    stubs, classes = out / "stubs", out / "classes"
    stubs.mkdir(parents=True, exist_ok=True)
    classes.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [*JAVAC, "-d", str(stubs), *map(str, sorted(STUBS.rglob("*.java")))], check=True, capture_output=True
    )
    sources = os.pathsep.join([str(root), str(SHARED_SOURCES)])
    compile_path = os.pathsep.join([str(stubs), libraries_classpath])  # the stubs shadow the real org.json
    subprocess.run(
        [*JAVAC, "-d", str(classes), "-cp", compile_path, "-sourcepath", sources, str(DRIVER_SOURCE)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resources = root.parent / "resources"  # the SDK's own config.properties (pool sizes, timeouts)
    return os.pathsep.join([str(classes), *([str(resources)] if resources.is_dir() else []), libraries_classpath])


def bkav_sdk_classpath(tmp: Path) -> str:
    """Compile once per module: the classpath to run `BkavSdkDriver` with (skips when the SDK is absent)."""
    root, classpath = require_sdk()
    try:
        return compile_driver(root, classpath, tmp)
    except subprocess.CalledProcessError as exc:
        raise AssertionError(f"the Bkav SDK did not compile: {exc.stderr.decode(errors='replace')[-3000:]}") from exc


@contextlib.contextmanager
def bkav_sdk_process(classpath: str, log: Path) -> Iterator[JavaSdk]:
    """One JVM running the driver: one client program. The SDK's HTTP client is static and keeps the
    headers of its first request (axis-protocol.md §4.1), so a program makes one kind of call."""
    driver = JavaSdk(classpath, log, main="BkavSdkDriver")
    try:
        yield driver
    finally:
        driver.close()
