"""The AX-* features (system under test: an axis) as pytest-bdd tests."""

from pytest_bdd import scenarios

scenarios(".")
