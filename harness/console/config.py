"""What a console instance serves: which campaign store, which topology (for the PKI that checks uploaded
appendices and for starting runs), where uploads may go and how large they may be."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from harness.trial.store import CampaignStore
from harness.trial.throttle import ThrottlePolicy

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""A screenshot is well under this; anything larger is refused before it is read whole."""
MAX_PDF_BYTES = 20 * 1024 * 1024
SECRET_META = "console.secret"


@dataclass(frozen=True, slots=True)
class ConsoleConfig:
    db: str
    """The campaign store: SQLite path or SQLAlchemy URL (the same as `lienthong trial run --db`)."""
    topology: Path | None = None
    """Default: the topology the last `trial run` on this store used (kept in the store)."""
    base_url: str = "http://127.0.0.1:8090"
    """Public address of the console, for links and the verification URL printed in QR codes."""
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_pdf_bytes: int = MAX_PDF_BYTES
    https_only: bool = False
    """Mark the session cookie Secure and send HSTS (behind a TLS proxy)."""
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    """When repeated failed logins must wait (per account, per address)."""
    poll_seconds: float = 1.0
    """How often live pages ask whether the campaign moved."""


def session_secret(store: CampaignStore) -> str:
    """The cookie-signing key, made once per campaign store so every console process on it agrees."""
    held = store.meta(SECRET_META)
    if held:
        return held
    store.set_meta(SECRET_META, secrets.token_urlsafe(48))
    held = store.meta(SECRET_META)
    assert held is not None
    return held


def topology_of(config: ConsoleConfig, store: CampaignStore) -> Path | None:
    if config.topology is not None:
        return config.topology
    held = store.meta("campaign.topology")
    return Path(held) if held else None
