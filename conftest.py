"""Root conftest: the run-test plugin (options --sut, --driver, ...; results recording)."""

pytest_plugins = ["harness.pytest_plugin"]
