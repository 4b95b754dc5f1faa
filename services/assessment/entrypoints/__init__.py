"""Assessment entrypoints."""
