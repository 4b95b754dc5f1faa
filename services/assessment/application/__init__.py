"""Assessment application."""
