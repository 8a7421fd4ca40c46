"""A fake Docker Engine for the container driver tests (there is no Docker engine on the test machine).

It speaks the subset of the Engine REST API the docker SDK uses for `ContainerDriver` (`/_ping`,
`/version`, image inspect and pull, container create/start/inspect/logs/stop/kill/delete), with or
without an API version prefix (`/v1.47/...`). Starting a container really starts a process standing
in for the vendor's system: a small Python HTTP server that serves the backchannel `GET {path}health`
(SystemInfo built from the LIENTHONG_* environment it was given) on LIENTHONG_BACKCHANNEL_PORT.

What the stand-in does is chosen per image ("behaviour"):

* `backchannel`: serves the backchannel at once (`health`, `_env`, `POST documents`);
* `backchannel-slow`: the same after 0.8 s;
* `exit`: prints 30 log lines and exits with code 3;
* `silent`: prints one line and never listens.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

API_VERSION = "1.47"

VENDOR_SCRIPT = r"""
import json, os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

behaviour, path = sys.argv[1], sys.argv[2]
env = dict(os.environ)
print(f"QLVB giả lập khởi động: {env.get('LIENTHONG_ORGAN_ID')} ({behaviour})", flush=True)
if behaviour == "exit":
    for i in range(1, 31):
        print(f"dòng log {i}", flush=True)
    print("lỗi: không kết nối được trục", file=sys.stderr, flush=True)
    sys.exit(3)
if behaviour == "silent":
    while True:
        time.sleep(60)
if behaviour == "backchannel-slow":
    time.sleep(0.8)
token = env.get("LIENTHONG_BACKCHANNEL_TOKEN", "")


class Handler(BaseHTTPRequestHandler):
    def _reply(self, status, body):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self):
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            self._reply(401, {"error": {"code": "UNAUTHORIZED", "message": "Sai mã truy cập"}})
            return False
        return True

    def do_GET(self):
        if not self._authorised():
            return
        if self.path == path + "health":
            self._reply(200, {"organ_id": env.get("LIENTHONG_ORGAN_ID", ""), "name": "QLVB giả lập",
                              "vendor": "fake", "version": "1.0"})
        elif self.path == path + "_env":
            self._reply(200, env)
        else:
            self._reply(404, {"error": {"code": "NOT_FOUND", "message": "Không có " + self.path}})

    def do_POST(self):
        if not self._authorised():
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.path != path + "documents":
            self._reply(404, {"error": {"code": "NOT_FOUND", "message": "Không có " + self.path}})
        elif body.get("secret"):
            self._reply(422, {"error": {"code": "SECRET_DOCUMENT", "message": "Văn bản mật không được gửi"}})
        else:
            organ = env.get("LIENTHONG_ORGAN_ID", "")
            self._reply(201, {"document_id": organ + ",2025/01/02,1/CV-TEST", "axis_doc_ids": []})

    def log_message(self, fmt, *args):
        print("backchannel: " + fmt % args, file=sys.stderr, flush=True)


