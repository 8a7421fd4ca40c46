"""Run-test scenarios (RT-*, AX-*): the world they run in, the harness-played agencies (probes),
what the axis shows, the documents probes send, results, and a Gherkin runner shared with the
pytest-bdd front end of features/."""
