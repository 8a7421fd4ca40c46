"""Clients for the axis protocols; the simulators serve the same code's counterpart."""
