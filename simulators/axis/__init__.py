"""A simulated document-interconnect axis (national or provincial) speaking the VXP protocol."""
