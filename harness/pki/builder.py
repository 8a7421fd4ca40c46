"""Build a test PKI shaped like the government one, deterministically from a seed.

Test root -> "CA for state agencies" -> per-agency seal certificates and per-person certificates,
plus a TSA certificate, CRLs, a second (untrusted) root and deliberately bad certificates.
Agency certificates carry the agency identifier in the subject (UID `MDDCQ:<OrganId>`) and a
test certificate-policy OID that tells agency from person; both also go into a mapping table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from harness.pki.keys import PrivateKey, rsa_key
from harness.pki.model import Credential, Defect, Role, TestPki

POLICY_AGENCY = ObjectIdentifier("1.3.6.1.4.1.59999.10.1")
"""Test-only policy OID of agency ("seal") certificates."""
POLICY_PERSON = ObjectIdentifier("1.3.6.1.4.1.59999.10.2")
"""Test-only policy OID of personal certificates of competent signers."""
ORGAN_ID_PREFIX = "MDDCQ:"
"""UID prefix carrying the agency identifier (mã định danh cơ quan)."""
CRL_BASE = "http://pki.lienthong.test/crl"
VALID_FROM = datetime(2025, 1, 1, tzinfo=UTC)
VALID_TO = datetime(2035, 12, 31, tzinfo=UTC)
ROOT_FROM = datetime(2024, 1, 1, tzinfo=UTC)
ROOT_TO = datetime(2040, 12, 31, tzinfo=UTC)
REVOKED_AT = datetime(2025, 6, 1, tzinfo=UTC)
EXPIRED_AFTER_SIGNING_END = datetime(2025, 9, 1, tzinfo=UTC)
SIGNED_IN_THE_PAST = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
"""A timestamp time before the revocation and before EXPIRED_AFTER_SIGNING_END (past-signing fixtures)."""
CRL_NEXT_UPDATE = datetime(2035, 12, 31, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    organ_id: str
    name: str
    signer_name: str = "Nguyễn Văn An"
    position: str = "Chủ tịch"


def agency_entry(organ_id: str, name: str, extra: dict[str, object] | None = None) -> AgencyEntry:
    """The PKI entry of a topology agency; `extra["signer"]` may give the signer's name and position."""
    signer = (extra or {}).get("signer")
    details = signer if isinstance(signer, dict) else {}
    return AgencyEntry(
        organ_id,
        name,
        str(details.get("name", "Nguyễn Văn An")),
        str(details.get("position", "Thủ trưởng cơ quan")),
    )


def _serial(seed: str, label: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}/serial/{label}".encode()).digest()[:16], "big") >> 1


def _cut(value: str, limit: int = 64) -> str:
    """At most `limit` UTF-8 bytes (the bound most attribute types have), cut between characters."""
    return value.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _name(*parts: tuple[ObjectIdentifier, str]) -> x509.Name:
    """An X.509 name; long Vietnamese names are cut to what the attribute types allow."""
    return x509.Name([x509.NameAttribute(oid, _cut(value)) for oid, value in parts])


