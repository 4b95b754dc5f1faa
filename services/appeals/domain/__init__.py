"""Appeals domain."""
