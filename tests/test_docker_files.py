"""Dockerfile, compose.yaml and .dockerignore stay consistent with the repository (no Docker needed)."""

from __future__ import annotations

import fnmatch
import json
import shlex
from typing import Any

import yaml

from simulators.topology import load_topology
from tests.conftest import REPO

DOCKERFILE = REPO / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        pending += stripped.removesuffix("\\").strip() + " "
        if not stripped.endswith("\\"):
            keyword, _, args = pending.strip().partition(" ")
            out.append((keyword.upper(), args.strip()))
            pending = ""
    return out


def words(args: str) -> list[str]:
    """Exec form (JSON array) or shell form."""
    if args.startswith("["):
        parsed = json.loads(args)
        assert isinstance(parsed, list)
        return [str(w) for w in parsed]
    return shlex.split(args)


def copy_sources() -> list[str]:
    sources: list[str] = []
    for keyword, args in instructions():
        if keyword in {"COPY", "ADD"}:
            parts = [w for w in words(args) if not w.startswith("--")]
            sources.extend(parts[:-1])
    return sources


def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_base_image_and_install() -> None:
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert any(k == "RUN" and "pip install ." in a for k, a in steps)


def test_every_copy_source_exists_and_is_not_dockerignored() -> None:
    sources = copy_sources()
    assert "pyproject.toml" in sources and "simulators" in sources and "fixtures" in sources
    ignored = [
        p.strip()
        for p in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if p.strip() and not p.startswith("#")
    ]
    for source in sources:
        assert (REPO / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_cmd_runs_the_demo_topology_on_all_interfaces() -> None:
    (cmd,) = [words(a) for k, a in instructions() if k == "CMD"]
    assert cmd[:3] == ["lienthong", "sim", "up"]
    topology = cmd[cmd.index("--topology") + 1]
    assert (REPO / topology).is_file()
    load_topology(REPO / topology)  # valid, not just present
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--state-dir") + 1] == "/data"
    base_port = int(cmd[cmd.index("--base-port") + 1])
    axes = len(load_topology(REPO / topology).axes)
    exposed = {int(p) for k, a in instructions() if k == "EXPOSE" for p in a.split()}
    assert exposed == set(range(base_port, base_port + axes))


def test_compose_builds_the_dockerfile_with_volume_ports_and_healthcheck() -> None:
    data = compose()
    (service,) = data["services"].values()
    build = service["build"]
    context = REPO / build["context"]
    assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE.resolve()
    published = {int(str(p).rsplit(":", 1)[1]) for p in service["ports"]}
    exposed = {int(p) for k, a in instructions() if k == "EXPOSE" for p in a.split()}
    assert published == exposed
    volume, _, target = service["volumes"][0].partition(":")
    assert target == "/data" and volume in data["volumes"]
    assert "/_sim/health" in " ".join(service["healthcheck"]["test"])
