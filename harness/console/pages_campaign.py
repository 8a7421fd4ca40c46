"""The campaign page (rounds, completion table, late agencies, electronic share, N×N matrix, filters) and
the JSON its script polls for live progress."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from harness.console.model import FILTER_STATES, STATE_VI, campaign_view, live_cells, newest_round
from harness.console.params import parse_id
from harness.console.render import page
from harness.console.security import require


def index(request: Request) -> Response:
    require(request)
    number = newest_round(request.app.state.store)
    if number is None:
        return page(request, "empty.html", {})
    return RedirectResponse(f"/dot/{number}", status_code=303)


def _filters(request: Request) -> dict[str, str]:
    q = request.query_params
    return {"province": q.get("tinh", ""), "vendor": q.get("ncc", ""), "state": q.get("trang-thai", "")}


def campaign(request: Request) -> Response:
    account = require(request)
    number = parse_id(request.path_params["number"], "đợt chạy thử")
    filters = _filters(request)
    view = campaign_view(request.app.state.store, request.app.state.statements, account, number, **filters)
    if view is None:
        return page(request, "error.html", {"message": f"Chưa có đợt chạy thử số {number}."}, status_code=404)
    context = {
        "view": view,
        "filters": filters,
        "filter_states": FILTER_STATES,
        "state_vi": STATE_VI,
        "poll_ms": int(request.app.state.config.poll_seconds * 1000),
    }
    return page(request, "campaign.html", context)


def campaign_live(request: Request) -> Response:
    """{token, changed, cells?, complete?}: unchanged answers cost one token query."""
    account = require(request)
    number = parse_id(request.path_params["number"], "đợt chạy thử")
    store = request.app.state.store
    held = request.query_params.get("token", "")
    trial_round = store.round(number)
    if trial_round is None:
        return JSONResponse({"error": f"Chưa có đợt chạy thử số {number}."}, status_code=404)
    if held and held == request.app.state.statements.token(trial_round):
        return JSONResponse({"token": held, "changed": False})
    view = campaign_view(store, request.app.state.statements, account, number, **_filters(request))
    assert view is not None
    if held and held == view.token:
        return JSONResponse({"token": view.token, "changed": False})
    return JSONResponse(
        {
            "token": view.token,
            "changed": True,
            "cells": live_cells(view),
            "labels": STATE_VI,
            "complete": view.complete,
            "total": len(view.rows),
        }
    )