server = ThreadingHTTPServer(("127.0.0.1", int(env["LIENTHONG_BACKCHANNEL_PORT"])), Handler)
print("backchannel sẵn sàng", flush=True)
server.serve_forever()
"""


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _image_key(name: str) -> str:
    """`repo` -> `repo:latest`; digests and explicit tags unchanged."""
    if "@" in name or ":" in name.rsplit("/", 1)[-1]:
        return name
    return f"{name}:latest"


@dataclass
class FakeImage:
    name: str
    behaviour: str
    id: str = field(default_factory=lambda: "sha256:" + secrets.token_hex(32))

    def attrs(self) -> dict[str, Any]:
        return {"Id": self.id, "RepoTags": [self.name], "Created": _now(), "Config": {"Env": []}}


@dataclass
class FakeContainer:
    id: str
    name: str
    image: FakeImage
    body: dict[str, Any]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: str = "0001-01-01T00:00:00Z"
    finished_at: str = "0001-01-01T00:00:00Z"
    killed: bool = False
    remove_query: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for item in self.body.get("Env") or [])
        return {k: v for k, v in pairs}

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.body.get("Labels") or {})

    @property
    def host_config(self) -> dict[str, Any]:
        return dict(self.body.get("HostConfig") or {})

    def status(self) -> str:
        if self.process is None:
            return "created"
        return "running" if self.process.poll() is None else "exited"

    def exit_code(self) -> int:
        if self.process is None or self.process.poll() is None:
            return 0
        code = self.process.returncode
        return 128 - code if code < 0 else code  # a signal N shows as 128+N, as in Docker

    def ports(self) -> dict[str, Any]:
        """Published ports: the stand-in listens on the host itself, so the host port is the container port."""
        bindings = self.host_config.get("PortBindings") or {}
        if self.status() != "running":
            return {}
        result: dict[str, Any] = {}
        for key, entries in bindings.items():
            port = key.split("/", 1)[0]
            result[key] = [
                {"HostIp": e.get("HostIp") or "0.0.0.0", "HostPort": e.get("HostPort") or port} for e in entries
            ]
        return result

    def inspect(self) -> dict[str, Any]:
        status = self.status()
        return {
            "Id": self.id,
            "Name": "/" + self.name,
            "Image": self.image.id,
            "Created": _now(),
            "Config": {
                "Image": self.body.get("Image"),
                "Env": self.body.get("Env") or [],
                "Labels": self.labels,
                "Tty": False,
            },
            "HostConfig": {**self.host_config, "LogConfig": {"Type": "json-file", "Config": {}}},
            "State": {
                "Status": status,
                "Running": status == "running",
                "Paused": False,
                "Restarting": False,
                "Dead": False,
                "Pid": self.process.pid if self.process and status == "running" else 0,
                "ExitCode": self.exit_code(),
                "StartedAt": self.started_at,
                "FinishedAt": self.finished_at,
            },
            "NetworkSettings": {"Ports": self.ports()},
        }

    def start(self) -> None:
        env = self.env
        path = env.get("FAKE_BACKCHANNEL_PATH", "/")
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-u", "-c", VENDOR_SCRIPT, self.image.behaviour, path],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        self.started_at = _now()

    def stop(self, timeout: float) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self.killed = True
        self.finished_at = _now()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
            self.killed = True
            self.finished_at = _now()

    def log_lines(self, tail: str, timestamps: bool) -> list[bytes]:
        lines = self.log_path.read_bytes().splitlines(keepends=True) if self.log_path.exists() else []
        if tail not in ("", "all"):
            count = int(tail)
            lines = lines[-count:] if count else []
        if timestamps:
            stamp = _now().encode()
            lines = [stamp + b" " + line for line in lines]
        return lines


class FakeEngine:
    """The engine's state; `serve()` runs it on a loopback port for the docker SDK."""

    def __init__(self, images: dict[str, str] | None = None, registry: dict[str, str] | None = None) -> None:
        """`images`: present locally, name -> behaviour; `registry`: what a pull can fetch."""
        self.images = {_image_key(n): FakeImage(_image_key(n), b) for n, b in (images or {}).items()}
        self.registry = {_image_key(n): b for n, b in (registry or {}).items()}
        self.containers: dict[str, FakeContainer] = {}
        self.removed: list[FakeContainer] = []
        self.pulls: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.workdir = Path(tempfile.mkdtemp(prefix="fake-docker-"))

    # -- lookups --------------------------------------------------------------------------------

    def _image(self, name: str) -> FakeImage | None:
        key = _image_key(name)
        if key in self.images:
            return self.images[key]
        return next((i for i in self.images.values() if i.id == name or i.id.removeprefix("sha256:") == name), None)

    def _container(self, ref: str) -> FakeContainer | None:
        if ref in self.containers:
            return self.containers[ref]
        for container in self.containers.values():
            if container.name == ref or container.id.startswith(ref):
                return container
        return None

    # -- the API --------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes) -> Response:
        self.calls.append((method, path))
        path = re.sub(r"^/v\d+\.\d+", "", path)
        if path == "/_ping":
            return Response("OK", media_type="text/plain", headers={"Api-Version": API_VERSION})
        if path == "/version" and method == "GET":
            return JSONResponse(
                {
                    "Version": "27.0.0-fake",
                    "ApiVersion": API_VERSION,
                    "MinAPIVersion": "1.24",
                    "Os": "linux",
                    "Arch": "amd64",
                }
            )
        if match := re.fullmatch(r"/images/(.+)/json", path):
            image = self._image(match[1])
            if image is None:
                return _error(404, f"No such image: {match[1]}")
            return JSONResponse(image.attrs())
        if path == "/images/create" and method == "POST":
            return self._pull(query)
        if path == "/containers/create" and method == "POST":
            return self._create(query, body)
        if match := re.fullmatch(r"/containers/([^/]+)(/[a-z]+)?", path):
            container = self._container(match[1])
            if container is None:
                return _error(404, f"No such container: {match[1]}")
            return self._container_call(method, match[2] or "", container, query)
        return _error(404, f"page not found: {method} {path}")

    def _pull(self, query: dict[str, str]) -> Response:
        name = query.get("fromImage", "")
        tag = query.get("tag") or "latest"
        key = _image_key(f"{name}:{tag}" if "@" not in name else name)
        self.pulls.append(key)
        behaviour = self.registry.get(key)
        if behaviour is None:
            return _error(
                404, f"pull access denied for {name}, repository does not exist or may require 'docker login'"
            )
        self.images[key] = FakeImage(key, behaviour)

        async def progress() -> Any:
            for line in (
                {"status": f"Pulling from {name}", "id": tag},
                {"status": f"Downloaded newer image for {key}"},
            ):
                yield json.dumps(line) + "\r\n"

        return StreamingResponse(progress(), media_type="application/json")

    def _create(self, query: dict[str, str], body: bytes) -> Response:
        data = json.loads(body or b"{}")
        image = self._image(str(data.get("Image", "")))
        if image is None:
            return _error(404, f"No such image: {data.get('Image')}")
        name = query.get("name") or f"fake_{secrets.token_hex(4)}"
        if any(c.name == name for c in self.containers.values()):
            return _error(409, f'Conflict. The container name "/{name}" is already in use')
        container_id = secrets.token_hex(32)
        log_path = self.workdir / f"{container_id}.log"
        self.containers[container_id] = FakeContainer(container_id, name, image, data, log_path)
        return JSONResponse({"Id": container_id, "Warnings": []}, status_code=201)

    def _container_call(self, method: str, action: str, container: FakeContainer, query: dict[str, str]) -> Response:
        if method == "GET" and action == "/json":
            return JSONResponse(container.inspect())
        if method == "POST" and action == "/start":
            if container.status() == "running":
                return Response(status_code=304)
            container.start()
            return Response(status_code=204)
        if method == "GET" and action == "/logs":
            frames = b"".join(
                struct.pack(">BxxxL", 1, len(line)) + line
                for line in container.log_lines(query.get("tail", "all"), query.get("timestamps") == "1")
            )
            return Response(frames, media_type="application/vnd.docker.raw-stream")
        if method == "POST" and action == "/stop":
            if container.status() != "running":
                return Response(status_code=304)
            container.stop(float(query.get("t", "10")))
            return Response(status_code=204)
        if method == "POST" and action == "/kill":
            if container.status() != "running":
                return _error(409, f"Container {container.id} is not running")
            container.kill()
            return Response(status_code=204)
        if method == "DELETE" and action == "":
            if container.status() == "running":
                if query.get("force") not in ("1", "true", "True"):
                    return _error(409, f"cannot remove container {container.name}: container is running")
                container.kill()
            container.remove_query = query
            del self.containers[container.id]
            self.removed.append(container)
            return Response(status_code=204)
        return _error(404, f"page not found: {method} {action}")

    # -- serving --------------------------------------------------------------------------------

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            query = dict(request.query_params)
            return await run_in_threadpool(self._locked, request.method, request.url.path, query, body)

        methods = ["GET", "HEAD", "POST", "DELETE", "PUT"]
        return Starlette(routes=[Route("/{path:path}", endpoint, methods=methods)])

    def _locked(self, method: str, path: str, query: dict[str, str], body: bytes) -> Response:
        with self.lock:
            return self.handle(method, path, query, body)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run the engine on a free loopback port; yields the base URL for docker.DockerClient."""
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="fake-docker-engine", daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the fake Docker engine did not start")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            yield f"tcp://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=5)
            self.shutdown()
            shutil.rmtree(self.workdir, ignore_errors=True)

    def shutdown(self) -> None:
        """Kill every stand-in process still running."""
        for container in [*self.containers.values(), *self.removed]:
            container.kill()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)
