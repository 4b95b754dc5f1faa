"""Appeals adapters."""
