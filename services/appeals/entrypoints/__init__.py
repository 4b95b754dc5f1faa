"""Appeals entrypoints."""
