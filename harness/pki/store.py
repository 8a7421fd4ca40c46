"""The test PKI on disk: PEM certificates, PKCS#8 keys and DER CRLs plus a manifest.

Generation takes seconds (RSA keys from a seeded stream), so a PKI is cached and only rebuilt
when its seed or agency list changes, or on `lienthong pki init`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness.paths import REPO_ROOT
from harness.pki.builder import AgencyEntry, build_pki
from harness.pki.model import Credential, Defect, Role, TestPki

MANIFEST = "pki.json"
FORMAT_VERSION = 3
DEFAULT_SEED = "lienthong-demo"


def default_dir() -> Path:
    """`LIENTHONG_PKI_DIR`, else `.lienthong/pki` in the repository."""
    env = os.environ.get("LIENTHONG_PKI_DIR")
    return Path(env) if env else REPO_ROOT / ".lienthong" / "pki"


def fingerprint_of(seed: str, agencies: Iterable[AgencyEntry]) -> str:
    """Identifies what a cached PKI was built from."""
    rows = [[a.organ_id, a.name, a.signer_name, a.position] for a in agencies]
    return hashlib.sha256(json.dumps([FORMAT_VERSION, seed, rows], ensure_ascii=False).encode()).hexdigest()


def _groups(pki: TestPki) -> Iterator[tuple[str, Credential]]:
    yield "root", pki.root
    yield "ca", pki.ca
    yield "tsa", pki.tsa
    yield "untrusted_root", pki.untrusted_root
    for c in pki.agencies.values():
        yield "agency", c
    for c in pki.persons.values():
        yield "person", c
    for c in pki.bad.values():
        yield "bad", c


def _issuer(pki: TestPki, cred: Credential) -> str | None:
    if not cred.chain:
        return None
    top = cred.chain[0]
    for name, c in (("root", pki.root), ("ca", pki.ca), ("untrusted_root", pki.untrusted_root)):
        if c.certificate == top:
            return name
    return None


def _slug(name: str) -> str:
    return name.replace("/", "_")


def save(pki: TestPki, directory: Path, fingerprint: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, Any]] = []
    for group, cred in _groups(pki):
        slug = _slug(cred.name)
        (directory / f"{slug}.crt.pem").write_bytes(cred.certificate.public_bytes(serialization.Encoding.PEM))
        (directory / f"{slug}.key.pem").write_bytes(
            cred.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        entries.append(
            {
                "group": group,
                "name": cred.name,
                "role": cred.role.value,
                "file": slug,
                "issuer": _issuer(pki, cred),
                "organ_id": cred.organ_id,
                "person_name": cred.person_name,
                "position": cred.position,
                "defect": cred.defect.value if cred.defect else None,
            }
        )
    for i, crl in enumerate(pki.crls):
        (directory / f"crl-{i}.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    manifest = {
        "version": FORMAT_VERSION,
        "seed": pki.seed,
        "fingerprint": fingerprint,
        "crls": len(pki.crls),
        "entries": entries,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def load(directory: Path) -> TestPki:
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    creds: dict[str, tuple[dict[str, Any], Credential]] = {}
    for e in manifest["entries"]:
        cert = x509.load_pem_x509_certificate((directory / f"{e['file']}.crt.pem").read_bytes())
        # Our own test keys: skipping OpenSSL's RSA consistency check makes loading a PKI of 70 keys
        # take a tenth of a second instead of seconds, in every process that starts.
        key = serialization.load_pem_private_key(
            (directory / f"{e['file']}.key.pem").read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
        )
        cred = Credential(
            e["name"],
            Role(e["role"]),
            cert,
            key,  # type: ignore[arg-type]
            organ_id=e["organ_id"],
            person_name=e["person_name"],
            position=e["position"],
            defect=Defect(e["defect"]) if e["defect"] else None,
        )
        creds[e["name"]] = (e, cred)

    def chain_of(name: str | None) -> list[x509.Certificate]:
        if name is None:
            return []
        entry, cred = creds[{"root": "root", "ca": "ca", "untrusted_root": "untrusted-root"}[name]]
        return [cred.certificate, *chain_of(entry["issuer"])]

    for entry, cred in creds.values():
        cred.chain = chain_of(entry["issuer"])
    by_group: dict[str, list[Credential]] = {}
    for entry, cred in creds.values():
        by_group.setdefault(entry["group"], []).append(cred)
    crls = [x509.load_der_x509_crl((directory / f"crl-{i}.crl").read_bytes()) for i in range(manifest["crls"])]
    return TestPki(
        seed=manifest["seed"],
        root=by_group["root"][0],
        ca=by_group["ca"][0],
        tsa=by_group["tsa"][0],
        agencies={c.organ_id: c for c in by_group.get("agency", [])},
        persons={c.organ_id: c for c in by_group.get("person", [])},
        bad={c.defect: c for c in by_group.get("bad", []) if c.defect is not None},
        untrusted_root=by_group["untrusted_root"][0],
        crls=crls,
    )


def _built_from(directory: Path, fingerprint: str) -> bool:
    try:
        return bool(json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("fingerprint") == fingerprint)
    except (OSError, ValueError, AttributeError):
        return False


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One builder at a time per directory: concurrent processes wait and then load its result."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with (directory.parent / f".{directory.name}.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def cache_dir(entries: list[AgencyEntry], seed: str = DEFAULT_SEED) -> Path:
    """Where `load_or_build` keeps the PKI of (seed, agencies) when no directory is given: the
    default one when it holds this PKI (or nothing yet), else one beside it named by fingerprint,
    so switching topologies never rebuilds."""
    fingerprint = fingerprint_of(seed, entries)
    directory = default_dir()
    if (directory / MANIFEST).exists() and not _built_from(directory, fingerprint):
        directory = directory.parent / "pki-cache" / fingerprint[:16]
    return directory


def load_or_build(
    agencies: Iterable[AgencyEntry], *, seed: str = DEFAULT_SEED, directory: Path | None = None, rebuild: bool = False
) -> TestPki:
    """The cached PKI for (seed, agencies), built and saved first when missing or stale
    (in `cache_dir` when no directory is given)."""
    entries = list(agencies)
    fingerprint = fingerprint_of(seed, entries)
    directory = directory or cache_dir(entries, seed)
    with _locked(directory):
        if not rebuild and _built_from(directory, fingerprint):
            try:
                return load(directory)
            except (OSError, ValueError, KeyError):
                pass
        pki = build_pki(seed, entries)
        save(pki, directory, fingerprint)
        return pki
