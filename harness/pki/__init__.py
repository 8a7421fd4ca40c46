"""A test PKI shaped like the government one (root, CA for state agencies, agency and person
certificates, TSA, CRLs, deliberately bad certificates), deterministic from a seed."""

from harness.pki.builder import ORGAN_ID_PREFIX, POLICY_AGENCY, POLICY_PERSON, AgencyEntry, build_pki
from harness.pki.model import Credential, Defect, Role, TestPki
from harness.pki.store import DEFAULT_SEED, default_dir, load, load_or_build, save

__all__ = [
    "DEFAULT_SEED",
    "ORGAN_ID_PREFIX",
    "POLICY_AGENCY",
    "POLICY_PERSON",
    "AgencyEntry",
    "Credential",
    "Defect",
    "Role",
    "TestPki",
    "build_pki",
    "default_dir",
    "load",
    "load_or_build",
    "save",
]
