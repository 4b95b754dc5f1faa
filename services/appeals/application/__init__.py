"""Appeals application."""
