"""The RT-* features (system under test: an agency's document system) as pytest-bdd tests."""

from pytest_bdd import scenarios

scenarios(".")
