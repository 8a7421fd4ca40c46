"""The checker: signature checks of registered documents beside the clerk, verdicts cached across the
agencies of one host, the automatic 02 planned with its rule ID when one fails.
"""

from __future__ import annotations

import hashlib
import logging
import time

from harness.edxml import model as m
from harness.edxml.findings import Level
from harness.edxml.parser import parse_package
from harness.signing.package import verify_package
from simulators.agency.state import AgencyState, Mode, filed, in_thread

log = logging.getLogger(__name__)


class _VerificationCache:
    """Signature verdicts by (PKI, sender, attachments): the same signed files reach many agencies
    of one host (a harness probe sends one signed PDF to every system under test), and checking
    them once keeps every agency's 02 on time. Entries expire, as validity depends on the clock."""

    def __init__(self, seconds: float = 300.0, size: int = 1024) -> None:
        self.seconds, self.size = seconds, size
        self.entries: dict[tuple[str, str, str], tuple[float, list[str]]] = {}

    def get(self, key: tuple[str, str, str]) -> list[str] | None:
        hit = self.entries.get(key)
        if hit is None or time.monotonic() - hit[0] > self.seconds:
            return None
        return list(hit[1])

    def put(self, key: tuple[str, str, str], findings: list[str]) -> None:
        if len(self.entries) >= self.size:
            del self.entries[min(self.entries, key=lambda k: self.entries[k][0])]
        self.entries[key] = (time.monotonic(), list(findings))


_VERIFIED = _VerificationCache()


def _verification_key(trust: str, package: m.EdocPackage) -> tuple[str, str, str]:
    digest = hashlib.sha256()
    for a in package.attachments:
        for part in (a.attachment_name, a.content_type, a.encoded):
            digest.update((part or "").encode("utf-8") + b"\0")
    sender = (package.from_.organ_id if package.from_ is not None else None) or ""
    return trust, sender, digest.hexdigest()


class Checks(AgencyState):
    async def check_pending(self) -> None:
        """Finish the checks of registrations left unchecked (by a restart)."""
        for registration_id in self.store.unchecked():
            await self.check(registration_id)

    async def check(self, registration_id: int) -> None:
        """The signature checks after 01 (EDX rules were checked at fetch time). A MUST finding
        plans the automatic 02 (unless the profile accepts unsigned documents); auto mode plans 03
        otherwise."""
        parsed = self.parsed.pop(registration_id, None)
        reg = self.store.registration(registration_id)
        if reg is None or reg["verdict"] != "pending":
            return
        findings = ""
        package = parsed or parse_package(bytes(reg["package"]), strict=False)
        assert isinstance(package, m.EdocPackage)
        key = _verification_key(self.trust_id, package)
        sig = _VERIFIED.get(key)
        if sig is None:
            try:
                checked = await in_thread("verify", verify_package, package, self.trust)
                sig = [f"{f.rule}: {f.message_vi}" for f in checked if f.level is Level.MUST]
                _VERIFIED.put(key, sig)
            except Exception as exc:  # never let one package stall the queue
                log.exception("%s: signature check of %s failed", self.organ_id, reg["document_id"])
                sig = [f"SIG-01: Không kiểm tra được chữ ký số của văn bản ({type(exc).__name__})."]
        if sig and not self.behaviour.accepts_unsigned:
            findings = sig[0]
        auto = bool(findings) or self.mode is Mode.AUTO
        self.store.update_registration(
            registration_id,
            verdict="reject" if findings else "ok",
            findings=findings,
            auto_due=time.time() + self.timing.step_delay if auto else None,
            package=filed(package),
        )
        log.info("%s: checked %s: %s", self.organ_id, reg["document_id"], findings or "ok")
