"""Assessment adapters."""
