"""The test PKI as data: who holds which certificate, for which agency, and what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from harness.pki.keys import PrivateKey


class Role(StrEnum):
    ROOT = "root"
    CA = "ca"
    TSA = "tsa"
    AGENCY = "agency"
    """An agency's "seal" certificate (chứng thư số của cơ quan, tổ chức), used by the clerk."""
    PERSON = "person"
    """A competent signer's personal certificate."""
    UNTRUSTED_ROOT = "untrusted-root"


class Defect(StrEnum):
    """What is deliberately wrong with a negative-fixture certificate."""

    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    REVOKED = "revoked"
    RSA_1024 = "rsa-1024"
    SELF_SIGNED = "self-signed"
    UNTRUSTED = "untrusted"
    NO_SIGNING_USAGE = "no-signing-usage"
    EXPIRED_AFTER_SIGNING = "expired-after-signing"
    """Valid 2025-01-01..2025-09-01: a signature timestamped inside that window stays valid."""


def common_name(cert: x509.Certificate) -> str:
    """The subject CN (the agency's or person's name), or the whole DN when there is none."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 fingerprint in hex: the key of the signer mapping table (SIG-12)."""
    return cert.fingerprint(hashes.SHA256()).hex()


@dataclass(slots=True)
class Credential:
    """A certificate with its private key and the chain above it (issuer first, root last)."""

    name: str
    role: Role
    certificate: x509.Certificate
    key: PrivateKey
    chain: list[x509.Certificate] = field(default_factory=list)
    organ_id: str = ""
    person_name: str = ""
    position: str = ""
    defect: Defect | None = None

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def common_name(self) -> str:
        return common_name(self.certificate)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)


@dataclass(slots=True)
class TestPki:
    """Everything a test world needs: anchors, issuing CA, TSA, per-agency credentials, CRLs."""

    __test__ = False  # not a pytest test class

    seed: str
    root: Credential
    ca: Credential
    tsa: Credential
    agencies: dict[str, Credential]
    persons: dict[str, Credential]
    bad: dict[Defect, Credential]
    untrusted_root: Credential
    crls: list[x509.CertificateRevocationList]

    @property
    def trust_roots(self) -> list[x509.Certificate]:
        return [self.root.certificate]

    @property
    def intermediates(self) -> list[x509.Certificate]:
        return [self.ca.certificate]

    def agency(self, organ_id: str) -> Credential:
        try:
            return self.agencies[organ_id]
        except KeyError:
            raise KeyError(f"no agency certificate for {organ_id} in this PKI") from None

    def person(self, organ_id: str) -> Credential:
        try:
            return self.persons[organ_id]
        except KeyError:
            raise KeyError(f"no personal certificate for {organ_id} in this PKI") from None

    def signer_map(self) -> dict[str, list[str]]:
        """Organ id -> SHA-256 fingerprints of the certificates that may sign for it (SIG-12)."""
        out: dict[str, list[str]] = {}
        for cred in [*self.agencies.values(), *self.persons.values()]:
            out.setdefault(cred.organ_id, []).append(cred.fingerprint)
        return out
