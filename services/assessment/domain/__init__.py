"""Assessment domain."""
