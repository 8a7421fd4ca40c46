"""The trial console as a plain ASGI app: `create_app(ConsoleConfig(db=...))`.

One campaign store (the same one `lienthong trial run` writes, safe to share: SQLite WAL or PostgreSQL),
sessions kept in the store behind a signed cookie, CSRF on every form, bounded form bodies, security
headers, and one exception handler that turns a refusal into a Vietnamese page (or JSON for the live
endpoint) without ever taking the console down.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from harness.console import pages_agency, pages_auth, pages_campaign, pages_operator, pages_tasks, pages_verify
from harness.console.config import ConsoleConfig, session_secret, topology_of
from harness.console.forms import UploadSpool
from harness.console.headers import SecurityHeaders
from harness.console.model import StatementCache
from harness.console.render import page
from harness.console.runs import RunManager
from harness.console.security import LoginRequired, login_redirect
from harness.pki import TestPki
from harness.trial.accounts import AccountStore
from harness.trial.expected import expected_scenarios
from harness.trial.sessions import SESSION_HOURS, SessionStore
from harness.trial.store import CampaignStore, StoreError
from harness.trial.throttle import LoginThrottle

if TYPE_CHECKING:
    from simulators.topology import Topology

log = logging.getLogger("lienthong.console")
STATIC = Path(__file__).parent / "static"


class _PkiLoader:
    """The topology's test PKI, built on first use (only the verification upload needs it)."""

    def __init__(self, config: ConsoleConfig, store: CampaignStore) -> None:
        self.config = config
        self.store = store
        self._pki: TestPki | None = None
        self._topology: Topology | None = None
        self._lock = threading.Lock()

    def __call__(self) -> TestPki | None:
        with self._lock:
            if self._pki is None:
                topology = topology_of(self.config, self.store)
                if topology is None or not topology.is_file():
                    return None
                from harness.scenarios.world import pki_for_topology
                from simulators.topology import load_topology

                self._topology = load_topology(topology)
                self._pki = pki_for_topology(self._topology)
            return self._pki

    def issuer(self, near: str | None) -> str | None:
        """The ICT department whose certificate signs the appendices of agency `near` (None when unknown)."""
        pki = self()
        if pki is None or self._topology is None:
            return None
        from harness.trial.issuer import IssuerError, find_issuer

        try:
            return find_issuer(self._topology, pki, near=near).organ_id
        except IssuerError:
            return None


def _wants_json(request: Request) -> bool:
    return request.url.path.endswith("/trang-thai")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "Có lỗi."
    if exc.status_code == 404 and message == "Not Found":
        message = "Không có trang này."
    if exc.status_code == 405:
        message = "Phương thức không được hỗ trợ cho địa chỉ này."
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=exc.status_code)
    return page(request, "error.html", {"message": message}, status_code=exc.status_code)


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    if _wants_json(request):
        return JSONResponse({"error": "Phiên đăng nhập đã hết, hãy đăng nhập lại."}, status_code=401)
    return login_redirect(exc.next_path)


async def _store_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StoreError)
    log.warning("store error on %s: %s", request.url.path, exc.message_vi)
    return page(request, "error.html", {"message": exc.message_vi}, status_code=503)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("console error on %s", request.url.path)
    message = "Lỗi bên trong bảng điều khiển; thao tác chưa được ghi. Hãy thử lại, hoặc báo quản trị viên."
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=500)
    return page(request, "error.html", {"message": message}, status_code=500)


def routes() -> list[Route | Mount]:
    return [
        Route("/", pages_campaign.index),
        Route("/dang-nhap", pages_auth.login_form, methods=["GET"]),
        Route("/dang-nhap", pages_auth.login, methods=["POST"]),
        Route("/dang-xuat", pages_auth.logout, methods=["POST"]),
        Route("/dot/{number:int}", pages_campaign.campaign),
        Route("/dot/{number:int}/trang-thai", pages_campaign.campaign_live),
        Route("/co-quan/{organ_id}", pages_agency.agency_page),
        Route("/co-quan/{organ_id}/tep/{key}", pages_agency.agency_file),
        Route("/viec", pages_tasks.task_list),
        Route("/viec/{task_id}", pages_tasks.task_page, methods=["GET"]),
        Route("/viec/{task_id}", pages_tasks.task_answer, methods=["POST"]),
        Route("/xac-minh", pages_verify.verify_form),
        Route("/xac-minh/{code}", pages_verify.verify_page, methods=["GET"]),
        Route("/xac-minh/{code}", pages_verify.verify_upload, methods=["POST"]),
        Route("/dieu-hanh", pages_operator.operator_page),
        Route("/dieu-hanh/chay", pages_operator.start_run, methods=["POST"]),
        Route("/dieu-hanh/chay-lai", pages_operator.rerun_item, methods=["POST"]),
        Mount("/tinh", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]


def create_app(config: ConsoleConfig, *, store: CampaignStore | None = None) -> Starlette:
    store = store or CampaignStore.open(config.db)
    runs = RunManager(pages_operator.run_log_dir(store.files_dir))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            runs.stop_all()
            store.close()

    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(SecurityHeaders, https_only=config.https_only),
            Middleware(
                SessionMiddleware,
                secret_key=session_secret(store),
                session_cookie="lienthong_phien",
                max_age=SESSION_HOURS * 3600,
                same_site="strict",
                https_only=config.https_only,
            ),
        ],
        exception_handlers={
            HTTPException: _http_error,
            LoginRequired: _login_required,
            StoreError: _store_error,
            Exception: _crash,
        },
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.store = store
    app.state.accounts = AccountStore(store)
    app.state.sessions = SessionStore(store)
    app.state.throttle = LoginThrottle(store, config.throttle)
    app.state.spool = UploadSpool(Path(store.files_dir) / ".tai-len" / "dang-nhan")
    app.state.expected = expected_scenarios()
    app.state.statements = StatementCache(store, app.state.expected)
    app.state.runs = runs
    app.state.pki = _PkiLoader(config, store)
    app.state.issuer = app.state.pki.issuer
    return app
