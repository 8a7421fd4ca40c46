"""The `container` driver: a vendor's document system shipped as a container image.

The harness starts the image with the Docker SDK, points it at the simulated axis through its
environment, waits until its backchannel (harness/backchannel/openapi.yaml) answers, and then drives
it exactly like the `backchannel` driver. Pass/fail is still decided from what reaches the axis.

What the image receives (the contract for vendors)
--------------------------------------------------

Environment variables, always set:

``LIENTHONG_AXIS_URL``
    The VXP adapter endpoint of the axis to connect to, exactly as ``service.endpoint`` of the VNPT
    SDK (e.g. ``http://127.0.0.1:8101/XrdAdapter/adapter``).
``LIENTHONG_SYSTEM_ID``
    The ``systemid`` credential issued by the axis.
``LIENTHONG_SECRET``
    The ``secret`` credential issued by the axis.
``LIENTHONG_ORGAN_ID``
    The agency code (mã định danh) the system sends and receives as.
``LIENTHONG_BACKCHANNEL_PORT``
    The TCP port, inside the container, the backchannel must listen on (all interfaces).
``LIENTHONG_BACKCHANNEL_TOKEN``
    The bearer token the harness sends (``Authorization: Bearer <token>``); when it is empty the
    harness sends no token. The driver draws a random token unless one is configured.

Extra variables configured for the image (``ContainerSpec.env``) are added; the six above always
win over them. The backchannel is served under ``ContainerSpec.backchannel_path`` (default ``/``,
so ``GET /health``); the harness waits for ``GET {path}health`` to answer 200 before the first test.

Networking:

* ``host`` (default): the container shares the host's network, so an axis on 127.0.0.1 is reachable
  as is and the backchannel is at ``127.0.0.1:<port>``. Linux engines only.
* ``bridge``: the backchannel port is published on 127.0.0.1 with a random host port; an axis URL on
  127.0.0.1/localhost is rewritten to ``host.docker.internal`` (mapped to the host gateway). The axis
  must then listen on an address the bridge can reach (not only loopback).

The container is named ``lienthong-<organ id>-<random>`` and labelled ``lienthong.organ=<organ id>``;
on close its logs are saved as evidence and it is stopped and removed.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from harness.backchannel.models import Action, ReceivedDocument, SendRequest, SentDocument
from harness.drivers.backchannel import BackchannelDriver
from harness.drivers.base import Attestation, Command, DriverError

LABEL_ORGAN = "lienthong.organ"
DOCKER_HOST_ALIAS = "host.docker.internal"
LOG_TAIL = 20
STOP_TIMEOUT = 10
PROBE_SLICE = 0.5
"""Seconds the backchannel is probed between two checks that the container still runs."""

Network = Literal["host", "bridge"]
PullPolicy = Literal["missing", "always", "never"]


@dataclass(slots=True)
class ContainerSpec:
    image: str
    organ_id: str
    axis_endpoint: str
    system_id: str
    secret: str
    backchannel_port: int = 8080
    """Port of the backchannel inside the container."""
    backchannel_path: str = "/"
    """Path under which the backchannel is served ("/agencies/X/" -> GET /agencies/X/health)."""
    token: str | None = None
    """Backchannel bearer token; None draws a random one, "" means no token."""
    env: dict[str, str] = field(default_factory=dict)
    network: Network = "host"
    pull: PullPolicy = "missing"
    """missing: pull only when the engine lacks the image; always; never."""
    start_timeout: float = 60.0
    """Seconds from creating the container until the backchannel must answer."""

    def __post_init__(self) -> None:
        if self.network not in ("host", "bridge"):
            raise ValueError(f"network phải là host hoặc bridge, không phải {self.network!r}")
        if self.pull not in ("missing", "always", "never"):
            raise ValueError(f"pull phải là missing, always hoặc never, không phải {self.pull!r}")
        if not 0 < self.backchannel_port < 65536:
            raise ValueError(f"backchannel_port không hợp lệ: {self.backchannel_port}")


def container_axis_url(url: str, network: Network) -> str:
    """The axis URL as seen from inside the container."""
    if network != "bridge":
        return url
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return url
    netloc = DOCKER_HOST_ALIAS if parts.port is None else f"{DOCKER_HOST_ALIAS}:{parts.port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc))


def container_name(organ_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", organ_id).strip("-.") or "agency"
    return f"lienthong-{safe}-{secrets.token_hex(3)}"


def _sdk() -> tuple[Any, tuple[type[BaseException], ...]]:
    """The docker module and the exceptions that mean "the engine call failed"."""
    try:
        docker = importlib.import_module("docker")
        requests = importlib.import_module("requests")
    except ImportError as exc:
        raise DriverError(f"Chưa cài gói docker cho Python (pip install docker): {exc}") from exc
    return docker, (docker.errors.DockerException, requests.RequestException)


class ContainerDriver:
    name = "container"

    def __init__(
        self,
        spec: ContainerSpec,
        *,
        docker_url: str | None = None,
        evidence_dir: Path | None = None,
        request_timeout: float = 60.0,
    ) -> None:
        """`docker_url` is the engine (e.g. unix:///var/run/docker.sock, tcp://host:2375); None uses
        DOCKER_HOST or the default socket. Container logs are saved under `evidence_dir`."""
        self.spec = spec
        self.docker_url = docker_url
        self.evidence_dir = evidence_dir if evidence_dir is not None else Path(".lienthong") / "evidence"
        self.request_timeout = request_timeout
        self.token = spec.token if spec.token is not None else secrets.token_urlsafe(24)
        self.container_name = container_name(spec.organ_id)
        self.container_id: str | None = None
        self.log_file: Path | None = None
        self._client: Any = None
        self._container: Any = None
        self._backchannel: BackchannelDriver | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec.image!r}, {self.container_name!r})"

    @property
    def engine(self) -> str:
        return self.docker_url or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"

    @property
    def backchannel_url(self) -> str | None:
        return self._backchannel.base_url if self._backchannel else None

    def environment(self) -> dict[str, str]:
        """What the container is given (the contract of the module docstring)."""
        env = dict(self.spec.env)
        env.update(
            {
                "LIENTHONG_AXIS_URL": container_axis_url(self.spec.axis_endpoint, self.spec.network),
                "LIENTHONG_SYSTEM_ID": self.spec.system_id,
                "LIENTHONG_SECRET": self.spec.secret,
                "LIENTHONG_ORGAN_ID": self.spec.organ_id,
                "LIENTHONG_BACKCHANNEL_PORT": str(self.spec.backchannel_port),
                "LIENTHONG_BACKCHANNEL_TOKEN": self.token,
            }
        )
        return env

    # -- lifecycle ------------------------------------------------------------------------------

    def _connect(self) -> Any:
        docker, errors = _sdk()
        timeout = max(1, round(self.request_timeout))
        client: Any = None
        try:
            if self.docker_url:
                client = docker.DockerClient(base_url=self.docker_url, timeout=timeout)
            else:
                client = docker.from_env(timeout=timeout)
            client.ping()
        except errors as exc:
            if client is not None:
                client.close()
            raise DriverError(f"Không kết nối được Docker Engine tại {self.engine}: {exc}") from exc
        return client

    def _ensure_image(self) -> None:
        docker, errors = _sdk()
        image = self.spec.image
        try:
            if self.spec.pull == "always":
                self._client.images.pull(image)
                return
            try:
                self._client.images.get(image)
                return
            except docker.errors.ImageNotFound:
                if self.spec.pull == "never":
                    raise DriverError(
                        f"Docker Engine không có ảnh {image} và chính sách pull=never không cho tải về"
                    ) from None
            self._client.images.pull(image)
        except errors as exc:
            raise DriverError(f"Không tải được ảnh {image} về Docker Engine {self.engine}: {exc}") from exc

    def _run_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "name": self.container_name,
            "environment": self.environment(),
            "labels": {LABEL_ORGAN: self.spec.organ_id},
            "detach": True,
        }
        if self.spec.network == "host":
            options["network_mode"] = "host"
        else:
            options["network_mode"] = "bridge"
            options["ports"] = {f"{self.spec.backchannel_port}/tcp": ("127.0.0.1", None)}
            options["extra_hosts"] = {DOCKER_HOST_ALIAS: "host-gateway"}
        return options

    def _host_port(self) -> int | None:
        if self.spec.network == "host":
            return self.spec.backchannel_port
        ports = (self._container.attrs.get("NetworkSettings") or {}).get("Ports") or {}
        for binding in ports.get(f"{self.spec.backchannel_port}/tcp") or []:
            if binding.get("HostPort"):
                return int(binding["HostPort"])
        return None

    def start(self) -> None:
        """Pull if needed, create and start the container, wait for its backchannel to answer.

        On any failure the container is removed (its logs kept as evidence) and DriverError raised."""
        if self._container is not None:
            return
        _, errors = _sdk()
        self._client = self._connect()
        try:
            self._ensure_image()
            deadline = time.monotonic() + self.spec.start_timeout
            try:
                self._container = self._client.containers.create(self.spec.image, **self._run_options())
                self.container_id = str(self._container.id)
                self._container.start()
            except errors as exc:
                raise DriverError(
                    f"Không khởi động được container {self.container_name} ({self.spec.image}): {exc}"
                ) from exc
            self._wait_ready(deadline, errors)
        except BaseException:
            self._discard()
            raise

    def _wait_ready(self, deadline: float, errors: tuple[type[BaseException], ...]) -> None:
        path = "/" + self.spec.backchannel_path.strip("/")
        health = path.rstrip("/") + "/health"
        token = self.token or None
        probe: BackchannelDriver | None = None
        last = ""
        try:
            while True:
                try:
                    self._container.reload()
                except errors as exc:
                    raise self._failure(f"không còn trên Docker Engine ({exc})") from exc
                state = self._container.attrs.get("State") or {}
                status = str(state.get("Status", ""))
                if status in ("exited", "dead", "removing"):
                    code = state.get("ExitCode", "?")
                    raise self._failure(f"đã dừng (mã thoát {code}) trước khi backchannel sẵn sàng")
                port = self._host_port()
                if port is not None and probe is None:
                    probe = BackchannelDriver(f"http://127.0.0.1:{port}{path.rstrip('/')}", token=token, timeout=2.0)
                remaining = deadline - time.monotonic()
                if probe is not None and status == "running":
                    try:
                        probe.start(timeout=max(0.0, min(PROBE_SLICE, remaining)))
                    except DriverError as exc:
                        last = exc.message_vi
                    else:
                        self._backchannel = BackchannelDriver(probe.base_url, token=token, timeout=self.request_timeout)
                        return
                else:
                    time.sleep(min(0.2, max(0.0, remaining)))
                if time.monotonic() >= deadline:
                    detail = f" ({last})" if last else ""
                    raise self._failure(f"không trả lời GET {health} trong {self.spec.start_timeout:g} giây{detail}")
        finally:
            if probe is not None:
                probe.close()

    def _failure(self, what_vi: str) -> DriverError:
        lines = self._logs(self._container, tail=LOG_TAIL)
        text = "\n".join(lines) if lines else "(không có log)"
        return DriverError(
            f"Container {self.container_name} ({self.spec.image}) của {self.spec.organ_id} {what_vi}. "
            f"{LOG_TAIL} dòng log cuối:\n{text}"
        )

    @staticmethod
    def _logs(container: Any, *, tail: int | None = None, timestamps: bool = False) -> list[str]:
        if container is None:
            return []
        _, errors = _sdk()
        try:
            raw = container.logs(stdout=True, stderr=True, tail="all" if tail is None else tail, timestamps=timestamps)
        except errors:
            return []
        data = raw if isinstance(raw, bytes) else b""
        return data.decode("utf-8", errors="replace").splitlines()

    def _save_logs(self, container: Any) -> None:
        lines = self._logs(container, timestamps=True)
        path = self.evidence_dir / f"{self.container_name}.log"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        except OSError:
            return
        self.log_file = path

    def _discard(self) -> list[str]:
        """Save the logs, stop and remove the container, close the clients; returns what failed."""
        docker, errors = _sdk()
        problems: list[str] = []
        if self._backchannel is not None:
            self._backchannel.close()
            self._backchannel = None
        container, self._container = self._container, None
        if container is not None:
            self._save_logs(container)
            try:
                container.stop(timeout=STOP_TIMEOUT)
            except docker.errors.NotFound:
                pass
            except errors as exc:
                problems.append(f"dừng: {exc}")
            try:
                container.remove(force=True, v=True)
            except docker.errors.NotFound:
                pass
            except docker.errors.APIError as exc:
                if not (exc.status_code == 409 and "in progress" in str(exc)):
                    problems.append(f"xóa: {exc}")
            except errors as exc:
                problems.append(f"xóa: {exc}")
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(*errors):
                client.close()
        return problems

    def close(self) -> None:
        """Save the logs as evidence, stop and remove the container. Idempotent; a container that is
        already gone is not an error."""
        problems = self._discard()
        if problems:
            raise DriverError(f"Không dọn được container {self.container_name}: " + "; ".join(problems))

    # -- Driver, through the backchannel ---------------------------------------------------------

    def _driver(self) -> BackchannelDriver:
        if self._backchannel is None or self._container is None:
            raise DriverError(f"Container {self.container_name} chưa được khởi động: gọi start() trước")
        return self._backchannel

    def send_document(self, request: SendRequest) -> Command:
        return self._driver().send_document(request)

    def act(self, document_id: str, from_organ: str, action: Action, reason: str = "") -> Command:
        return self._driver().act(document_id, from_organ, action, reason)

    def recall(self, document_id: str, reason: str = "") -> Command:
        return self._driver().recall(document_id, reason)

    def received(self, document_id: str | None = None, from_organ: str | None = None) -> list[ReceivedDocument] | None:
        return self._driver().received(document_id, from_organ)

    def sent(self) -> list[SentDocument] | None:
        return self._driver().sent()

    def attest(self, step_vi: str) -> Attestation | None:
        return None
