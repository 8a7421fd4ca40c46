"""Step definitions of the Vietnamese features: thin wrappers over harness.scenarios."""
