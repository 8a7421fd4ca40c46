"""A simulated agency document system (QLVB): polls its axis, checks, registers, returns statuses,
and sends signed documents; a behaviour profile can break one rule on purpose."""