class _Issuer:
    """Issues certificates under one CA credential (or self-signed when `ca` is None)."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def issue(
        self,
        label: str,
        subject: x509.Name,
        key: PrivateKey,
        ca: Credential | None,
        *,
        is_ca: bool = False,
        not_before: datetime = VALID_FROM,
        not_after: datetime = VALID_TO,
        key_usage: str = "sign",
        eku: Iterable[ObjectIdentifier] = (),
        policy: ObjectIdentifier | None = None,
        crl_name: str | None = None,
    ) -> x509.Certificate:
        issuer_name = ca.certificate.subject if ca else subject
        signing_key = ca.key if ca else key
        b = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(_serial(self.seed, label))
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if ca is not None:
            b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
        if is_ca:
            usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        elif key_usage == "sign":
            usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
        elif key_usage == "nonrepudiation":
            usage = x509.KeyUsage(False, True, False, False, False, False, False, False, False)
        else:  # "encipher": a certificate that may not sign
            usage = x509.KeyUsage(False, False, True, False, False, False, False, False, False)
        b = b.add_extension(usage, critical=True)
        eku_list = list(eku)
        if eku_list:
            b = b.add_extension(x509.ExtendedKeyUsage(eku_list), critical=True)
        if policy is not None:
            b = b.add_extension(x509.CertificatePolicies([x509.PolicyInformation(policy, None)]), critical=False)
        if crl_name is not None:
            point = x509.DistributionPoint(
                [x509.UniformResourceIdentifier(f"{CRL_BASE}/{crl_name}.crl")], None, None, None
            )
            b = b.add_extension(x509.CRLDistributionPoints([point]), critical=False)
        return b.sign(signing_key, hashes.SHA256())


def _credential(
    name: str, role: Role, cert: x509.Certificate, key: PrivateKey, issuer: Credential | None, **extra: str
) -> Credential:
    chain = [issuer.certificate, *issuer.chain] if issuer else []
    return Credential(name, role, cert, key, chain, **extra)  # type: ignore[arg-type]


def _crl(
    issuer: Credential, revoked: Iterable[x509.Certificate], seed: str, label: str
) -> x509.CertificateRevocationList:
    b = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(REVOKED_AT)
        .next_update(CRL_NEXT_UPDATE)
        .add_extension(x509.CRLNumber(_serial(seed, label) % 100000), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False)
    )
    for cert in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(cert.serial_number).revocation_date(REVOKED_AT).build()
        b = b.add_revoked_certificate(entry)
    return b.sign(issuer.key, hashes.SHA256())


def _agency_subject(organ_id: str, name: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, name),
        (NameOID.USER_ID, ORGAN_ID_PREFIX + organ_id),
        (NameOID.COMMON_NAME, name),
    )


def _person_subject(organ_id: str, agency_name: str, person: str, position: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, agency_name),
        (NameOID.TITLE, position),
        (NameOID.USER_ID, ORGAN_ID_PREFIX + organ_id),
        (NameOID.COMMON_NAME, person),
    )


def build_pki(seed: str, agencies: Iterable[AgencyEntry]) -> TestPki:
    """The whole test PKI for these agencies; identical output for identical inputs."""
    iss = _Issuer(seed)
    root_key = rsa_key(seed, "root", 3072)
    root_subject = _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ (mô phỏng kiểm thử)"),
        (NameOID.COMMON_NAME, "RootCA chuyên dùng Chính phủ (kiểm thử)"),
    )
    root_cert = iss.issue("root", root_subject, root_key, None, is_ca=True, not_before=ROOT_FROM, not_after=ROOT_TO)
    root = Credential("root", Role.ROOT, root_cert, root_key)

    ca_key = rsa_key(seed, "ca")
    ca_subject = _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ (mô phỏng kiểm thử)"),
        (NameOID.COMMON_NAME, "CA phục vụ các cơ quan Nhà nước (kiểm thử)"),
    )
    ca_cert = iss.issue(
        "ca", ca_subject, ca_key, root, is_ca=True, not_before=ROOT_FROM, not_after=ROOT_TO, crl_name="root"
    )
    ca = _credential("ca", Role.CA, ca_cert, ca_key, root)

    tsa_key = rsa_key(seed, "tsa")
    tsa_subject = _name(
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ (mô phỏng kiểm thử)"),
        (NameOID.COMMON_NAME, "Dịch vụ cấp dấu thời gian (kiểm thử)"),
    )
    tsa_cert = iss.issue("tsa", tsa_subject, tsa_key, ca, eku=[ExtendedKeyUsageOID.TIME_STAMPING], crl_name="ca")
    tsa = _credential("tsa", Role.TSA, tsa_cert, tsa_key, ca)

    agency_creds: dict[str, Credential] = {}
    person_creds: dict[str, Credential] = {}
    for a in agencies:
        key = rsa_key(seed, f"agency/{a.organ_id}")
        cert = iss.issue(
            f"agency/{a.organ_id}", _agency_subject(a.organ_id, a.name), key, ca, policy=POLICY_AGENCY, crl_name="ca"
        )
        agency_creds[a.organ_id] = _credential(a.organ_id, Role.AGENCY, cert, key, ca, organ_id=a.organ_id)
        pkey = rsa_key(seed, f"person/{a.organ_id}")
        pcert = iss.issue(
            f"person/{a.organ_id}",
            _person_subject(a.organ_id, a.name, a.signer_name, a.position),
            pkey,
            ca,
            key_usage="nonrepudiation",
            policy=POLICY_PERSON,
            crl_name="ca",
        )
        person_creds[a.organ_id] = _credential(
            f"person/{a.organ_id}",
            Role.PERSON,
            pcert,
            pkey,
            ca,
            organ_id=a.organ_id,
            person_name=a.signer_name,
            position=a.position,
        )

    first = next(iter(agency_creds.values()), None)
    bad_organ = first.organ_id if first else "000.00.00.H41"
    bad_name = first.common_name if first else "Cơ quan"
    subject = _agency_subject(bad_organ, str(bad_name))

    untrusted_key = rsa_key(seed, "untrusted-root")
    untrusted_subject = _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.COMMON_NAME, "Root CA không tin cậy (kiểm thử)"))
    untrusted_cert = iss.issue(
        "untrusted-root", untrusted_subject, untrusted_key, None, is_ca=True, not_before=ROOT_FROM, not_after=ROOT_TO
    )
    untrusted = Credential("untrusted-root", Role.UNTRUSTED_ROOT, untrusted_cert, untrusted_key)

    bad: dict[Defect, Credential] = {}

    def bad_cert(defect: Defect, issuer: Credential | None, key: PrivateKey | None = None, **kw: object) -> None:
        k = key or rsa_key(seed, f"bad/{defect}")
        cert = iss.issue(f"bad/{defect}", subject, k, issuer, policy=POLICY_AGENCY, **kw)  # type: ignore[arg-type]
        bad[defect] = _credential(f"bad/{defect}", Role.AGENCY, cert, k, issuer, organ_id=bad_organ)
        bad[defect].defect = defect

    bad_cert(
        Defect.EXPIRED,
        ca,
        not_before=datetime(2020, 1, 1, tzinfo=UTC),
        not_after=datetime(2021, 1, 1, tzinfo=UTC),
        crl_name="ca",
    )
    bad_cert(
        Defect.NOT_YET_VALID,
        ca,
        not_before=datetime(2034, 1, 1, tzinfo=UTC),
        not_after=datetime(2036, 1, 1, tzinfo=UTC),
        crl_name="ca",
    )
    bad_cert(Defect.REVOKED, ca, crl_name="ca")
    bad_cert(Defect.RSA_1024, ca, key=rsa_key(seed, "bad/rsa-1024", 1024), crl_name="ca")
    bad_cert(Defect.SELF_SIGNED, None)
    bad_cert(Defect.UNTRUSTED, untrusted)
    bad_cert(Defect.NO_SIGNING_USAGE, ca, key_usage="encipher", crl_name="ca")
    bad_cert(Defect.EXPIRED_AFTER_SIGNING, ca, not_after=EXPIRED_AFTER_SIGNING_END, crl_name="ca")

    crls = [
        _crl(root, [], seed, "crl/root"),
        _crl(ca, [bad[Defect.REVOKED].certificate], seed, "crl/ca"),
    ]
    return TestPki(seed, root, ca, tsa, agency_creds, person_creds, bad, untrusted, crls)


def is_rsa(cred: Credential) -> bool:
    return isinstance(cred.key, rsa.RSAPrivateKey)
