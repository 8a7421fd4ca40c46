"""Trial campaign: roster, rounds, runs, attestations and the per-agency statements."""
